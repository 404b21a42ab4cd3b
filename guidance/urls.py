from django.urls import path

from guidance import views

app_name = "guidance"

urlpatterns = [
    path("hints/", views.hint_check, name="hint-check"),
]
