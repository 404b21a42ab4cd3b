"""After the meeting: the family's summary (page and PDF) and follow-up contacts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import audit
from families.models import SchoolFamily
from guidance import hints
from meetings import pdf, services
from meetings.forms import FollowUpLogForm
from meetings.models import Contribution, FollowUp, Meeting
from meetings.views.access import _get_follow_up_for_user, _get_meeting_for_user
from meetings.views.planning import _apply_errors
from portal.lib import saving


def summary_context(meeting: Meeting) -> dict:
    """What the family keeps: strengths first, the agreed steps with owners and dates, and
    who to contact."""
    contributions = list(meeting.contributions.all())
    school_family = (
        SchoolFamily.objects.filter(school=meeting.school, family=meeting.family)
        .select_related("key_contact")
        .first()
    )
    # The family's key contact is their one point of contact; the chair stands in if none.
    contact_person = (school_family.key_contact if school_family else None) or meeting.chair
    membership = contact_person.memberships.filter(school=meeting.school).first()
    return {
        "meeting": meeting,
        "family": meeting.family,
        "children": list(meeting.children.all()),
        "strengths": [c for c in contributions if c.section == Contribution.Section.STRENGTHS],
        "best_hopes": [c for c in contributions if c.section == Contribution.Section.BEST_HOPES],
        "exceptions": [c for c in contributions if c.section == Contribution.Section.EXCEPTIONS],
        "points": list(
            meeting.action_points.exclude(status="dropped").select_related(
                "owner_staff", "owner_parent", "owner_child"
            )
        ),
        "contact_person": contact_person,
        "contact_title": membership.title if membership else "",
        "school": meeting.school,
    }


@require_GET
def meeting_summary(request, pk: int):
    """The family's summary, in plain words, to print or send."""
    meeting = _get_meeting_for_user(request, pk)
    audit.record(request, action=audit.VIEW, obj=meeting, family=meeting.family_id)
    return render(request, "meetings/meeting_summary.html", summary_context(meeting))


@require_GET
def meeting_summary_pdf(request, pk: int):
    meeting = _get_meeting_for_user(request, pk)
    audit.record(request, action=audit.EXPORT, obj=meeting, family=meeting.family_id)
    body = pdf.summary_pdf(summary_context(meeting))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="meeting-summary-{meeting.pk}.pdf"'
    return response


@require_POST
def follow_up_schedule(request, pk: int):
    """One click: a follow-up call to check the open steps, owned by whoever clicked."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    channel = request.POST.get("channel") or FollowUp.Channel.PHONE
    if channel not in FollowUp.Channel.values:
        channel = FollowUp.Channel.PHONE
    try:
        follow_up = services.follow_up_schedule(
            meeting=meeting, owner=request.user, channel=channel
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{follow_up.get_channel_display()} scheduled for {follow_up.due_on:%A %-d %B}; "
            "it is on your home page.",
        )
    return redirect(reverse("meetings:meeting-detail", args=[meeting.pk]) + "#after")


@require_http_methods(["GET", "POST"])
def follow_up_log(request, pk: int):
    """Log the follow-up contact and say how each step it checks is going."""
    follow_up = _get_follow_up_for_user(request, pk, write=True)
    meeting = follow_up.meeting
    if follow_up.is_done:
        messages.info(request, "This follow-up has already been logged.")
        return redirect(reverse("meetings:meeting-detail", args=[meeting.pk]) + "#after")
    form = FollowUpLogForm(request.POST or None, follow_up=follow_up)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                services.follow_up_log(
                    follow_up=follow_up,
                    staff=request.user,
                    parents=form.cleaned_data["parents"],
                    summary=form.cleaned_data["summary"],
                    tone=form.cleaned_data["tone"],
                    updates=form.updates(),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "The follow-up is logged and the steps are updated.")
                hints.save_messages(
                    request, hints.check_on_save(request, form.cleaned_data["summary"])
                )
                return redirect(reverse("meetings:meeting-detail", args=[meeting.pk]) + "#after")
    return render(
        request,
        "meetings/followup_form.html",
        {"form": form, "follow_up": follow_up, "meeting": meeting},
        status=400 if request.method == "POST" else 200,
    )
