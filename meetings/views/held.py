"""Meetings as they happen: one recorded after it was held (not planned here first), who
actually attended, and who was given the summary, when and how."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from families.access import family_for
from guidance import hints
from meetings import sending, services_held
from meetings.forms_held import AttendanceForm, HeldMeetingForm, SummarySentForm
from meetings.views.access import _get_meeting_for_user
from meetings.views.after import _summary_not_ready
from meetings.views.planning import _apply_errors
from portal.http import SchoolRequest
from portal.lib import once, saving
from portal.lib.limits import parse_id


def _detail_url(meeting, anchor: str = "") -> str:
    return reverse("meetings:meeting-detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


@require_http_methods(["GET", "POST"])
def meeting_add_held(request: SchoolRequest, family_pk: int):
    """Record a meeting already held with the family, with who was there; what each person
    said, scaling and next steps follow on the meeting's record, as for a planned meeting."""
    school_family = family_for(request, family_pk)
    family = school_family.family
    if done := once.earlier(request):  # sent twice: the first one recorded the meeting
        return redirect(done)
    initial = {}
    if child_id := parse_id(request.GET.get("child") or ""):
        initial["children"] = [child_id]  # the form keeps it only if it is this family's, here
    form = HeldMeetingForm(
        request.POST or None,
        school=request.school,
        family=family,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    meeting = services_held.meeting_record_held(
                        school=request.school,
                        family=family,
                        created_by=request.user,
                        **form.service_kwargs(),
                    )
                    spent.made(meeting, _detail_url(meeting))
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    "The meeting is recorded as held. Add what each person said, scaling "
                    "answers and the next steps below.",
                )
                hints.save_messages(
                    request, hints.check_on_save(request, form.cleaned_data["summary"])
                )
                return redirect(_detail_url(meeting))
    return render(
        request,
        "meetings/meeting_held_form.html",
        {
            "form": form,
            "family": family,
            "title": f"Record a meeting already held with {family.name}",
            "intro": "For a meeting that was not planned here first: when it was held, who was "
            "there and what was agreed. What each person said, scaling answers and next steps "
            "are added on the meeting's record afterwards.",
            "submit": "Record the meeting",
            "once_only": True,
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_attendance(request: SchoolRequest, pk: int):
    """Who actually attended: staff, parents and carers, partner agencies (not who was
    invited). Shown on the record and on the family's summary."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    form = AttendanceForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            data = form.cleaned_data
            try:
                services_held.meeting_attendance_set(
                    meeting=meeting,
                    staff_present=data["staff_present"],
                    parents_present=data["parents_present"],
                    agencies_present=data.get("agencies_present") or [],
                    recorded_by=request.user,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "Who attended is saved.")
                return redirect(_detail_url(meeting, "after"))
    return render(
        request,
        "meetings/meeting_held_form.html",
        {
            "form": form,
            "family": meeting.family,
            "meeting": meeting,
            "title": "Who attended",
            "intro": "Tick who was actually there, whether or not they were invited. This is "
            "shown on the record and on the family's summary.",
            "submit": "Save who attended",
        },
    )


@require_http_methods(["GET", "POST"])
def summary_sent_add(request: SchoolRequest, pk: int):
    """Record that the family's summary was given or sent to someone: when and how."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    if (not_ready := _summary_not_ready(request, meeting)) is not None:
        return not_ready
    after_url = _detail_url(meeting, "after")
    if done := once.earlier(request, fallback=after_url):  # sent twice: kept once
        return redirect(done)
    people = sending.recipients(meeting)
    refusals = {p.pk: people.refusal(p) for p in people.parents if people.refusal(p)}
    form = SummarySentForm(request.POST or None, meeting=meeting, refusals=refusals)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    sent = services_held.summary_sent_record(
                        meeting=meeting, by=request.user, **form.service_kwargs()
                    )
                    spent.made(sent, after_url)
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"Kept: the summary was sent to {sent.to_name}.")
                return redirect(after_url)
    return render(
        request,
        "meetings/meeting_held_form.html",
        {
            "form": form,
            "family": meeting.family,
            "meeting": meeting,
            "title": "Record that the summary was sent",
            "intro": "Who was given the family's summary, on which day and how. Record each "
            "person separately.",
            "submit": "Keep this",
            "once_only": True,
        },
    )
