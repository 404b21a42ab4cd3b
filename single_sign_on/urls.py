from django.urls import path  # noqa: F401

app_name = "single_sign_on"
urlpatterns: list = []
