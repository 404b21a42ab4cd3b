# ReminderSent now belongs to the reminders app (reminders/migrations/0001_initial), which took
# over its table as it is: here it only leaves scale's state, and nothing in the database changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('scale', '0003_contact_rollup_run'),
        ('reminders', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ReminderSent')],
            database_operations=[],
        ),
    ]
