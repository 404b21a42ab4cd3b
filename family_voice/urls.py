from django.urls import path

from family_voice.views import parent, staff

app_name = "family_voice"

urlpatterns = [
    # The parent's side: a link, no account.
    path("p/<str:token>/", parent.link_open, name="open"),
    path("p/<str:token>/check/", parent.link_check, name="check"),
    # Staff make a link from the family page, and stop one.
    path("family-voice/family/<id:family_pk>/links/new/", staff.link_add, name="link-add"),
    path("family-voice/links/<id:pk>/stop/", staff.link_stop, name="link-stop"),
]
