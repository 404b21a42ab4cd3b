"""Withdrawing meetings and agreed steps (never deleting them), and amending a meeting's
record beside the original."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from meetings import services
from meetings.models import Meeting, MeetingAmendment
from meetings.views.access import _get_action_point_for_user, _get_meeting_for_user
from portal import access
from portal.forms import amendment_form
from portal.http import SchoolRequest
from portal.lib import once, saving
from portal.lib.withdrawing import withdraw_page

MeetingAmendmentForm = amendment_form(MeetingAmendment)


def may_withdraw_meeting(request: SchoolRequest, meeting: Meeting) -> bool:
    """Its chair, whoever planned it, pastoral staff and headteachers."""
    return access.may_withdraw_record(
        request.user, request.school, author_ids=[meeting.chair_id, meeting.created_by_id]
    )


def _detail_url(meeting_id: int, anchor: str = "") -> str:
    url = reverse("meetings:meeting-detail", args=[meeting_id])
    return f"{url}#{anchor}" if anchor else url


@require_http_methods(["GET", "POST"])
def meeting_withdraw_view(request: SchoolRequest, pk: int):
    """Withdraw a meeting recorded in error, with a reason. GET asks for the reason."""
    meeting = _get_meeting_for_user(request, pk)
    if not may_withdraw_meeting(request, meeting):
        raise PermissionDenied
    when = timezone.localtime(meeting.starts_at)
    return withdraw_page(
        request,
        withdraw=lambda reason: services.meeting_withdraw(
            meeting=meeting, withdrawn_by=request.user, reason=reason
        ),
        noun="Meeting",
        label="this meeting",
        description=f"{meeting.get_kind_display()} on {when:%d %b %Y}, chaired by "
        f"{meeting.chair.get_full_name()}. Its steps and follow-ups are withdrawn with it.",
        done_url=reverse("families:family-detail", args=[meeting.family_id]) + "#chronology",
        cancel_url=_detail_url(meeting.pk),
    )


@require_http_methods(["GET", "POST"])
def action_point_withdraw_view(request: SchoolRequest, pk: int):
    """Withdraw one agreed step, with a reason: those who may change its meeting."""
    point = _get_action_point_for_user(request, pk)
    if not point.meeting.may_change:
        raise PermissionDenied
    return withdraw_page(
        request,
        withdraw=lambda reason: services.action_point_withdraw(
            action_point=point, withdrawn_by=request.user, reason=reason
        ),
        noun="Step",
        label="this step",
        description=f"“{point.what}”, due by {point.due_on:%d %b %Y}.",
        done_url=_detail_url(point.meeting_id, "actions"),
        cancel_url=_detail_url(point.meeting_id, "actions"),
    )


@require_http_methods(["GET", "POST"])
def meeting_amend_view(request: SchoolRequest, pk: int):
    """Add a correction (or a parent's dispute) beside a meeting's recorded summary: those who
    may change the meeting."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    done_url = _detail_url(meeting.pk, "after")
    if done := once.earlier(request, fallback=done_url):  # sent twice: amended already
        return redirect(done)
    form = MeetingAmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    amendment = services.meeting_amend(
                        meeting=meeting, amended_by=request.user, **form.cleaned_data
                    )
                    spent.made(amendment, done_url)
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Amendment saved. It is shown under the summary.")
                return redirect(_detail_url(meeting.pk, "after"))
    return render(
        request,
        "portal/amend_form.html",
        {
            "form": form,
            "record_label": "the meeting record",
            "original_text": meeting.summary,
            "cancel_url": _detail_url(meeting.pk, "after"),
        },
    )
