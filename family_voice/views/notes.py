"""A parent writes to their key contact, from any of their links (a home–school note).

The page says who will read the note before it is written. The parent's earlier notes and the
school's answers show only on a link that asked the second check: a link with no check proves
nothing about who holds the phone, so there they see the form and a thank-you alone.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from family_voice import notes
from family_voice.forms_notes import NoteForm
from family_voice.models import ParentLink
from family_voice.views.parent import parent_page
from portal.http import SchoolRequest


def _no_one(request: SchoolRequest, link: ParentLink, token: str) -> HttpResponse:
    return render(
        request,
        "family_voice/note_phone.html",
        {
            "token": token,
            "school_name": link.school.name,
            "phone": link.school.phone,
            "hide_note_link": True,
        },
    )


@parent_page
def write(request: SchoolRequest, link: ParentLink, token: str) -> HttpResponse:
    """The note's page: who reads it, when to expect an answer, the form; after sending, a
    thank-you (and, on a checked link, the notes so far)."""
    reader = notes.note_reader(school=link.school, family_id=link.family_id)
    if reader is None:
        return _no_one(request, link, token)
    form = NoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                notes.note_from_parent(link=link, words=form.cleaned_data["words"])
            except notes.NobodyToRead:
                return _no_one(request, link, token)
            except ValidationError as exc:
                form.add_error("words", exc.messages)
            else:
                return redirect(reverse("family_voice:note", args=[token]) + "?sent=1")
        status = 400
    sent = request.method == "GET" and request.GET.get("sent") == "1"
    return render(
        request,
        "family_voice/note.html",
        {
            "token": token,
            "school_name": link.school.name,
            "phone": link.school.phone,
            "reader": reader,
            "form": form,
            "sent": sent,
            # When the school will see it, if it is written in quiet hours (evening, weekend).
            "seen_from": link.school.quiet_ends(timezone.now()),
            "shows_thread": link.needs_check,
            "thread": notes.thread_for(link) if link.needs_check else [],
            "hide_note_link": True,
        },
        status=status,
    )
