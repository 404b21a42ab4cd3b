from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("retention/", views.retention, name="retention"),
    path("families/<int:pk>/", views.family, name="family"),
    path("families/<int:pk>/hold/", views.hold_set, name="hold-set"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold-lift"),
    path("parents/<int:pk>/", views.subject_access, name="subject-access"),
    path("parents/<int:pk>/export.json", views.subject_access_json, name="subject-access-json"),
    path("parents/<int:pk>/print/", views.subject_access_print, name="subject-access-print"),
]
