from django.urls import path

from complaints import views

app_name = "complaints"

# Included at meetings/complaints/ (portal/urls.py), where complaints have always been.
urlpatterns = [
    path("", views.complaint_list, name="complaint-list"),
    path("search/", views.complaint_search, name="complaint-search"),
    path("add/", views.complaint_add, name="complaint-add"),
    path("overview/", views.complaint_overview, name="complaint-overview"),
    path("<id:pk>/", views.complaint_detail, name="complaint-detail"),
    path("<id:pk>/edit/", views.complaint_edit, name="complaint-edit"),
    path("<id:pk>/reply/", views.complaint_reply, name="complaint-reply"),
    path("<id:pk>/withdraw/", views.complaint_withdraw_view, name="complaint-withdraw"),
]
