from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("retention/", views.retention, name="retention"),
    path("retention/erase/", views.erase, name="erase"),
    path("retention/erasures/<id:pk>/", views.erasure, name="erasure"),
    path("families/<id:pk>/", views.family, name="family"),
    path("families/<id:pk>/hold/", views.hold_set, name="hold-set"),
    path("holds/<id:pk>/lift/", views.hold_lift, name="hold-lift"),
    path("parents/<id:pk>/", views.subject_access, name="subject-access"),
    path("parents/<id:pk>/export.json", views.subject_access_json, name="subject-access-json"),
    path("parents/<id:pk>/print/", views.subject_access_print, name="subject-access-print"),
]
