# Complaint and its history now belong to the complaints app (complaints/migrations/0001_initial),
# which took over their tables as they are: here they only leave meetings' state, and nothing in
# the database changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0008_attendance_and_summary_sent'),
        ('complaints', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='HistoricalComplaint'),
                migrations.DeleteModel(name='Complaint'),
            ],
            database_operations=[],
        ),
    ]
