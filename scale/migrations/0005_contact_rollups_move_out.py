# ContactMonthRollup and ContactRollupRun now belong to families (families/migrations/
# 0014_contact_rollups_move_in), which took over their tables as they are: here they only leave
# scale's state, and nothing in the database changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('scale', '0004_reminders_move_out'),
        ('families', '0014_contact_rollups_move_in'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ContactMonthRollup'),
                migrations.DeleteModel(name='ContactRollupRun'),
            ],
            database_operations=[],
        ),
    ]
