"""A meeting's summary through a parent's link: what the parent is shown (the summary made for
them, as staff print it), what they do with it (read it, tick off their own steps, say it is not
what they understood) and, for staff, who has opened and acknowledged what, and when.

Each parent's write is theirs: it is saved with no member of staff as its author
(`history_by(obj, None)`), so the family audit page shows it as done through the link.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from families.models import ParentCarer
from family_voice.models import ParentLink, Purpose, SummaryReading
from meetings import sending
from meetings.models import ActionPoint, Meeting, MeetingAmendment
from meetings.views.after import for_one_parent, summary_context
from portal.compiled import SCHOOL, USER, Compiled
from portal.lib.records import history_by

RECORDED = (Meeting.Status.HELD, Meeting.Status.REVIEWED)
DISPUTE_REASON = "Disputed by parent through their link"
DISPUTE_MAX = 2000
# The same words sent again this soon (a page sent twice) are the same dispute, not a new one.
SAME_DISPUTE_WITHIN = datetime.timedelta(hours=1)


def is_ready(meeting: Meeting | None) -> bool:
    """Whether there is an agreed summary to give: the meeting is recorded (held or reviewed),
    and neither withdrawn nor cancelled."""
    return meeting is not None and meeting.withdrawn_at is None and meeting.status in RECORDED


def summary_for_link(link: ParentLink) -> dict | None:
    """The summary as made for this link's parent (the same as the staff's printable summary
    "for a parent": only their own children, no step owned by another child), or None when
    there is none to show them (not recorded yet, withdrawn, or a restriction stops it)."""
    meeting = link.meeting
    if meeting is None or link.purpose != Purpose.SUMMARY or not is_ready(meeting):
        return None
    people = sending.recipients(meeting)
    parent = people.parent(link.parent_id)
    if parent is None or people.refusal(parent):
        return None
    context = for_one_parent(summary_context(meeting), people, parent)
    # Who else was sent the summary is the staff's record, never the parent's.
    context.pop("summaries_sent", None)
    return context


def _meeting_id(link: ParentLink) -> int:
    if link.meeting_id is None:
        raise ValidationError("This link is not about a meeting.")
    return link.meeting_id


def _reading(link: ParentLink) -> SummaryReading:
    reading = (
        SummaryReading.objects.select_for_update()
        .filter(meeting_id=_meeting_id(link), parent_id=link.parent_id)
        .first()
    )
    if reading is None:
        reading = SummaryReading(
            school_id=link.school_id,
            family_id=link.family_id,
            parent_id=link.parent_id,
            link=link,
            meeting_id=_meeting_id(link),
            first_read_at=timezone.now(),
        )
        reading.full_clean(validate_unique=False)
        history_by(reading, None)
        reading.save()
    return reading


@transaction.atomic
def summary_read(*, link: ParentLink) -> SummaryReading:
    """The parent's read receipt, made when they first open the summary through their link."""
    return _reading(link)


@transaction.atomic
def summary_acknowledge(*, link: ParentLink) -> SummaryReading:
    """The parent said "I have read this" (the first time is kept)."""
    reading = _reading(link)
    if reading.acknowledged_at is None:
        reading.acknowledged_at = timezone.now()
        history_by(reading, None)
        reading.save(update_fields=["acknowledged_at"])
    return reading


@transaction.atomic
def step_done_by_parent(*, link: ParentLink, step_id: int) -> ActionPoint | None:
    """The parent ticks off one of their own open steps of the link's meeting. Any other step
    (someone else's, another meeting's, already done or no longer needed) is left as it is:
    None."""
    step = (
        ActionPoint.objects.select_for_update()
        .filter(
            pk=step_id,
            meeting_id=_meeting_id(link),
            owner_kind=ActionPoint.OwnerKind.PARENT,
            owner_parent_id=link.parent_id,
        )
        .exclude(status__in=ActionPoint.CLOSED)
        .first()
    )
    if step is None:
        return None
    step.status = ActionPoint.Status.DONE
    step.done_at = timezone.now()
    step.done_by_parent_id = link.parent_id
    history_by(step, None)
    # Only its status changes, to fixed values: its owner and dates stay as staff recorded them.
    step.save(update_fields=["status", "done_at", "done_by_parent", "updated_at"])
    return step


