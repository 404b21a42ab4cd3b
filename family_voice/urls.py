from django.urls import path

from family_voice.views import notes, parent, staff, summary

app_name = "family_voice"

urlpatterns = [
    # The parent's side: a link, no account. Every page under /p/<token>/ is behind
    # views.parent.parent_page (the link must work, and the second check be passed).
    path("p/<str:token>/", parent.link_open, name="open"),
    path("p/<str:token>/check/", parent.link_check, name="check"),
    path("p/<str:token>/language/", parent.language_choose, name="language"),
    path("p/<str:token>/summary.pdf", summary.pdf, name="summary-pdf"),
    path("p/<str:token>/note/", notes.write, name="note"),
    # Staff make a link from the family page, and stop one.
    path("family-voice/family/<id:family_pk>/links/new/", staff.link_add, name="link-add"),
    path("family-voice/links/<id:pk>/stop/", staff.link_stop, name="link-stop"),
]
