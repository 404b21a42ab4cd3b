"""The meeting page for the laptop in the room: best hopes, strengths, exceptions, scaling,
next small steps, in that order; each section adds inline (htmx) and works without JS."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

import audit
from guidance import hints
from meetings import extensions, services
from meetings.forms import (
    ActionPointForm,
    ContributionForm,
    RecordForm,
    ScalingForm,
    StepProgressForm,
)
from meetings.models import ActionPoint, Contribution, Meeting, ScalingAnswer
from meetings.views import trust
from meetings.views.access import _get_action_point_for_user, _get_meeting_for_user
from meetings.views.planning import _apply_errors, visible_last_steps
from portal.http import SchoolRequest
from portal.lib import once, saving

SECTION_HINTS = {
    Contribution.Section.BEST_HOPES: "What would each person like to come out of this meeting?",
    Contribution.Section.STRENGTHS: "Start here: what goes well, what the child and family "
    "are good at, what they bring.",
    Contribution.Section.EXCEPTIONS: "When is it already a bit better? What is different then?",
}
# The order the room works through; strengths are heard before any problem is discussed.
SECTION_ORDER = [
    Contribution.Section.BEST_HOPES,
    Contribution.Section.STRENGTHS,
    Contribution.Section.EXCEPTIONS,
]


def _detail_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("meetings:meeting-detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _scaling_rows(meeting: Meeting, answers: list[ScalingAnswer]) -> list[dict]:
    """Each person's answer now beside their answer at the meeting this one reviews: matched by
    the person chosen (staff, parent, child), else by name (older typed answers, a supporter,
    an agency worker)."""
    earlier = []
    if meeting.previous_id:
        earlier = list(ScalingAnswer.objects.filter(meeting_id=meeting.previous_id))

    def match(answer):
        key, name = answer.person_key, answer.party.strip().lower()
        found = next((b for b in earlier if key and b.person_key == key), None) or next(
            (b for b in earlier if b.party.strip().lower() == name), None
        )
        if found is not None:
            earlier.remove(found)
        return found

    rows = []
    for answer in answers:
        rows.append({"party": answer.party, "now": answer, "before": match(answer)})
    rows.extend({"party": last.party, "now": None, "before": last} for last in earlier)
    for row in rows:
        if row["now"] and row["before"]:
            row["change"] = row["now"].score - row["before"].score
    return rows


def last_steps(request: SchoolRequest, meeting: Meeting, failed_form=None) -> list[ActionPoint]:
    """The steps from the meeting this one reviews, if this person may see that meeting; each
    with a status form when they may change this one (`failed_form` in place of its own)."""
    steps = visible_last_steps(request, meeting)
    for step in steps:
        step.review_form = None
        if getattr(meeting, "may_change", False):
            if failed_form is not None and failed_form.instance.pk == step.pk:
                step.review_form = failed_form
            else:
                step.review_form = StepProgressForm(
                    instance=step, meeting=meeting.previous, prefix=f"step-{step.pk}"
                )
    return steps


def _room_context(request: SchoolRequest, meeting: Meeting, **forms) -> dict:
    contributions = list(meeting.contributions.all())
    sections = []
    for number, key in enumerate(SECTION_ORDER, 1):
        sections.append(
            {
                "number": number,
                "key": key.value,
                "label": key.label,
                "hint": SECTION_HINTS[key],
                "items": [c for c in contributions if c.section == key],
                "form": forms.get(f"form_{key.value}") or ContributionForm(prefix=key.value),
            }
        )
    answers = list(meeting.scaling.all())
    # Fully loaded: the table shows every step's owner, so a lazy load here would be an N+1.
    points = list(
        meeting.action_points.select_related(
            "owner_staff", "owner_parent", "owner_child"
        ).fetch_mode(models.FETCH_RAISE)
    )
    return {
        "meeting": meeting,
        "family": meeting.family,
        "amendments": list(meeting.amendments.select_related("by", "by_parent").order_by("at")),
        "summary_locked": services.summary_locked(meeting),
        "may_withdraw": trust.may_withdraw_meeting(request, meeting),
        "sections": sections,
        "scaling_rows": _scaling_rows(meeting, answers),
        "scaling_form": forms.get("scaling_form") or ScalingForm(meeting=meeting),
        "last_steps": last_steps(request, meeting, forms.get("step_form")),
        "points": points,
        "action_form": forms.get("action_form") or ActionPointForm(meeting=meeting),
        "record_form": forms.get("record_form") or RecordForm(instance=meeting),
        "follow_ups": list(meeting.follow_ups.select_related("owner", "contact")),
    }


@require_GET
def meeting_detail(request: SchoolRequest, pk: int):
    """The record of the meeting, in the order the room works through it."""
    meeting = _get_meeting_for_user(request, pk)
    audit.record(request, action=audit.VIEW, obj=meeting, family=meeting.family_id)
    context = _room_context(request, meeting)
    context["extra_sections"] = extensions.sections_for(request, meeting, "detail")
    return render(request, "meetings/meeting_detail.html", context)


def _section_response(
    request: SchoolRequest, meeting, partial: str, anchor: str, *, ok: bool, **forms
):
    if request.htmx:
        context = _room_context(request, meeting, **forms)
        if partial == "section":
            key = anchor
            context["section"] = next(s for s in context["sections"] if s["key"] == key)
        # htmx swaps only 2xx answers, so a form with its messages comes back as 200.
        return render(request, f"meetings/meeting_detail.html#{partial}", context)
    if ok:
        return redirect(_detail_url(meeting, anchor))
    return render(
        request,
        "meetings/meeting_detail.html",
        _room_context(request, meeting, **forms),
        status=400,
    )


def _add_once(request: SchoolRequest, form, add, url: str) -> bool:
    """Save one new line of the record: once, however often the form is sent (the one-time
    token), and only while the record is open. False, with the reason on the form, if refused."""
    try:
        with once.spend(request) as spent:
            spent.made(add(), url)
    except once.AlreadySubmitted:
        return True
    except ValidationError as exc:
        _apply_errors(form, exc)
        return False
    return True


def _removal_refused(request: SchoolRequest, meeting: Meeting, exc: ValidationError, anchor: str):
    """A line that may no longer be taken out: say why on the meeting page, change nothing."""
    messages.error(request, " ".join(exc.messages))
    if request.htmx:
        return HttpResponseClientRedirect(_detail_url(meeting, anchor))
    return redirect(_detail_url(meeting, anchor))


@require_POST
def contribution_add(request: SchoolRequest, pk: int, section: str):
    """Record what one person said in one section (best hopes, strengths, exceptions)."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    if section not in Contribution.Section.values:
        return redirect(_detail_url(meeting))
    if once.earlier(request):  # sent twice: the line is there already
        return _section_response(request, meeting, "section", section, ok=True)
    form = ContributionForm(request.POST, prefix=section)
    ok = form.is_valid() and _add_once(
        request,
        form,
        lambda: services.contribution_add(
            meeting=meeting, recorded_by=request.user, section=section, **form.cleaned_data
        ),
        _detail_url(meeting, f"section-{section}"),
    )
    if ok:
        found = hints.check_on_save(request, form.cleaned_data["words"])
        if not request.htmx:  # with htmx the hint was beside the field as they typed
            hints.save_messages(request, found)
        form = None
    return _section_response(
        request, meeting, "section", section, ok=ok, **{f"form_{section}": form}
    )