@transaction.atomic
def summary_dispute(*, link: ParentLink, words: str) -> MeetingAmendment:
    """ "This is not what I understood": the parent's words become an amendment of the
    meeting's record, marked as disputed by them, beside (never in place of) the summary."""
    words = (words or "").strip()
    if not words:
        raise ValidationError({"words": "Write what you understood."})
    if len(words) > DISPUTE_MAX:
        raise ValidationError({"words": f"Keep it to {DISPUTE_MAX} characters."})
    meeting = Meeting.all_objects.select_for_update().get(pk=_meeting_id(link))
    if not is_ready(meeting):
        raise ValidationError("There is no summary to answer yet.")
    earlier = MeetingAmendment.objects.filter(
        meeting=meeting,
        by_parent_id=link.parent_id,
        disputed=True,
        parent_view=words,
        at__gte=timezone.now() - SAME_DISPUTE_WITHIN,
    ).first()
    if earlier is not None:
        return earlier
    amendment = MeetingAmendment(
        meeting=meeting,
        text=words,
        reason=DISPUTE_REASON,
        disputed=True,
        parent_view=words,
        by=None,
        by_parent_id=link.parent_id,
        at=timezone.now(),
    )
    amendment.full_clean(exclude=["by"])  # no member of staff: the parent wrote it
    history_by(amendment, None)
    amendment.save()
    return amendment


# The staff's view: who has opened and acknowledged the summary, and when.


@dataclass
class ParentReceipt:
    """One parent's summary links for a meeting and what they did through them."""

    parent: ParentCarer
    links: list[ParentLink] = field(default_factory=list)
    reading: SummaryReading | None = None
    steps_done: list[ActionPoint] = field(default_factory=list)
    disputes: list[MeetingAmendment] = field(default_factory=list)

    @property
    def first_opened_at(self) -> datetime.datetime | None:
        times = [link.first_opened_at for link in self.links if link.first_opened_at]
        if self.reading is not None:
            times.append(self.reading.first_read_at)
        return min(times, default=None)

    @property
    def acknowledged_at(self) -> datetime.datetime | None:
        return self.reading.acknowledged_at if self.reading else None


def receipts(meeting: Meeting) -> list[ParentReceipt]:
    """Each parent with a summary link for this meeting, in four queries however many there are
    (their links, their read receipts, the steps they ticked off, their disputes)."""
    links = list(
        ParentLink.objects.filter(meeting=meeting, purpose=Purpose.SUMMARY)
        .select_related("parent", "created_by")
        .order_by("parent__first_name", "parent_id", "created_at", "pk")
    )
    if not links:
        return []
    by_parent: dict[int, ParentReceipt] = {}
    for link in links:
        by_parent.setdefault(link.parent_id, ParentReceipt(parent=link.parent)).links.append(link)
    for reading in SummaryReading.objects.filter(meeting=meeting, parent_id__in=by_parent):
        by_parent[reading.parent_id].reading = reading
    for step in ActionPoint.objects.filter(meeting=meeting, done_by_parent_id__in=by_parent):
        if step.done_by_parent_id is not None:
            by_parent[step.done_by_parent_id].steps_done.append(step)
    for amendment in MeetingAmendment.objects.filter(
        meeting=meeting, by_parent_id__in=by_parent
    ).order_by("at", "pk"):
        if amendment.by_parent_id is not None:
            by_parent[amendment.by_parent_id].disputes.append(amendment)
    return list(by_parent.values())


def meeting_section(request, meeting: Meeting) -> dict | None:
    """The meeting page's block "The summary through parents' links", once the meeting is
    recorded (before then there is no summary to open, and the page reads nothing for it)."""
    if not is_ready(meeting):
        return None
    return {
        "receipts": receipts(meeting),
        "meeting": meeting,
        "may_make_link": bool(getattr(meeting, "may_change", False)),
    }


# How long a parent's dispute of a meeting's record stays on its chair's home page.
DISPUTES_SHOWN_FOR = datetime.timedelta(days=14)


def disputes_panel(request) -> dict | None:
    """Parents who said "this is not what I understood" about a meeting this user chairs, in
    the last fortnight (one query): the chair gets in touch, as the parent was promised."""
    from family_voice.before import works_here

    if not works_here(request):
        return None
    since = timezone.now() - DISPUTES_SHOWN_FOR
    disputes = _disputes(user=request.user, school=request.school, since=since)
    return {"disputes": disputes} if disputes else None


def _disputed_since(user, school, since):
    return MeetingAmendment.objects.filter(
        meeting__school=school,
        meeting__chair=user,
        meeting__withdrawn_at__isnull=True,
        by_parent__isnull=False,
        at__gte=since,
    )


def disputes_waiting(*, user, school, recent, **moments) -> list:
    """The home page asks this first (portal.shell.HomePanel): the panel's read, over the
    shell's `recent` (a fortnight, as DISPUTES_SHOWN_FOR: a test holds them together)."""
    return [_disputed_since(user, school, recent)]


# The home page's read, built once per process and shape (portal.compiled).
_disputes = Compiled(
    lambda user, school, since: (
        _disputed_since(user, school, since)
        .select_related("by_parent", "meeting")
        .order_by("-at", "-pk")[:5]
    ),
    user=USER,
    school=SCHOOL,
    since=datetime.datetime,
)
