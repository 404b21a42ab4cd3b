from django.urls import path  # noqa: F401

app_name = "council_data"
urlpatterns: list = []
