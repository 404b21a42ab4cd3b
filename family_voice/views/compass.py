"""A parent says how things are between them and the school: three short questions and a
sentence if they wish. The link asks no second check (nothing about a child is shown), so the
page names no one but the school and the parent's first name, and never shows a placement."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from family_voice import parent_compass
from family_voice.forms_compass import ParentCompassForm
from family_voice.models import ParentCompass, ParentLink
from portal.http import SchoolRequest


def _their_answers(answer: ParentCompass | None) -> list[dict]:
    if answer is None:
        return []
    return [
        {"ask": q.ask, "answer": q.answer(getattr(answer, q.field))}
        for q in parent_compass.QUESTIONS
    ]


def page(request: SchoolRequest, link: ParentLink, token: str) -> HttpResponse:
    thanked = False
    if request.method == "POST":
        form = ParentCompassForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            parent_compass.parent_compass_give(
                link=link,
                communication=data["communication"],
                access=data["access"],
                attitude=data["attitude"],
                words=data["words"],
            )
            thanked = True
            form = ParentCompassForm()
    else:
        form = ParentCompassForm()
    last = parent_compass.latest_for(school=link.school, parent=link.parent)
    return render(
        request,
        "family_voice/compass.html",
        {
            "token": token,
            "school_name": link.school.name,
            "first_name": link.parent.first_name,
            "form": form,
            "thanked": thanked,
            "last": last,
            "last_answers": _their_answers(last),
        },
        status=400 if form.errors else 200,
    )