@require_POST
def contribution_remove(request: SchoolRequest, pk: int, item_pk: int):
    meeting = _get_meeting_for_user(request, pk, write=True)
    item = get_object_or_404(Contribution, meeting=meeting, pk=item_pk)
    item.meeting = meeting
    try:
        services.contribution_remove(contribution=item)
    except ValidationError as exc:
        return _removal_refused(request, meeting, exc, f"section-{item.section}")
    return _section_response(request, meeting, "section", item.section, ok=True)


@require_POST
def scaling_add(request: SchoolRequest, pk: int):
    """One party's 0–10 and what one point higher would look like."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    if once.earlier(request):  # sent twice: the answer is there already
        return _section_response(request, meeting, "scaling", "scaling", ok=True)
    form = ScalingForm(request.POST, meeting=meeting)
    ok = form.is_valid() and _add_once(
        request,
        form,
        lambda: services.scaling_add(meeting=meeting, **form.cleaned_data),
        _detail_url(meeting, "scaling"),
    )
    if ok:
        form = None
    return _section_response(request, meeting, "scaling", "scaling", ok=ok, scaling_form=form)


@require_POST
def scaling_remove(request: SchoolRequest, pk: int, item_pk: int):
    meeting = _get_meeting_for_user(request, pk, write=True)
    answer = get_object_or_404(ScalingAnswer, meeting=meeting, pk=item_pk)
    answer.meeting = meeting
    try:
        services.scaling_remove(answer=answer)
    except ValidationError as exc:
        return _removal_refused(request, meeting, exc, "scaling")
    return _section_response(request, meeting, "scaling", "scaling", ok=True)


@require_POST
def action_add(request: SchoolRequest, pk: int):
    """A next small step with its owner and date."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    if once.earlier(request):  # sent twice: the step is there already
        return _section_response(request, meeting, "actions", "actions", ok=True)
    form = ActionPointForm(request.POST, meeting=meeting)
    ok = form.is_valid()
    if ok:
        try:
            with once.spend(request) as spent:
                services.action_point_save(action_point=form.instance)
                spent.made(form.instance, _detail_url(meeting, "actions"))
        except once.AlreadySubmitted:
            form = None
        except ValidationError as exc:
            _apply_errors(form, exc)
            ok = False
        else:
            form = None
    return _section_response(request, meeting, "actions", "actions", ok=ok, action_form=form)


