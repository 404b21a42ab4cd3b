from django.urls import path

from compass import views, views_dashboard, views_lists, views_patterns

app_name = "compass"

urlpatterns = [
    path("family/<id:family_pk>/", views.family_compass, name="family-compass"),
    path("family/<id:family_pk>/place/", views.placement_add, name="placement-add"),
    path(
        "placements/<id:pk>/withdraw/",
        views.placement_withdraw_view,
        name="placement-withdraw",
    ),
    # The headteacher's dashboard, the authority's figures and the self-evaluation.
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/movement/", views_dashboard.dashboard_movement, name="dashboard-movement"),
    path("dashboard/contacts/", views_dashboard.dashboard_contacts, name="dashboard-contacts"),
    path("dashboard/attention/", views_dashboard.dashboard_attention, name="dashboard-attention"),
    path(
        "dashboard/attention/<slug:which>/",
        views_lists.dashboard_attention_list,
        name="dashboard-attention-list",
    ),
    path("reviews/", views_lists.placement_reviews, name="placement-reviews"),
    path("dashboard/patterns/", views_patterns.dashboard_patterns, name="dashboard-patterns"),
    path("dashboard/<slug:table>.csv", views_dashboard.dashboard_csv, name="dashboard-csv"),
    path("my-contacts/", views_dashboard.my_contacts, name="my-contacts"),
    path("authority/", views_dashboard.authority, name="authority"),
    path("authority/<slug:table>.csv", views_dashboard.authority_csv, name="authority-csv"),
    path("self-evaluation/", views_dashboard.selfevaluation, name="selfevaluation"),
]
