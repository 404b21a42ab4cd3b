from django.urls import path

from meetings.views import after, held, planning, record, trust

app_name = "meetings"

urlpatterns = [
    path("", planning.meeting_list, name="meeting-list"),
    path("family/<id:family_pk>/add/", planning.meeting_add, name="meeting-add"),
    path("family/<id:family_pk>/held/", held.meeting_add_held, name="meeting-add-held"),
    path("<id:pk>/", record.meeting_detail, name="meeting-detail"),
    path("<id:pk>/attendance/", held.meeting_attendance, name="meeting-attendance"),
    path("<id:pk>/summary/sent/", held.summary_sent_add, name="summary-sent-add"),
    path("<id:pk>/plan/", planning.meeting_plan, name="meeting-plan"),
    path("<id:pk>/edit/", planning.meeting_edit, name="meeting-edit"),
    path("<id:pk>/preparation/", planning.preparation_toggle, name="preparation-toggle"),
    path("<id:pk>/agencies/add/", planning.agency_add, name="agency-add"),
    path(
        "<id:pk>/agencies/<id:agency_pk>/remove/",
        planning.agency_remove,
        name="agency-remove",
    ),
    path("<id:pk>/cancel/", planning.meeting_cancel, name="meeting-cancel"),
    path("<id:pk>/invitation.ics", planning.meeting_ics, name="meeting-ics"),
    path("<id:pk>/letter/", planning.meeting_letter, name="meeting-letter"),
    path("<id:pk>/said/<slug:section>/add/", record.contribution_add, name="contribution-add"),
    path(
        "<id:pk>/said/<id:item_pk>/remove/",
        record.contribution_remove,
        name="contribution-remove",
    ),
    path("<id:pk>/scaling/add/", record.scaling_add, name="scaling-add"),
    path("<id:pk>/scaling/<id:item_pk>/remove/", record.scaling_remove, name="scaling-remove"),
    path("<id:pk>/steps/add/", record.action_add, name="action-add"),
    path("steps/<id:pk>/edit/", record.action_edit, name="action-edit"),
    path("<id:pk>/record/", record.meeting_record, name="meeting-record"),
    path(
        "<id:pk>/last-steps/<id:step_pk>/",
        record.last_step_update,
        name="last-step-update",
    ),
    path("<id:pk>/summary/", after.meeting_summary, name="meeting-summary"),
    path("<id:pk>/summary.pdf", after.meeting_summary_pdf, name="meeting-summary-pdf"),
    path("<id:pk>/follow-up/", after.follow_up_schedule, name="follow-up-schedule"),
    path("follow-ups/<id:pk>/log/", after.follow_up_log, name="follow-up-log"),
    path("<id:pk>/withdraw/", trust.meeting_withdraw_view, name="meeting-withdraw"),
    path("<id:pk>/amend/", trust.meeting_amend_view, name="meeting-amend"),
    path("steps/<id:pk>/withdraw/", trust.action_point_withdraw_view, name="action-withdraw"),
]
