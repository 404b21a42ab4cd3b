# Complaints moved out of meetings/ into their own app, with their tables as they are
# (meetings_complaint and its history, meetings_historicalcomplaint): only Django's idea of which
# app owns them changes, so nothing is created, dropped or copied. meetings 0009 then forgets
# them. The content types follow, so the access log's rows about complaints stay attached to
# the model (and the admin's log to its entries).

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = ["complaint", "historicalcomplaint"]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="complaints", model=model).exists():
            ContentType.objects.filter(app_label="meetings", model=model).update(
                app_label="complaints"
            )


def content_types_go_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="meetings", model=model).exists():
            ContentType.objects.filter(app_label="complaints", model=model).update(
                app_label="meetings"
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('families', '0013_contact_subject_and_lesson'),
        ('meetings', '0008_attendance_and_summary_sent'),
        ('portal', '0009_school_subjects_and_designated_teacher'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalComplaint',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('history_username', models.CharField(blank=True, default='', max_length=150)),
                        ('withdrawn_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('withdrawn_reason', models.CharField(blank=True, default='', editable=False, max_length=300, verbose_name='why it is withdrawn')),
                        ('raised_by_name', models.CharField(blank=True, help_text='Or, if it was someone else, their name and who they are to the family.', max_length=200)),
                        ('about', models.TextField(help_text='What the complaint is about, in their words.', max_length=4000)),
                        ('received_at', models.DateTimeField()),
                        ('received_how', models.CharField(choices=[('in_person', 'In person'), ('phone', 'Phone call'), ('letter', 'Letter'), ('email', 'Email'), ('other', 'Other')], default='in_person', max_length=12)),
                        ('what_would_help', models.TextField(blank=True, help_text='What the parent says would help (ask at once).', max_length=4000)),
                        ('school_can_offer', models.TextField(blank=True, max_length=4000)),
                        ('apology_given', models.BooleanField(default=False)),
                        ('apology', models.TextField(blank=True, max_length=2000)),
                        ('first_response_at', models.DateTimeField(blank=True, help_text='When the point of contact first spoke or wrote to the parent personally.', null=True)),
                        ('reply', models.TextField(blank=True, max_length=6000, verbose_name='personal reply')),
                        ('replied_on', models.DateField(blank=True, null=True)),
                        ('outcome', models.TextField(blank=True, max_length=4000)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('responded', 'Responded'), ('resolved', 'Resolved')], default='open', max_length=10)),
                        ('what_changed', models.TextField(blank=True, max_length=4000, verbose_name='what we changed as a result')),
                        ('what_changed_shareable', models.BooleanField(default=False, help_text='What we changed may be shared back with the parent.')),
                        ('what_changed_shared_on', models.DateField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('updated_at', models.DateTimeField(blank=True, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('family', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='families.family')),
                        ('history_user', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.meeting')),
                        ('point_of_contact', models.ForeignKey(blank=True, db_constraint=False, help_text='The one member of staff the parent deals with about this.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('raised_by', models.ForeignKey(blank=True, db_constraint=False, help_text='The parent or carer who raised it.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='families.parentcarer')),
                        ('school', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='portal.school')),
                        ('withdrawn_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical complaint',
                        'verbose_name_plural': 'historical complaints',
                        'db_table': 'meetings_historicalcomplaint',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Complaint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('withdrawn_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('withdrawn_reason', models.CharField(blank=True, default='', editable=False, max_length=300, verbose_name='why it is withdrawn')),
                        ('raised_by_name', models.CharField(blank=True, help_text='Or, if it was someone else, their name and who they are to the family.', max_length=200)),
                        ('about', models.TextField(help_text='What the complaint is about, in their words.', max_length=4000)),
                        ('received_at', models.DateTimeField()),
                        ('received_how', models.CharField(choices=[('in_person', 'In person'), ('phone', 'Phone call'), ('letter', 'Letter'), ('email', 'Email'), ('other', 'Other')], default='in_person', max_length=12)),
                        ('what_would_help', models.TextField(blank=True, help_text='What the parent says would help (ask at once).', max_length=4000)),
                        ('school_can_offer', models.TextField(blank=True, max_length=4000)),
                        ('apology_given', models.BooleanField(default=False)),
                        ('apology', models.TextField(blank=True, max_length=2000)),
                        ('first_response_at', models.DateTimeField(blank=True, help_text='When the point of contact first spoke or wrote to the parent personally.', null=True)),
                        ('reply', models.TextField(blank=True, max_length=6000, verbose_name='personal reply')),
                        ('replied_on', models.DateField(blank=True, null=True)),
                        ('outcome', models.TextField(blank=True, max_length=4000)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('responded', 'Responded'), ('resolved', 'Resolved')], default='open', max_length=10)),
                        ('what_changed', models.TextField(blank=True, max_length=4000, verbose_name='what we changed as a result')),
                        ('what_changed_shareable', models.BooleanField(default=False, help_text='What we changed may be shared back with the parent.')),
                        ('what_changed_shared_on', models.DateField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('family', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='complaints', to='families.family')),
                        ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complaints', to='meetings.meeting')),
                        ('point_of_contact', models.ForeignKey(help_text='The one member of staff the parent deals with about this.', on_delete=django.db.models.deletion.PROTECT, related_name='complaints_to_answer', to=settings.AUTH_USER_MODEL)),
                        ('raised_by', models.ForeignKey(blank=True, help_text='The parent or carer who raised it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complaints_raised', to='families.parentcarer')),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='complaints', to='portal.school')),
                        ('withdrawn_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'meetings_complaint',
                        'ordering': ['-received_at'],
                        'indexes': [models.Index(fields=['school', 'status', 'received_at'], name='complaint_school_status'), models.Index(fields=['school', 'point_of_contact', 'status'], name='complaint_contact'), models.Index(fields=['school', 'received_at'], name='complaint_school_received')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('first_response_at__isnull', True), ('first_response_at__gte', models.F('received_at')), _connector='OR'), name='complaint_response_after_receipt')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
