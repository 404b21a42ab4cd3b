"""Writes that span several models: planning, recording and following up meetings."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from families.models import Child, ChildParent, Contact, Level, ParentCarer
from families.services import contact_log
from meetings.availability import avoid_reason, outside_good_times
from meetings.models import (
    ActionPoint,
    AgencyAttendee,
    Contribution,
    FollowUp,
    Meeting,
    MeetingAmendment,
    MeetingParent,
    ScalingAnswer,
)
from portal.lib import records
from portal.lib.clock import time_of_day
from portal.lib.staff import staff_name
from portal.lib.terms import closed_on

# How long after a meeting is recorded its summary may still be rewritten; after that, a
# correction is an amendment beside it.
SUMMARY_EDIT_WINDOW = records.LATE_AFTER

PREPARATION_FIELDS = frozenset(
    {
        "prep_told_why",
        "prep_told_who",
        "prep_told_when",
        "prep_told_how_long",
        "prep_told_what_follows",
        "prep_invited_to_add",
        "prep_supporter_offered",
        "interpreter_booked",
        "prep_transport_arranged",
        "prep_room_ready",
        "prep_child_view_gathered",
    }
)


def restrictions_by_parent(family) -> dict[int, str]:
    """The words of each recorded restriction on the family's parents' links to children, by
    parent id (several restrictions on one person are joined)."""
    found: dict[int, list[str]] = {}
    rows = (
        ChildParent.objects.filter(parent__family=family)
        .exclude(restriction="")
        .order_by("pk")
        .values_list("parent_id", "restriction")
    )
    for parent_id, words in rows:
        words = words.strip()
        if words and words not in found.setdefault(parent_id, []):
            found[parent_id].append(words)
    return {parent_id: " ".join(texts) for parent_id, texts in found.items() if texts}


def restricted_parent_ids(family) -> set[int]:
    """Parents with a recorded restriction on any of their links to the family's children."""
    return set(restrictions_by_parent(family))


RESTRICTION_OVERRIDE_NEEDED = (
    "{name} has a recorded restriction: “{words}”. To invite them, tick the box to say you "
    "have read it and decide to invite them, and say why."
)


def _overlapping_for_staff(meeting: Meeting, people) -> list[Meeting]:
    """Other planned meetings that overlap `meeting`'s time and have any of `people` (user ids)
    as chair or staff attendee, with their chair and staff loaded."""
    others = (
        Meeting.objects.filter(starts_at__lt=meeting.ends_at, status=Meeting.Status.PLANNED)
        .filter(Q(chair__in=people) | Q(staff__in=people))
        .exclude(pk=meeting.pk)
        .select_related("chair")
        .prefetch_related("staff")
        .distinct()
    )
    return [other for other in others if other.ends_at > meeting.starts_at]


def meeting_conflicts(meeting: Meeting, *, staff_ids: Iterable[int] = ()) -> list[str]:
    """Warnings (never blocks) about a planned time: the chair or a staff attendee already in
    another meeting, a school holiday or in-service day, a time outside a parent's stated good
    times, a date to avoid (a festival, a range they gave, their own words)."""
    warnings: list[str] = []
    if not meeting.starts_at:
        return warnings
    start, end = meeting.starts_at, meeting.ends_at
    people = {meeting.chair_id, *staff_ids} - {None}
    for other in _overlapping_for_staff(meeting, people):
        busy = sorted(staff_name(u) for u in [other.chair, *other.staff.all()] if u.pk in people)
        local = timezone.localtime(other.starts_at)
        warnings.append(
            f"{', '.join(busy)} already {'has' if len(busy) == 1 else 'have'} a meeting "
            f"from {time_of_day(local)} to {time_of_day(other.ends_at)} that day."
        )
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    for closed in closed_on(meeting.school_id, local_start.date()):
        warnings.append(
            f"{local_start:%A %-d %B} is in the school's {closed.name} "
            f"({closed.get_kind_display().lower()}): the building may be closed."
        )
    invited = (
        ParentCarer.objects.filter(invitations__meeting=meeting)
        .exclude(invitations__response=MeetingParent.Response.NOT_INVITED)
        .distinct()
        if meeting.pk
        else ParentCarer.objects.filter(family_id=meeting.family_id)
    ).prefetch_related("dates_avoided")
    for parent in invited:
        if outside_good_times(parent.good_times, local_start, local_end):
            warnings.append(
                f"{parent.full_name} said good times are “{parent.good_times}”; this meeting is "
                f"on {local_start:%A} at {time_of_day(local_start)}."
            )
        reason = avoid_reason(parent, local_start.date())
        if reason:
            warnings.append(
                f"{parent.full_name} asked to avoid {reason}; this meeting is "
                f"on {local_start:%A %-d %B}."
            )
    return warnings


