from django.urls import path

from dashboards.views import authority, exports, lists, mine, school, selfevaluation

app_name = "dashboards"

# Included at the compass/ prefix (portal/urls.py), so every path is as it was.
urlpatterns = [
    # The headteacher's dashboard, screen by screen.
    path("dashboard/", school.dashboard, name="dashboard"),
    path("dashboard/movement/", school.dashboard_movement, name="dashboard-movement"),
    path("dashboard/contacts/", school.dashboard_contacts, name="dashboard-contacts"),
    path("dashboard/attention/", school.dashboard_attention, name="dashboard-attention"),
    path(
        "dashboard/attention/<slug:which>/",
        lists.dashboard_attention_list,
        name="dashboard-attention-list",
    ),
    path("dashboard/patterns/", school.dashboard_patterns, name="dashboard-patterns"),
    path("dashboard/<slug:table>.csv", exports.dashboard_csv, name="dashboard-csv"),
    # Each member of staff's own balance, the authority's figures and the self-evaluation.
    path("my-contacts/", mine.my_contacts, name="my-contacts"),
    path("authority/", authority.authority, name="authority"),
    path("authority/<slug:table>.csv", exports.authority_csv, name="authority-csv"),
    path("self-evaluation/", selfevaluation.selfevaluation, name="selfevaluation"),
]
