"""A parent keeps their own contact preferences up to date through their link: what the school
holds for them (and only them), which they can change; changes wait for the school to check
them. Behind views.parent.parent_page, which has asked the second check."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from family_voice import preferences
from family_voice.forms_preferences import CHANNEL_WORDS, READING_WORDS, PreferencesForm
from family_voice.models import ParentLink, PreferenceChange
from portal.http import SchoolRequest


def _words(field: str, value) -> str:
    """A value as the parent reads it (their language: the page runs in it)."""
    if field == "preferred_channel":
        return str(CHANNEL_WORDS.get(value, value))
    if field == "reading":
        return str(READING_WORDS.get(value, value))
    return value


def _waiting_rows(change: PreferenceChange | None, form: PreferencesForm) -> list[dict]:
    if change is None:
        return []
    rows = []
    for field in preferences.PARENT_FIELDS:
        if field in change.proposed:
            rows.append(
                {
                    "label": form.fields[field].label,
                    "value": _words(field, change.proposed[field]),
                    "field": field,
                    "boolean": field in preferences.BOOLEAN_FIELDS,
                }
            )
    return rows


def page(request: SchoolRequest, link: ParentLink, token: str) -> HttpResponse:
    parent = link.parent
    waiting = preferences.waiting_change(school=link.school, parent=parent)
    thanked = taken_back = unchanged = False
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            change = preferences.preference_change_ask(
                link=link, values=form.values(), note=form.cleaned_data["note"]
            )
            if change is not None:
                thanked, waiting = True, change
            else:
                taken_back, unchanged = waiting is not None, waiting is None
                waiting = None
                form = _form_for(parent, None)
    else:
        form = _form_for(parent, waiting)
    return render(
        request,
        "family_voice/preferences.html",
        {
            "token": token,
            "school_name": link.school.name,
            "first_name": parent.first_name,
            "form": form,
            "waiting": waiting,
            "waiting_rows": _waiting_rows(waiting, form),
            "thanked": thanked,
            "taken_back": taken_back,
            "unchanged": unchanged,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _form_for(parent, waiting: PreferenceChange | None) -> PreferencesForm:
    """The form as the parent last left it: what the school holds, with what they asked for
    and is still waiting over it (so asking again keeps what they asked before)."""
    initial = {**preferences.held(parent), **(waiting.proposed if waiting else {})}
    initial["note"] = waiting.note if waiting else ""
    return PreferencesForm(initial=initial)
