from django.urls import path

from compass import views, views_lists

app_name = "compass"

# The dashboards share this prefix: dashboards/urls.py is included at compass/ too.
urlpatterns = [
    path("family/<id:family_pk>/", views.family_compass, name="family-compass"),
    path("family/<id:family_pk>/place/", views.placement_add, name="placement-add"),
    path(
        "placements/<id:pk>/withdraw/",
        views.placement_withdraw_view,
        name="placement-withdraw",
    ),
    path("reviews/", views_lists.placement_reviews, name="placement-reviews"),
]
