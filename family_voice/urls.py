from django.urls import path

from family_voice.views import before, notes, parent, staff, staff_answers, staff_notes, summary

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
    # A parent's request for another time for a meeting, dealt with by its chair.
    path(
        "family-voice/views/<id:pk>/time-dealt-with/",
        before.time_dealt_with,
        name="views-time-done",
    ),
    # Home–school notes: staff answer a parent, and keep a note to fewer people.
    path(
        "family-voice/family/<id:family_pk>/notes/reply/",
        staff_notes.note_reply,
        name="note-reply",
    ),
    path(
        "family-voice/notes/<id:pk>/confidential/",
        staff_notes.note_confidential,
        name="note-confidential",
    ),
    # Changes a parent asked for to their own details: checked, then accepted or not now.
    path(
        "family-voice/preferences/<id:pk>/",
        staff_answers.preference_review,
        name="preference-review",
    ),
    path(
        "family-voice/preferences/<id:pk>/accept/",
        staff_answers.preference_accept,
        name="preference-accept",
    ),
    path(
        "family-voice/preferences/<id:pk>/decline/",
        staff_answers.preference_decline,
        name="preference-decline",
    ),
    # The school dashboard's block "Where parents see it differently", loaded after the page.
    path("family-voice/dashboard/views-differ/", staff_answers.views_differ, name="views-differ"),
]
