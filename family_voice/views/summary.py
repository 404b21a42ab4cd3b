"""After a meeting: the parent reads the agreed summary through their link (page and PDF), with
the steps they own, says "I have read this", ticks off their own steps, and can say "this is not
what I understood" (an amendment of the record, marked as disputed by them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation

from family_voice import summary
from family_voice.forms_summary import DisputeForm, StepDoneForm
from family_voice.models import ParentLink, Purpose
from family_voice.views.parent import parent_page
from meetings import pdf as meetings_pdf
from meetings.models import ActionPoint, MeetingAmendment
from portal.http import SchoolRequest


def _not_ready(request: SchoolRequest, link: ParentLink, token: str, *, status: int = 200):
    """Before the meeting is recorded (or when it was called off) there is nothing to read:
    one plain sentence, never an error."""
    return render(
        request,
        "family_voice/summary_not_ready.html",
        {"token": token, "school_name": link.school.name},
        status=status,
    )


def _answer(request: SchoolRequest, link: ParentLink) -> tuple[str, DisputeForm, int]:
    """Apply what the parent sent: (what happened, the dispute form to show, the status)."""
    dispute_form = DisputeForm()
    if "read" in request.POST:
        summary.summary_acknowledge(link=link)
        return "read", dispute_form, 200
    if "done" in request.POST:
        form = StepDoneForm(request.POST)
        if form.is_valid() and summary.step_done_by_parent(
            link=link, step_id=form.cleaned_data["done"]
        ):
            return "done", dispute_form, 200
        # Not one of their own open steps: nothing changes.
        return "not_done", dispute_form, 400
    if "dispute" in request.POST:
        dispute_form = DisputeForm(request.POST)
        if dispute_form.is_valid():
            try:
                summary.summary_dispute(link=link, words=dispute_form.cleaned_data["words"])
            except ValidationError:
                return "not_done", dispute_form, 400
            return "disputed", DisputeForm(), 200
        return "", dispute_form, 400
    return "not_done", dispute_form, 400


def page(request: SchoolRequest, link: ParentLink, token: str) -> HttpResponse:
    """The summary made for this parent. Answers are drawn on the page they were sent from
    (not redirected), so that only the parent's own visits count as openings of the link."""
    if not summary.is_ready(link.meeting):
        return _not_ready(request, link, token)
    answered, dispute_form, status = "", DisputeForm(), 200
    if request.method == "POST":
        answered, dispute_form, status = _answer(request, link)
    context = summary.summary_for_link(link)
    if context is None:
        return _not_ready(request, link, token)
    reading = summary.summary_read(link=link)
    mine = [
        p
        for p in context["points"]
        if p.owner_kind == ActionPoint.OwnerKind.PARENT and p.owner_parent_id == link.parent_id
    ]
    disputes = list(
        MeetingAmendment.objects.filter(
            meeting=context["meeting"], by_parent_id=link.parent_id
        ).order_by("at", "pk")
    )
    language = translation.get_language() or ""
    return render(
        request,
        "family_voice/summary.html",
        {
            **context,
            "token": token,
            "school_name": link.school.name,
            "parent": link.parent,
            "my_steps": mine,
            "other_steps": [p for p in context["points"] if p not in mine],
            "reading": reading,
            "disputes": disputes,
            "answered": answered,
            "dispute_form": dispute_form,
            # Staff write the summary in English; it is never machine-translated.
            "written_in_english": not language.startswith("en"),
        },
        status=status,
    )


@parent_page
def pdf(request: SchoolRequest, link: ParentLink, token: str) -> HttpResponse:
    """The same summary as a PDF to keep (a summary link only)."""
    if link.purpose != Purpose.SUMMARY:
        raise Http404("Not a summary link.")
    context = summary.summary_for_link(link)
    if context is None:
        return _not_ready(request, link, token, status=409)
    response = HttpResponse(meetings_pdf.summary_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="meeting-summary.pdf"'
    return response
