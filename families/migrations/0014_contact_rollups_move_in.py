# The monthly contact rollup and its run, moved from scale/ with their tables
# (scale_contactmonthrollup, scale_contactrolluprun), which keep their names and their rows:
# only Django's idea of which app owns them changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('families', '0013_contact_subject_and_lesson'),
        ('portal', '0002_form_submissions'),
        ('scale', '0004_reminders_move_out'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ContactMonthRollup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(help_text='The first day of the month.')),
                        ('total', models.PositiveIntegerField(default=0)),
                        ('positive', models.PositiveIntegerField(default=0)),
                        ('neutral', models.PositiveIntegerField(default=0)),
                        ('concern', models.PositiveIntegerField(default=0)),
                        ('formal', models.PositiveIntegerField(default=0)),
                        ('informal', models.PositiveIntegerField(default=0)),
                        ('families', models.PositiveIntegerField(default=0, help_text='How many different families were in contact that month.')),
                        ('refreshed_at', models.DateTimeField(auto_now=True)),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contact_rollups', to='portal.school')),
                    ],
                    options={
                        'db_table': 'scale_contactmonthrollup',
                        'ordering': ['school', 'month'],
                        'constraints': [models.UniqueConstraint(fields=('school', 'month'), name='contactrollup_unique_month')],
                    },
                ),
                migrations.CreateModel(
                    name='ContactRollupRun',
                    fields=[
                        ('school', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='contact_rollup_run', serialize=False, to='portal.school')),
                        ('refreshed_at', models.DateTimeField()),
                    ],
                    options={
                        'db_table': 'scale_contactrolluprun',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
