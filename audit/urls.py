from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("families/<int:pk>/", views.family_audit, name="family-audit"),
]
