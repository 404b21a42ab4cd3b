# The self-evaluations and their region targets, moved from compass/ with their tables
# (compass_selfevaluation, compass_regiontarget), which keep their names and their rows: only
# Django's idea of which app owns them changes.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('compass', '0009_selfevaluation_baseline'),
        ('portal', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SelfEvaluation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('written_on', models.DateField(default=django.utils.timezone.localdate)),
                        ('target_year', models.PositiveSmallIntegerField(help_text='The year by which the school aims to reach its target distribution.', validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)])),
                        ('answers', models.JSONField(blank=True, default=dict)),
                        ('baseline', models.JSONField(blank=True, default=dict, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='self_evaluations', to='portal.school')),
                    ],
                    options={
                        'db_table': 'compass_selfevaluation',
                        'ordering': ['-written_on', '-pk'],
                        'indexes': [models.Index(fields=['school', '-written_on'], name='selfevaluation_school')],
                    },
                ),
                migrations.CreateModel(
                    name='RegionTarget',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('region_key', models.SlugField(help_text='The same keys as Placement.region_key.', max_length=30)),
                        ('percent', models.PositiveSmallIntegerField(validators=[django.core.validators.MaxValueValidator(100)])),
                        ('evaluation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='targets', to='dashboards.selfevaluation')),
                    ],
                    options={
                        'db_table': 'compass_regiontarget',
                        'ordering': ['evaluation', 'region_key'],
                        'constraints': [models.UniqueConstraint(fields=('evaluation', 'region_key'), name='regiontarget_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
