from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("families/<id:pk>/", views.family_audit, name="family-audit"),
]