def _invitations_set(
    meeting: Meeting,
    invited: Iterable[ParentCarer],
    reason: str,
    *,
    reasons: dict[int, str] | None = None,
    override_reason: str = "",
    decided_by=None,
) -> None:
    """Each of the family's parents invited or not. A parent with a recorded restriction is
    invited only with a member of staff's decision and reason (kept on the invitation, with
    the restriction's words as they read them); without one the plan is refused. Each one
    left out keeps their own reason (`reasons` by parent id; `reason` for any without one)."""
    reasons = reasons or {}
    invited_ids = {p.pk for p in invited}
    restricted = restrictions_by_parent(meeting.family)
    existing = {inv.parent_id: inv for inv in meeting.invitations.all()}
    override_reason = override_reason.strip()
    errors = []
    for parent in ParentCarer.objects.filter(family=meeting.family).order_by("pk"):
        inv = existing.get(parent.pk) or MeetingParent(meeting=meeting, parent=parent)
        words = restricted.get(parent.pk, "")
        if parent.pk in invited_ids:
            if words and not (inv.is_overridden and inv.override_restriction == words):
                if not (override_reason and decided_by is not None):
                    errors.append(RESTRICTION_OVERRIDE_NEEDED.format(name=parent, words=words))
                    continue
                inv.override_reason = override_reason
                inv.override_by = decided_by
                inv.override_at = timezone.now()
                inv.override_restriction = words
            elif words and override_reason and override_reason != inv.override_reason:
                inv.override_reason = override_reason
                inv.override_by, inv.override_at = decided_by or inv.override_by, timezone.now()
            if inv.response == MeetingParent.Response.NOT_INVITED or inv.pk is None:
                inv.response = MeetingParent.Response.INVITED
            inv.not_invited_reason = ""
        else:
            inv.response = MeetingParent.Response.NOT_INVITED
            if words:
                inv.not_invited_reason = "A recorded restriction applies."
            else:
                inv.not_invited_reason = (
                    (reasons.get(parent.pk) or "").strip() or inv.not_invited_reason or reason
                )
            inv.override_reason, inv.override_by, inv.override_at = "", None, None
            inv.override_restriction = ""
        inv.full_clean()
        inv.save()
    if errors:
        raise ValidationError({"restriction_override_reason": errors})


def _check_people(meeting: Meeting, children: list[Child], staff: list) -> None:
    from portal import access

    errors = {}
    if any(c.family_id != meeting.family_id for c in children):
        errors["children"] = "Only this family's children can be chosen."
    if any(not access.works_with_families(u, meeting.school) for u in staff):
        errors["staff"] = "Everyone attending must be a member of staff at this school."
    if errors:
        raise ValidationError(errors)


