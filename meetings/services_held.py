"""Writes for meetings as they happen: one recorded after it was held, who actually attended,
and who was given the summary (split from services.py, which plans and records meetings)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from families.models import Child, ParentCarer
from meetings.models import AgencyAttendee, Meeting, MeetingParent, SummarySent
from meetings.services import _check_people

HELD_IN_FUTURE = "A meeting recorded as held must have started already. Plan it instead."


def _check_present(meeting: Meeting, parents: list[ParentCarer], staff: list) -> None:
    errors = {}
    if any(p.family_id != meeting.family_id for p in parents):
        errors["parents_present"] = "Only this family's parents and carers can be chosen."
    from portal import access

    if any(not access.works_with_families(u, meeting.school) for u in staff):
        errors["staff_present"] = "Everyone chosen must be a member of staff at this school."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_record_held(
    *,
    school,
    family,
    chair,
    created_by,
    starts_at: datetime.datetime,
    children: Iterable[Child] = (),
    staff_present: Iterable = (),
    parents_present: Iterable[ParentCarer] = (),
    summary: str = "",
    review_on: datetime.date | None = None,
    **fields,
) -> Meeting:
    """Record a meeting already held that was not planned here first (yesterday's meeting at
    the gate, a visit): it is made held at once, with who was there; what was said and the
    steps are then added on the meeting's record, as for any meeting."""
    children, staff_present, parents_present = (
        list(children),
        list(staff_present),
        list(parents_present),
    )
    if starts_at > timezone.now():
        raise ValidationError({"starts_at": HELD_IN_FUTURE})
    if review_on and review_on <= timezone.localtime(starts_at).date():
        raise ValidationError({"review_on": "The review date must be after the meeting."})
    now = timezone.now()
    meeting = Meeting(
        school=school,
        family=family,
        chair=chair,
        created_by=created_by,
        starts_at=starts_at,
        status=Meeting.Status.HELD,
        held_at=now,
        attendance_recorded_at=now,
        summary=summary,
        review_on=review_on,
        **fields,
    )
    meeting.full_clean()
    _check_people(meeting, children, [])
    _check_present(meeting, parents_present, staff_present)
    meeting._history_user = created_by
    meeting.save()
    meeting.children.set(children)
    # Those there are its staff too: they may add to its record and open the family's page.
    meeting.staff.set([u for u in staff_present if u.pk != chair.pk])
    meeting.staff_present.set(staff_present)
    for parent in parents_present:
        MeetingParent.objects.create(
            meeting=meeting,
            parent=parent,
            response=MeetingParent.Response.ATTENDING,
            attended=True,
        )
    return meeting


@transaction.atomic
def meeting_attendance_set(
    *,
    meeting: Meeting,
    staff_present: Iterable = (),
    parents_present: Iterable[ParentCarer] = (),
    agencies_present: Iterable[AgencyAttendee] = (),
    recorded_by,
) -> Meeting:
    """Record who actually attended (distinct from who was invited): staff, each parent or
    carer (one who came without an invitation is added as coming), and partner agencies."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("A cancelled meeting has no attendance to record.")
    if timezone.now() < meeting.starts_at:
        raise ValidationError("Who attended can be recorded once the meeting has started.")
    staff_present, parents_present = list(staff_present), list(parents_present)
    _check_present(meeting, parents_present, staff_present)
    present_ids = {p.pk for p in parents_present}
    invitations = {inv.parent_id: inv for inv in meeting.invitations.all()}
    for parent in parents_present:
        if parent.pk not in invitations:
            invitations[parent.pk] = MeetingParent(
                meeting=meeting, parent=parent, response=MeetingParent.Response.ATTENDING
            )
    for parent_id, inv in invitations.items():
        inv.attended = parent_id in present_ids
        inv.full_clean()
        inv.save()
    agency_ids = {a.pk for a in agencies_present}
    for agency in meeting.agencies.all():
        if agency.attended != (agency.pk in agency_ids):
            agency.attended = agency.pk in agency_ids
            agency.save(update_fields=["attended"])
    meeting.staff_present.set(staff_present)
    meeting.attendance_recorded_at = timezone.now()
    meeting._history_user = recorded_by
    meeting.save(update_fields=["attendance_recorded_at", "updated_at"])
    return meeting


@transaction.atomic
def summary_sent_record(
    *,
    meeting: Meeting,
    sent_on: datetime.date,
    how: str,
    by,
    parent: ParentCarer | None = None,
    agency: AgencyAttendee | None = None,
) -> SummarySent:
    """Keep that the family's summary was given or sent to a parent or carer, or to a partner
    agency at the meeting: when and how. Never to someone a recorded restriction protects."""
    from meetings import sending

    if meeting.status not in (Meeting.Status.HELD, Meeting.Status.REVIEWED):
        raise ValidationError("The summary can be sent once the meeting is recorded.")
    if (parent is None) == (agency is None):
        raise ValidationError({"to": "Choose who the summary was sent to."})
    if sent_on < timezone.localtime(meeting.starts_at).date():
        raise ValidationError({"sent_on": "The summary cannot be sent before the meeting."})
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": "Record a summary once it has been sent."})
    if parent is not None:
        if parent.family_id != meeting.family_id:
            raise ValidationError({"to": "Choose a parent or carer of this family."})
        if refusal := sending.recipients(meeting).refusal(parent):
            raise ValidationError({"to": refusal})
        to_name = parent.full_name
    else:
        if agency.meeting_id != meeting.pk:
            raise ValidationError({"to": "Choose a partner agency at this meeting."})
        to_name = f"{agency.name} ({agency.organisation})"
    sent = SummarySent(
        meeting=meeting,
        parent=parent,
        agency=agency,
        to_name=to_name[:200],
        sent_on=sent_on,
        how=how,
        by=by,
    )
    sent.full_clean()
    sent.save()
    return sent
