app_name = "meetings"

urlpatterns: list = []

# Complaints (C2): kept in their own block so the meeting routes above can grow independently.
from django.urls import path  # noqa: E402

from meetings import views_complaints  # noqa: E402

urlpatterns += [
    path("complaints/", views_complaints.complaint_list, name="complaint-list"),
    path("complaints/add/", views_complaints.complaint_add, name="complaint-add"),
    path("complaints/overview/", views_complaints.complaint_overview, name="complaint-overview"),
    path("complaints/<int:pk>/", views_complaints.complaint_detail, name="complaint-detail"),
    path("complaints/<int:pk>/edit/", views_complaints.complaint_edit, name="complaint-edit"),
    path("complaints/<int:pk>/reply/", views_complaints.complaint_reply, name="complaint-reply"),
]
