# The reminders' record of what was sent, moved from scale/ with its table (scale_remindersent),
# which keeps its name and its rows: only Django's idea of which app owns it changes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('portal', '0001_initial'),
        ('scale', '0003_contact_rollup_run'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReminderSent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('contact_follow_up', 'Follow-up of a contact'), ('meeting_follow_up', 'Follow-up of a meeting'), ('action_point', 'Agreed step from a meeting'), ('meeting_review', 'Meeting review')], max_length=20)),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('sent_on', models.DateField()),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.school')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders_sent', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'scale_remindersent',
                        'constraints': [models.UniqueConstraint(fields=('school', 'sent_on', 'kind', 'object_id', 'user'), name='remindersent_once_a_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
