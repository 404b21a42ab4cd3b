from django.urls import path

from meetings.views import after, planning, record, trust

app_name = "meetings"

urlpatterns: list = [
    path("", planning.meeting_list, name="meeting-list"),
    path("family/<int:family_pk>/add/", planning.meeting_add, name="meeting-add"),
    path("<int:pk>/", record.meeting_detail, name="meeting-detail"),
    path("<int:pk>/plan/", planning.meeting_plan, name="meeting-plan"),
    path("<int:pk>/edit/", planning.meeting_edit, name="meeting-edit"),
    path("<int:pk>/preparation/", planning.preparation_toggle, name="preparation-toggle"),
    path("<int:pk>/agencies/add/", planning.agency_add, name="agency-add"),
    path(
        "<int:pk>/agencies/<int:agency_pk>/remove/",
        planning.agency_remove,
        name="agency-remove",
    ),
    path("<int:pk>/cancel/", planning.meeting_cancel, name="meeting-cancel"),
    path("<int:pk>/invitation.ics", planning.meeting_ics, name="meeting-ics"),
    path("<int:pk>/letter/", planning.meeting_letter, name="meeting-letter"),
    path("<int:pk>/said/<slug:section>/add/", record.contribution_add, name="contribution-add"),
    path(
        "<int:pk>/said/<int:item_pk>/remove/",
        record.contribution_remove,
        name="contribution-remove",
    ),
    path("<int:pk>/scaling/add/", record.scaling_add, name="scaling-add"),
    path("<int:pk>/scaling/<int:item_pk>/remove/", record.scaling_remove, name="scaling-remove"),
    path("<int:pk>/steps/add/", record.action_add, name="action-add"),
    path("steps/<int:pk>/edit/", record.action_edit, name="action-edit"),
    path("<int:pk>/record/", record.meeting_record, name="meeting-record"),
    path("<int:pk>/summary/", after.meeting_summary, name="meeting-summary"),
    path("<int:pk>/summary.pdf", after.meeting_summary_pdf, name="meeting-summary-pdf"),
    path("<int:pk>/follow-up/", after.follow_up_schedule, name="follow-up-schedule"),
    path("follow-ups/<int:pk>/log/", after.follow_up_log, name="follow-up-log"),
    path("<int:pk>/withdraw/", trust.meeting_withdraw_view, name="meeting-withdraw"),
    path("<int:pk>/amend/", trust.meeting_amend_view, name="meeting-amend"),
    path("steps/<int:pk>/withdraw/", trust.action_point_withdraw_view, name="action-withdraw"),
]

# Complaints (C2): kept in their own block so the meeting routes above can grow independently.
from meetings import views_complaints  # noqa: E402

urlpatterns += [
    path("complaints/", views_complaints.complaint_list, name="complaint-list"),
    path("complaints/search/", views_complaints.complaint_search, name="complaint-search"),
    path("complaints/add/", views_complaints.complaint_add, name="complaint-add"),
    path("complaints/overview/", views_complaints.complaint_overview, name="complaint-overview"),
    path("complaints/<int:pk>/", views_complaints.complaint_detail, name="complaint-detail"),
    path("complaints/<int:pk>/edit/", views_complaints.complaint_edit, name="complaint-edit"),
    path("complaints/<int:pk>/reply/", views_complaints.complaint_reply, name="complaint-reply"),
    path(
        "complaints/<int:pk>/withdraw/",
        views_complaints.complaint_withdraw_view,
        name="complaint-withdraw",
    ),
]
