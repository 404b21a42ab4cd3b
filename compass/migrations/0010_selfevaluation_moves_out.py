# SelfEvaluation and RegionTarget now belong to dashboards (dashboards/migrations/0001_initial),
# which took over their tables as they are: here they only leave compass's state, and nothing in
# the database changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('compass', '0009_selfevaluation_baseline'),
        ('dashboards', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='RegionTarget'),
                migrations.DeleteModel(name='SelfEvaluation'),
            ],
            database_operations=[],
        ),
    ]