def _staff_double_booking_refuse(meeting: Meeting, staff: list) -> None:
    """A member of staff cannot be in two meetings at once. The people's user rows are locked
    (in id order, so two bookings never wait on each other in a circle) before looking for an
    overlapping planned meeting: of two bookings made at the same moment, the second waits for
    the first to commit, then sees it and is refused. Parents' clashes stay warnings."""
    from django.contrib.auth import get_user_model

    people = sorted({meeting.chair_id, *(u.pk for u in staff)} - {None})
    if not people or not meeting.starts_at:
        return
    list(
        get_user_model()
        .objects.select_for_update()
        .filter(pk__in=people)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    errors: dict[str, list[str]] = {}
    for other in _overlapping_for_staff(meeting, people):
        busy = [u for u in [other.chair, *other.staff.all()] if u.pk in people]
        local_start = timezone.localtime(other.starts_at)
        when = (
            f"{local_start:%-d %B} from {time_of_day(local_start)} to {time_of_day(other.ends_at)}"
        )
        for user in busy:
            field = "chair" if user.pk == meeting.chair_id else "staff"
            errors.setdefault(field, []).append(
                f"{staff_name(user)} is already booked into another meeting on {when}. "
                "Choose another time, or someone else."
            )
    if errors:
        raise ValidationError({k: sorted(set(v)) for k, v in errors.items()})


@transaction.atomic
def meeting_schedule(
    *,
    school,
    family,
    chair,
    created_by,
    children: Iterable[Child] = (),
    staff: Iterable = (),
    invited: Iterable[ParentCarer] = (),
    not_invited_reason: str = "",
    not_invited_reasons: dict[int, str] | None = None,
    restriction_override_reason: str = "",
    **fields,
) -> Meeting:
    """Plan a meeting with a family, inviting the chosen parents and carers (one with a
    recorded restriction only with `restriction_override_reason`, decided by `created_by`)."""
    children, staff = list(children), list(staff)
    meeting = Meeting(school=school, family=family, chair=chair, created_by=created_by, **fields)
    if meeting.starts_at and meeting.starts_at < timezone.now():
        raise ValidationError({"starts_at": "A new meeting cannot be in the past."})
    meeting.full_clean()
    _check_people(meeting, children, staff)
    _staff_double_booking_refuse(meeting, staff)
    meeting.save()
    meeting.children.set(children)
    meeting.staff.set([u for u in staff if u.pk != chair.pk])
    _invitations_set(
        meeting,
        invited,
        not_invited_reason,
        reasons=not_invited_reasons,
        override_reason=restriction_override_reason,
        decided_by=created_by,
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    children: Iterable[Child] = (),
    staff: Iterable = (),
    invited: Iterable[ParentCarer] = (),
    not_invited_reason: str = "",
    not_invited_reasons: dict[int, str] | None = None,
    restriction_override_reason: str = "",
    changed_by=None,
    **fields,
) -> Meeting:
    """Change a meeting's plan; its people and invitations follow (a parent with a recorded
    restriction newly invited only with `restriction_override_reason`, decided by
    `changed_by`)."""
    children, staff = list(children), list(staff)
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    _check_people(meeting, children, staff)
    _staff_double_booking_refuse(meeting, staff)
    meeting.save()
    meeting.children.set(children)
    meeting.staff.set([u for u in staff if u.pk != meeting.chair_id])
    _invitations_set(
        meeting,
        invited,
        not_invited_reason,
        reasons=not_invited_reasons,
        override_reason=restriction_override_reason,
        decided_by=changed_by,
    )
    return meeting


@transaction.atomic
def preparation_set(*, meeting: Meeting, item: str, done: bool) -> Meeting:
    """Tick or untick one item of the preparation checklist."""
    if item not in PREPARATION_FIELDS:
        raise ValidationError("That is not an item of the preparation checklist.")
    setattr(meeting, item, done)
    meeting.save(update_fields=[item, "updated_at"])
    return meeting


RECORD_LOCKED = (
    "This meeting was recorded more than a day ago, so its record is kept as written: nothing "
    "can be added to it or taken out. Add an amendment to correct it."
)


def record_check_open(meeting: Meeting) -> None:
    """Refuse a change to the record's lines (what was said, scaling answers, partner agencies)
    once the summary is locked, as the summary itself is: corrections are amendments. The
    meeting's row is read afresh, locked, so a record marked held meanwhile counts."""
    held_at = (
        Meeting.all_objects.select_for_update()
        .filter(pk=meeting.pk)
        .values_list("held_at", flat=True)
        .first()
    )
    if held_at is not None:
        meeting.held_at = held_at
    if summary_locked(meeting):
        raise ValidationError(RECORD_LOCKED)


@transaction.atomic
def agency_add(*, meeting: Meeting, **fields) -> AgencyAttendee:
    record_check_open(meeting)
    agency = AgencyAttendee(meeting=meeting, **fields)
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def agency_remove(*, agency: AgencyAttendee) -> None:
    record_check_open(agency.meeting)
    agency.delete()


@transaction.atomic
def contribution_add(*, meeting: Meeting, recorded_by, **fields) -> Contribution:
    """Record what one person said in one section of the meeting."""
    record_check_open(meeting)
    contribution = Contribution(meeting=meeting, recorded_by=recorded_by, **fields)
    contribution.full_clean()
    contribution.save()
    return contribution


@transaction.atomic
def contribution_remove(*, contribution: Contribution) -> None:
    record_check_open(contribution.meeting)
    contribution.delete()


SCALING_PERSON_NOT_HERE = "Choose someone attending this meeting."


@transaction.atomic
def scaling_add(*, meeting: Meeting, person: str, **fields) -> ScalingAnswer:
    """One person's answer: `person` is the key of someone attending the meeting
    (`Meeting.people_attending`), so answers are matched by person from one meeting to the
    next, never by how a name was typed."""
    record_check_open(meeting)
    chosen = next((p for p in meeting.people_attending() if p["key"] == person), None)
    if chosen is None:
        raise ValidationError({"person": SCALING_PERSON_NOT_HERE})
    kind = ScalingAnswer.PersonKind
    links = {
        kind.STAFF: "person_staff",
        kind.PARENT: "person_parent",
        kind.CHILD: "person_child",
        kind.AGENCY: "person_agency",
    }
    if chosen["kind"] in links:
        fields[links[chosen["kind"]]] = chosen["obj"]
    answer = ScalingAnswer(
        meeting=meeting, party=chosen["name"], person_kind=chosen["kind"], **fields
    )
    answer.full_clean()
    answer.save()
    return answer


@transaction.atomic
def scaling_remove(*, answer: ScalingAnswer) -> None:
    record_check_open(answer.meeting)
    answer.delete()


@transaction.atomic
def action_point_save(*, action_point: ActionPoint) -> ActionPoint:
    """Add or change a next step; done_at follows its status."""
    if action_point.status == ActionPoint.Status.DONE:
        action_point.done_at = action_point.done_at or timezone.now()
    else:
        action_point.done_at = None
    kind = action_point.owner_kind
    if kind != ActionPoint.OwnerKind.STAFF:
        action_point.owner_staff = None
    if kind != ActionPoint.OwnerKind.PARENT:
        action_point.owner_parent = None
    if kind != ActionPoint.OwnerKind.CHILD:
        action_point.owner_child = None
    if kind != ActionPoint.OwnerKind.AGENCY:
        action_point.owner_agency = ""
    action_point.full_clean()
    action_point.save()
    return action_point


@transaction.atomic
def meeting_record(
    *, meeting: Meeting, summary: str, review_on: datetime.date | None, recorded_by
) -> Meeting:
    """Mark a meeting as held with its plain-language summary and review date; the meeting it
    reviews (if any) becomes reviewed."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("A cancelled meeting cannot be recorded as held.")
    if meeting.status == Meeting.Status.PLANNED and timezone.now() < meeting.starts_at:
        starts = timezone.localtime(meeting.starts_at)
        raise ValidationError(
            f"This meeting has not started yet: it starts at {starts:%H:%M} on "
            f"{starts:%A %-d %B}. It can be marked as held once it has started."
        )
    if review_on and review_on < timezone.localtime(meeting.starts_at).date():
        raise ValidationError({"review_on": "The review date must be after the meeting."})
    # A ModelForm may already have put the new text on `meeting`: compare with what is stored.
    stored = Meeting.all_objects.filter(pk=meeting.pk).values_list("summary", flat=True).first()
    if summary_locked(meeting) and stored and summary != stored:
        raise ValidationError(
            {
                "summary": "This summary was recorded more than a day ago, so it is kept as "
                "written. Add an amendment to correct it."
            }
        )
    meeting.summary = summary
    meeting.review_on = review_on
    if meeting.status == Meeting.Status.PLANNED:
        meeting.status = Meeting.Status.HELD
        meeting.held_at = timezone.now()
    meeting.full_clean()
    records.history_by(meeting, recorded_by)
    meeting.save()
    if meeting.previous_id:
        # Saved, not a queryset update, so the edit history records the change of status.
        previous = Meeting.objects.filter(
            pk=meeting.previous_id, status=Meeting.Status.HELD
        ).first()
        if previous is not None:
            previous.status = Meeting.Status.REVIEWED
            records.history_by(previous, recorded_by)
            previous.save(update_fields=["status", "updated_at"])
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str) -> Meeting:
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError("Only a planned meeting can be cancelled.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_reason = reason
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def follow_up_schedule(
    *,
    meeting: Meeting,
    owner,
    due_on: datetime.date | None = None,
    channel: str = FollowUp.Channel.PHONE,
) -> FollowUp:
    """Schedule a call or visit to check the meeting's open steps (one click: sensible defaults).

    Due by the earliest open step's date, or in a week, and never in the past."""
    from portal import access

    if not access.works_with_families(owner, meeting.school):
        raise ValidationError({"owner": "The person following up must work at this school."})
    open_points = list(ActionPoint.objects.filter(meeting=meeting).open())
    today = timezone.localdate()
    if due_on is None:
        due_on = min((p.due_on for p in open_points), default=today + datetime.timedelta(days=7))
        due_on = max(due_on, today + datetime.timedelta(days=1))
    follow_up = FollowUp(meeting=meeting, owner=owner, due_on=due_on, channel=channel)
    follow_up.full_clean()
    follow_up.save()
    follow_up.action_points.set(open_points)
    return follow_up


CONTACT_CHANNEL = {
    FollowUp.Channel.PHONE: Contact.Channel.PHONE,
    FollowUp.Channel.HOME_VISIT: Contact.Channel.HOME_VISIT,
    FollowUp.Channel.MEETING: Contact.Channel.MEETING,
}


@transaction.atomic
def follow_up_log(
    *,
    follow_up: FollowUp,
    staff,
    parents: Iterable[ParentCarer],
    summary: str,
    tone: str,
    updates: dict[int, tuple[str, str]],
) -> Contact:
    """Log the follow-up contact in the family's contact log and update the steps it checked.

    `updates` maps action point id -> (status, how it is going)."""
    if follow_up.is_done:
        raise ValidationError("This follow-up has already been logged.")
    meeting = follow_up.meeting
    contact = contact_log(
        school=meeting.school,
        family=meeting.family,
        staff=staff,
        parents=parents,
        children=list(meeting.children.all()),
        channel=CONTACT_CHANNEL[FollowUp.Channel(follow_up.channel)],
        purpose=Contact.Purpose.FOLLOW_UP,
        level=Level.ENHANCED,
        tone=tone,
        summary=summary,
        confidentiality=meeting.confidentiality,
        confidentiality_reason=meeting.confidentiality_reason,
        named_staff=(
            [meeting.chair, *meeting.staff.all()]
            if meeting.confidentiality == Contact.Confidentiality.NAMED
            else ()
        ),
    )
    checked = {p.pk: p for p in follow_up.action_points.all()}
    for pk, (status, note) in updates.items():
        point = checked.get(pk)
        if point is None:
            raise ValidationError("A step that this follow-up does not check was given.")
        point.status = status
        if note:
            point.progress_note = note
        action_point_save(action_point=point)
    follow_up.contact = contact
    follow_up.done_at = timezone.now()
    follow_up.save(update_fields=["contact", "done_at"])
    return contact


def summary_locked(meeting: Meeting) -> bool:
    """Whether the recorded summary is past its editing window (corrections are amendments)."""
    return bool(meeting.held_at and timezone.now() - meeting.held_at > SUMMARY_EDIT_WINDOW)


@transaction.atomic
def meeting_withdraw(*, meeting: Meeting, withdrawn_by, reason: str) -> Meeting:
    """Withdraw a meeting recorded in error: it and its steps and follow-ups leave every list
    and panel, and stay in the history with who withdrew it, when and why."""
    return records.withdraw(meeting, by=withdrawn_by, reason=reason)


@transaction.atomic
def action_point_withdraw(*, action_point: ActionPoint, withdrawn_by, reason: str) -> ActionPoint:
    """Withdraw one agreed step (agreed in error, or a duplicate); it stays in the history."""
    return records.withdraw(action_point, by=withdrawn_by, reason=reason)


@transaction.atomic
def meeting_amend(
    *,
    meeting: Meeting,
    amended_by,
    text: str,
    reason: str,
    disputed: bool = False,
    parent_view: str = "",
) -> MeetingAmendment:
    """Store a correction to a meeting's record (or a parent's dispute of it) beside the
    original summary, which is left exactly as it was written."""
    if meeting.is_withdrawn:
        raise ValidationError("A withdrawn meeting cannot be amended.")
    amendment = MeetingAmendment(
        meeting=meeting, text=text, reason=reason, disputed=disputed, parent_view=parent_view
    )
    return records.amendment_add(amendment, by=amended_by)
