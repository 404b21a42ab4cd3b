"""After the meeting: the family's summary (page and PDF) and follow-up contacts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import audit
from families.models import SchoolFamily
from guidance import hints
from meetings import pdf, sending, services
from meetings.forms import FollowUpLogForm
from meetings.models import Contribution, FollowUp, Meeting
from meetings.views.access import _get_follow_up_for_user, _get_meeting_for_user
from meetings.views.planning import _apply_errors, chosen_recipient, refused_for_restriction
from portal.http import SchoolRequest
from portal.lib import languages, letterhead, once, saving


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
    contact_title = letterhead.job_title(contact_person, meeting.school)
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
        "contact_title": contact_title,
        "contact_lines": letterhead.contact_lines(
            school=meeting.school, person=contact_person, title=contact_title
        ),
        "school": meeting.school,
        "attended": meeting.attended(),
        "summaries_sent": list(meeting.summaries_sent.select_related("by")),
    }


def _for_parent(request: SchoolRequest, meeting: Meeting, context: dict):
    """With ?parent=, the summary made for one parent or carer: refused (a plain page) for one a
    recorded restriction protects, unless a member of staff decided to invite them with a
    reason. Returns (context, refusal response or None)."""
    people = sending.recipients(meeting)
    parent = chosen_recipient(request, meeting, people)
    context["recipients"] = [
        {"parent": p, "refusal": people.refusal(p), "invited": people.is_invited(p)}
        for p in people.parents
    ]
    if parent is None:
        return context, None
    if refusal := people.refusal(parent):
        return context, refused_for_restriction(request, meeting, refusal)
    return for_one_parent(context, people, parent), None


def for_one_parent(context: dict, people: sending.Recipients, parent) -> dict:
    """The summary made for one parent or carer (also what their own link shows): it names
    only their own children, and no step owned by another child."""
    context["addressed_to"] = parent
    context["children"] = people.children_of(parent, context["children"])
    mine = {c.pk for c in context["children"]}
    context["points"] = [
        p
        for p in context["points"]
        if not (p.owner_kind == p.OwnerKind.CHILD and p.owner_child_id not in mine)
    ]
    return context


RECORDED = (Meeting.Status.HELD, Meeting.Status.REVIEWED)


def _summary_not_ready(request: SchoolRequest, meeting: Meeting):
    """Before the meeting is recorded there is no summary to give: a plain page saying so
    (409, the meeting is not in a state to have one), never a half-empty summary."""
    if meeting.status in RECORDED:
        return None
    return render(
        request,
        "meetings/summary_not_ready.html",
        {"meeting": meeting, "family": meeting.family},
        status=409,
    )


@require_GET
def meeting_summary(request: SchoolRequest, pk: int):
    """The family's summary, in plain words, to print or send (with ?parent=, made for one
    parent or carer)."""
    meeting = _get_meeting_for_user(request, pk)
    if (not_ready := _summary_not_ready(request, meeting)) is not None:
        return not_ready
    context, refused = _for_parent(request, meeting, summary_context(meeting))
    if refused is not None:
        return refused
    audit.record(request, action=audit.VIEW, obj=meeting, family=meeting.family_id)
    # The summary made for one parent is in their language where we have it (its fixed
    # words; what the school wrote stays as written, marked as English).
    parent = context.get("addressed_to")
    language = (parent and languages.code_for(parent.language)) or languages.ENGLISH
    context["summary_language"] = language
    with translation.override(language):
        context["children_names"] = f" {gettext('and')} ".join(
            c.first_name for c in context["children"]
        )
    return render(request, "meetings/meeting_summary.html", context)


@require_GET
def meeting_summary_pdf(request: SchoolRequest, pk: int):
    meeting = _get_meeting_for_user(request, pk)
    if (not_ready := _summary_not_ready(request, meeting)) is not None:
        return not_ready
    context, refused = _for_parent(request, meeting, summary_context(meeting))
    if refused is not None:
        return refused
    audit.record(request, action=audit.EXPORT, obj=meeting, family=meeting.family_id)
    parent = context.get("addressed_to")
    context["summary_language"] = (
        parent and languages.code_for(parent.language)
    ) or languages.ENGLISH
    body = pdf.summary_pdf(context)
    response = HttpResponse(body, content_type="application/pdf")
    suffix = f"-parent-{context['addressed_to'].pk}" if context.get("addressed_to") else ""
    filename = f"meeting-summary-{meeting.pk}{suffix}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def follow_up_schedule(request: SchoolRequest, pk: int):
    """One click: a follow-up call to check the open steps, owned by whoever clicked."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    after_url = reverse("meetings:meeting-detail", args=[meeting.pk]) + "#after"
    if done := once.earlier(request, fallback=after_url):  # sent twice: scheduled already
        return redirect(done)
    channel = request.POST.get("channel") or FollowUp.Channel.PHONE
    if channel not in FollowUp.Channel.values:
        channel = FollowUp.Channel.PHONE
    try:
        with once.spend(request) as spent:
            follow_up = services.follow_up_schedule(
                meeting=meeting, owner=request.user, channel=channel
            )
            spent.made(follow_up, after_url)
    except once.AlreadySubmitted as exc:
        return redirect(exc.url)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{follow_up.get_channel_display()} scheduled for {follow_up.due_on:%A %-d %B}; "
            "it is on your home page.",
        )
    return redirect(after_url)


@require_http_methods(["GET", "POST"])
def follow_up_log(request: SchoolRequest, pk: int):
    """Log the follow-up contact and say how each step it checks is going."""
    follow_up = _get_follow_up_for_user(request, pk, write=True)
    meeting = follow_up.meeting
    if follow_up.is_done:
        messages.info(request, "This follow-up has already been logged.")
        return redirect(reverse("meetings:meeting-detail", args=[meeting.pk]) + "#after")
    after_url = reverse("meetings:meeting-detail", args=[meeting.pk]) + "#after"
    if done := once.earlier(request, fallback=after_url):  # sent twice: logged already
        return redirect(done)
    form = FollowUpLogForm(request.POST or None, follow_up=follow_up)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    contact = services.follow_up_log(
                        follow_up=follow_up,
                        staff=request.user,
                        parents=form.cleaned_data["parents"],
                        summary=form.cleaned_data["summary"],
                        tone=form.cleaned_data["tone"],
                        updates=form.updates(),
                    )
                    spent.made(contact, after_url)
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "The follow-up is logged and the steps are updated.")
                hints.save_messages(
                    request, hints.check_on_save(request, form.cleaned_data["summary"])
                )
                return redirect(after_url)
    return render(
        request,
        "meetings/followup_form.html",
        {"form": form, "follow_up": follow_up, "meeting": meeting},
        status=400 if request.method == "POST" else 200,
    )