@require_http_methods(["GET", "POST"])
def action_edit(request: SchoolRequest, pk: int):
    """Change a step's owner, date or status: inline in the table with htmx, or as a page."""
    point = _get_action_point_for_user(request, pk, write=True)
    meeting = point.meeting
    form_class = ActionPointForm if meeting.may_change else StepProgressForm
    form = form_class(request.POST or None, instance=point, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                services.action_point_save(action_point=form.instance)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                if request.htmx:
                    response = render(
                        request,
                        "meetings/meeting_detail.html#actions",
                        _room_context(request, meeting),
                    )
                    return reswap(retarget(response, "#actions"), "outerHTML")
                messages.success(request, "The step is saved.")
                return redirect(_detail_url(meeting, "actions"))
    context = {"meeting": meeting, "point": point, "form": form}
    if request.htmx:
        return render(request, "meetings/actionpoint_form.html#row-form", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/actionpoint_form.html", context, status=status)


@require_POST
def meeting_record(request: SchoolRequest, pk: int):
    """Save the plain-language summary and review date, and mark the meeting as held."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    form = RecordForm(request.POST, instance=meeting)
    if form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                services.meeting_record(
                    meeting=meeting,
                    summary=form.cleaned_data["summary"],
                    review_on=form.cleaned_data["review_on"],
                    recorded_by=request.user,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "The meeting record is saved.")
                hints.save_messages(
                    request, hints.check_on_save(request, form.cleaned_data["summary"])
                )
                return redirect(_detail_url(meeting, "after"))
    meeting.refresh_from_db()
    return render(
        request,
        "meetings/meeting_detail.html",
        _room_context(request, meeting, record_form=form),
        status=400,
    )


@require_POST
def last_step_update(request: SchoolRequest, pk: int, step_pk: int):
    """While recording a review: say how a step from the last meeting went (its status and how
    it is going), through the same service as any step change, so its history is kept."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    if not any(step.pk == step_pk for step in last_steps(request, meeting)):
        raise Http404("No such step from the last meeting.")
    point = ActionPoint.objects.get(pk=step_pk)
    form = StepProgressForm(
        request.POST, instance=point, meeting=meeting.previous, prefix=f"step-{step_pk}"
    )
    if form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                services.action_point_save(action_point=form.instance)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, f"“{point.what}” is saved as {point.get_status_display().lower()}."
                )
                return redirect(_detail_url(meeting, "last-steps"))
    return render(
        request,
        "meetings/meeting_detail.html",
        _room_context(request, meeting, step_form=form),
        status=400,
    )
