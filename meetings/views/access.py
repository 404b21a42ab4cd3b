"""Fetching a meeting, a step or a follow-up for a request (a family:
families.access.family_for)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from meetings.models import ActionPoint, FollowUp, Meeting
from portal import access
from portal.http import SchoolRequest


def _may_change(request: SchoolRequest, meeting: Meeting) -> bool:
    return access.may_change_meeting(
        request.user,
        request.school,
        chair_id=meeting.chair_id,
        staff_ids=[u.pk for u in meeting.staff.all()],
    )


def _get_meeting_for_user(request: SchoolRequest, pk: int, *, write: bool = False) -> Meeting:
    """A meeting this user may see (another school's, or a confidential one they are not part
    of, is a 404); with `write`, one they may change (403 for other staff who only read it)."""
    if request.school is None or not access.works_with_families(request.user, request.school):
        raise access.refusal(request.school, Meeting.objects.filter(pk=pk))
    meeting = (
        Meeting.objects.visible_to(request.user, request.school)
        .select_related("family", "school", "chair", "previous")
        .prefetch_related("staff")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting.")
    meeting.may_change = _may_change(request, meeting)
    if write and not meeting.may_change:
        raise PermissionDenied
    return meeting


def _get_action_point_for_user(
    request: SchoolRequest, pk: int, *, write: bool = False
) -> ActionPoint:
    """A step of a meeting this user may see (404 otherwise); with `write`, one they may update:
    those who may change the meeting, and the member of staff who owns the step (403)."""
    point = (
        ActionPoint.objects.select_related("owner_staff", "owner_parent", "owner_child")
        .filter(pk=pk)
        .first()
    )
    if point is None:
        raise Http404("No such step.")
    meeting = _get_meeting_for_user(request, point.meeting_id)
    if write and not access.may_update_step(
        request.user,
        request.school,
        owner_id=point.owner_staff_id,
        chair_id=meeting.chair_id,
        staff_ids=[u.pk for u in meeting.staff.all()],
    ):
        raise PermissionDenied
    point.meeting = meeting
    return point


def _get_follow_up_for_user(request: SchoolRequest, pk: int, *, write: bool = False) -> FollowUp:
    meeting_id = FollowUp.objects.filter(pk=pk).values_list("meeting_id", flat=True).first()
    if meeting_id is None:
        raise Http404("No such follow-up.")
    meeting = _get_meeting_for_user(request, meeting_id, write=write)
    follow_up = FollowUp.objects.select_related("owner").get(pk=pk)
    follow_up.meeting = meeting
    return follow_up
