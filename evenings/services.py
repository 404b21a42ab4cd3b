"""Writes for parents' evenings: setting one up, making its slots, inviting, booking (by a parent
through their link, or by the office for a parent who phones), changing and cancelling, blocking
time, and what happened at each appointment.

Booking is one insert the database refuses twice (evenings.models: a slot among live bookings,
and a parent's start time); a refusal comes back as BookingRefused with words for the person
booking, never as an error page, so a rush at 18:00 gives each slot once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from evenings.models import Booking, Break, Evening, Invitation, Sitting, Slot, Taking, Way
from families.models import Child, ChildParent, Contact, ParentCarer
from families.services import contact_log
from portal.lib import records
from portal.lib.words import staff_name
from portal.models import ClassGroup, School


class BookingRefused(ValidationError):
    """A booking that cannot be made, with words for the parent or the office."""


TAKEN = "Someone has just booked that time. Please choose another."
BUSY = "You already have an appointment at that time. Please choose another time."
CLOSED = "Booking for this evening has closed. Please phone the school to change anything."
NOT_OPEN = "Booking has not opened yet."


# Setting up -------------------------------------------------------------------------------


@transaction.atomic
def evening_save(*, evening: Evening, by, classes: Iterable = (), office: Iterable = ()) -> Evening:
    """A new or changed evening, checked and saved, with its invited classes and office staff."""
    if evening.pk is None:
        evening.created_by = by
    else:
        before = Evening.objects.filter(pk=evening.pk).values("slot_minutes", "gap_minutes").first()
        if (
            before
            and (before["slot_minutes"], before["gap_minutes"])
            != (evening.slot_minutes, evening.gap_minutes)
            and Booking.objects.filter(evening=evening, cancelled_at=None).exists()
        ):
            # Every slot of an evening starts on one grid (models.py): changing it under live
            # bookings would put new times between booked ones, and a parent in two places.
            raise ValidationError(
                {
                    "slot_minutes": "Parents have already booked, so the length of appointments "
                    "and the time between them cannot change now."
                }
            )
    evening.full_clean(exclude=["created_by"])
    records_by(evening, by)
    evening.save()
    evening.classes.set(list(classes))
    evening.office.set(list(office))
    return evening


def records_by(obj, by) -> None:
    if hasattr(obj, "history"):
        records.history_by(obj, by)


@transaction.atomic
def sitting_add(*, evening: Evening, sitting: Sitting, breaks: Iterable[tuple] = ()) -> Sitting:
    """A sitting of the evening (with its breaks for everyone); its slots are made at once."""
    sitting.evening = evening
    sitting.full_clean(exclude=["evening"])
    overlap = (
        Sitting.objects.filter(
            evening=evening, starts_at__lt=sitting.ends_at, ends_at__gt=sitting.starts_at
        )
        .exclude(pk=sitting.pk)
        .first()
    )
    if overlap is not None:
        raise ValidationError(
            f"This overlaps the sitting {overlap}: choose times that do not overlap, or change "
            "that sitting instead."
        )
    sitting.save()
    for starts_at, ends_at in breaks:
        Break.objects.create(sitting=sitting, starts_at=starts_at, ends_at=ends_at)
    slots_build(evening)
    return sitting


@transaction.atomic
def sitting_remove(*, sitting: Sitting) -> None:
    """A sitting taken away: refused while anyone is booked in it."""
    if Booking.objects.filter(slot__sitting=sitting, cancelled_at=None).exists():
        raise ValidationError(
            "Parents have booked in this sitting. Cancel or move their appointments first."
        )
    evening = sitting.evening
    sitting.delete()
    slots_build(evening)


@transaction.atomic
def taking_set(*, evening: Evening, staff: Iterable, for_everyone: Iterable = ()) -> None:
    """Who takes part. Someone taken off keeps the slots parents booked with them (the office
    sees them on the event page to move); their free slots go."""
    wanted = {u.pk: u for u in staff}
    everyone = {u.pk for u in for_everyone}
    current = {t.staff_id: t for t in Taking.objects.filter(evening=evening)}
    for pk, user in wanted.items():
        taking = current.get(pk) or Taking(evening=evening, staff=user)
        taking.for_everyone = pk in everyone
        taking.save()
    for pk, taking in current.items():
        if pk not in wanted:
            taking.delete()
    slots_build(evening)


def _grid(evening: Evening, sitting: Sitting, breaks: list[Break]) -> list[tuple]:
    """The slot times of one sitting: back to back with the gap, skipping breaks."""
    length = dt.timedelta(minutes=evening.slot_minutes)
    step = length + dt.timedelta(minutes=evening.gap_minutes)
    times = []
    at = sitting.starts_at
    while at + length <= sitting.ends_at:
        end = at + length
        if not any(b.starts_at < end and at < b.ends_at for b in breaks):
            times.append((at, end))
        at += step
    return times


@transaction.atomic
def slots_build(evening: Evening) -> int:
    """Make the evening's slots from its sittings and staff: new ones added, free ones no
    longer on the grid removed, booked ones always kept. Returns how many slots there are."""
    sittings = list(evening.sittings.prefetch_related("breaks"))
    staff_ids = list(Taking.objects.filter(evening=evening).values_list("staff_id", flat=True))
    wanted: dict[tuple, tuple] = {}
    for sitting in sittings:
        for starts_at, ends_at in _grid(evening, sitting, list(sitting.breaks.all())):
            for staff_id in staff_ids:
                wanted[(staff_id, starts_at)] = (sitting.pk, ends_at)
    existing = {
        (s.staff_id, s.starts_at): s
        for s in Slot.objects.filter(evening=evening).only(
            "id", "staff_id", "starts_at", "sitting_id", "ends_at"
        )
    }
    off_grid = [s.pk for key, s in existing.items() if key not in wanted]
    if off_grid:
        # Lock the slots to go first (a parent booking one waits, or is waited for), then ask
        # afresh which have ever been booked: those stay, with their history.
        list(Slot.objects.select_for_update().filter(pk__in=off_grid).values_list("pk"))
        ever_booked = set(
            Booking.objects.filter(slot_id__in=off_grid).values_list("slot_id", flat=True)
        )
        Slot.objects.filter(pk__in=[pk for pk in off_grid if pk not in ever_booked]).delete()
    Slot.objects.bulk_create(
        [
            Slot(
                evening=evening,
                sitting_id=sitting_id,
                staff_id=staff_id,
                starts_at=starts_at,
                ends_at=ends_at,
            )
            for (staff_id, starts_at), (sitting_id, ends_at) in wanted.items()
            if (staff_id, starts_at) not in existing
        ]
    )
    first = min((timezone.localtime(s.starts_at).date() for s in sittings), default=None)
    last = max((timezone.localtime(s.ends_at).date() for s in sittings), default=None)
    Evening.objects.filter(pk=evening.pk).update(first_day=first, last_day=last)
    evening.first_day, evening.last_day = first, last
    return Slot.objects.filter(evening=evening).count()


@transaction.atomic
def slots_block(*, evening: Evening, staff, slot_ids: Iterable[int], blocked: bool) -> int:
    """A member of staff keeps some of their own times free (or frees them again). A booked
    slot is left as it is: they ask the office to move the parent first."""
    return (
        Slot.objects.filter(evening=evening, staff=staff, pk__in=list(slot_ids))
        .exclude(_booked())
        .update(blocked=blocked)
    )


def _booked() -> Exists:
    """For slot rows: held by a live booking."""
    return Exists(Booking.objects.filter(slot=OuterRef("pk"), cancelled_at=None))


# Who is invited ---------------------------------------------------------------------------


def invited_children(evening: Evening):
    """The pupils on roll whose year group or class is invited."""
    today = timezone.localdate()
    classes = list(evening.classes.values_list("pk", flat=True))
    wanted = Q(pk__in=[])
    if evening.year_groups:
        wanted |= Q(year_group__in=evening.year_groups) | Q(
            class_group__year_group__in=evening.year_groups
        )
    if classes:
        wanted |= Q(class_group__in=classes)
    return Child.objects.filter(school=evening.school).on_roll(today).filter(wanted)


@dataclass
class InviteRun:
    invited: int = 0
    not_invited: list[tuple[ParentCarer, str]] = field(default_factory=list)


def invitation_plan(
    evening: Evening,
) -> tuple[dict[int, tuple[ParentCarer, list[Child]]], dict[int, list[str]]]:
    """Who would be invited (each adult with parental responsibility for an invited child, with
    those children) and, by adult, the words of any restriction that keeps a link from them:
    read, never written (the invite page's preview asks it too)."""
    links = (
        ChildParent.objects.filter(
            child__in=invited_children(evening), parental_responsibility=True
        )
        .select_related("parent", "child")
        .order_by("parent_id")
    )
    by_parent: dict[int, tuple[ParentCarer, list[Child]]] = {}
    for cp in links:
        by_parent.setdefault(cp.parent_id, (cp.parent, []))[1].append(cp.child)
    # A restriction on any of a parent's links to a child at this school stops a link to them.
    restricted: dict[int, list[str]] = {}
    for parent_id, restriction in (
        ChildParent.objects.filter(parent_id__in=list(by_parent), child__school=evening.school)
        .exclude(restriction="")
        .values_list("parent_id", "restriction")
    ):
        restricted.setdefault(parent_id, []).append(restriction.strip())
    return by_parent, restricted


@transaction.atomic
def invitations_make(*, evening: Evening) -> InviteRun:
    """An invitation for each adult with parental responsibility for an invited child. An adult
    with a recorded restriction is not invited through a link: the reason is kept so the
    office can decide with the pastoral lead what they may be told."""
    run = InviteRun()
    by_parent, restricted = invitation_plan(evening)
    existing = {
        i.parent_id: i
        for i in Invitation.objects.filter(evening=evening, parent_id__in=list(by_parent))
    }
    made, changed = [], []
    for parent_id, (parent, _children) in by_parent.items():
        reason = (
            "A recorded restriction: " + " ".join(restricted[parent_id])
            if parent_id in restricted
            else ""
        )[:300]
        invitation = existing.get(parent_id)
        if invitation is None:
            made.append(
                Invitation(
                    evening=evening,
                    family_id=parent.family_id,
                    parent=parent,
                    not_sent_because=reason,
                )
            )
        elif invitation.not_sent_because != reason:
            invitation.not_sent_because = reason
            changed.append(invitation)
        if reason:
            run.not_invited.append((parent, reason))
        else:
            run.invited += 1
    # A few statements whatever the number of families: the children of each invitation are
    # written afresh in one insert.
    # A second press of "Send" at the same moment inserts the same rows: ignored, not a 500.
    Invitation.objects.bulk_create(made, ignore_conflicts=True)
    Invitation.objects.bulk_update(changed, ["not_sent_because"])
    # Adults no longer invited (a class taken off, a child who left) lose their invitation,
    # unless they have booked: the office sees those appointments and decides.
    Invitation.objects.filter(evening=evening).exclude(parent_id__in=list(by_parent)).exclude(
        Exists(
            Booking.objects.filter(evening=evening, parent=OuterRef("parent"), cancelled_at=None)
        )
    ).delete()
    ids = dict(
        Invitation.objects.filter(evening=evening, parent_id__in=list(by_parent)).values_list(
            "parent_id", "pk"
        )
    )
    through = Invitation.children.through
    through.objects.filter(invitation_id__in=list(ids.values())).delete()
    through.objects.bulk_create(
        [
            through(invitation_id=ids[parent_id], child_id=child.pk)
            for parent_id, (_parent, children) in by_parent.items()
            for child in {c.pk: c for c in children}.values()
        ]
    )
    return run


# What a parent may book -------------------------------------------------------------------


def staff_for_children(evening: Evening, children: Iterable[Child]) -> dict[int, list[Taking]]:
    """For each child, the staff taking part they may be booked with: those who teach or support
    the child's class, and those any family may book."""
    children = list(children)
    takings = list(Taking.objects.filter(evening=evening).select_related("staff"))
    class_staff: dict[int, set[int]] = {}
    class_ids = {c.class_group_id for c in children if c.class_group_id}
    for class_id, user_id in ClassGroup.staff.through.objects.filter(
        classgroup_id__in=class_ids
    ).values_list("classgroup_id", "user_id"):
        class_staff.setdefault(class_id, set()).add(user_id)
    found = {}
    for child in children:
        teachers = class_staff.get(child.class_group_id or 0, set())
        found[child.pk] = [t for t in takings if t.for_everyone or t.staff_id in teachers]
    return found


def parent_children(evening: Evening, parent: ParentCarer) -> list[Child]:
    """The children of this parent the evening is about (those they were invited for)."""
    invitation = Invitation.objects.filter(evening=evening, parent=parent).first()
    if invitation is None or invitation.not_sent_because:
        return []
    return list(invitation.children.order_by("first_name").select_related("class_group"))


def free_slots(evening: Evening, staff_ids: Iterable[int]):
    """Free slots of these staff, soonest first."""
    return (
        Slot.objects.filter(evening=evening, staff_id__in=list(staff_ids), blocked=False)
        .exclude(_booked())
        .select_related("sitting")
        .order_by("starts_at", "staff_id")
    )


def next_to(slots: list[Slot], held: list[dt.datetime], evening: Evening) -> list[Slot]:
    """Slots ordered so that those just before or after a parent's other appointments come
    first (brothers and sisters seen one after another), then the rest by time."""
    if not held:
        return slots
    step = dt.timedelta(minutes=evening.slot_minutes + evening.gap_minutes)
    near = {h + step for h in held} | {h - step for h in held}
    return sorted(slots, key=lambda s: (s.starts_at not in near, s.starts_at))


# Booking ----------------------------------------------------------------------------------


def _refuse(words: str) -> BookingRefused:
    return BookingRefused(words)


@transaction.atomic
def booking_make(
    *,
    evening: Evening,
    slot: Slot,
    parent: ParentCarer,
    children: Iterable[Child],
    way: str = Way.IN_PERSON,
    interpreter: str = "",
    supporter: str = "",
    note: str = "",
    together_with: ParentCarer | None = None,
    by=None,
    link=None,
    now: dt.datetime | None = None,
    confirm: bool = True,
) -> Booking:
    """One appointment, for a parent through their link (`by` None) or by the office for them.
    Refused with words (BookingRefused) for a time just taken, a clash, a closed evening, a way
    the sitting does not offer, or staff the children are not seen by."""
    now = now or timezone.now()
    children = list(children)
    if slot.evening_id != evening.pk:
        raise _refuse("That time is not part of this evening.")
    # The slot as it is now, locked until this booking commits: a block, a rebuild or another
    # booking of it at the same moment waits for this one (or this one for it).
    locked = (
        Slot.objects.select_for_update(of=("self",))
        .select_related("sitting")
        .filter(pk=slot.pk)
        .first()
    )
    if locked is None:
        raise _refuse(TAKEN)
    slot = locked
    if by is None:
        state = evening.state(now)
        if state == "not_open":
            raise _refuse(NOT_OPEN)
        if state == "closed":
            raise _refuse(CLOSED)
    if slot.blocked:
        raise _refuse(TAKEN)
    entitled = {c.pk for c in parent_children(evening, parent)}
    if not children or any(c.pk not in entitled for c in children):
        raise _refuse("Choose one of your children for this appointment.")
    allowed = staff_for_children(evening, children)
    if any(slot.staff_id not in {t.staff_id for t in allowed[c.pk]} for c in children):
        raise _refuse("That teacher is not seeing parents about this child at this evening.")
    sitting = slot.sitting
    if way not in sitting.ways:
        raise _refuse("That way to meet is not offered at this time. Please choose another.")
    if (
        way == Way.VIDEO
        and not Taking.objects.filter(evening=evening, staff_id=slot.staff_id)
        .exclude(video_link="")
        .exists()
    ):
        raise _refuse("A video call is not offered with this teacher. Please choose another way.")
    if Booking.objects.filter(
        evening=evening, together_with=parent, starts_at=slot.starts_at, cancelled_at=None
    ).exists():
        raise _refuse(BUSY)  # the other parent booked this time with them coming too
    if together_with is not None:
        if together_with.family_id != parent.family_id or together_with.pk == parent.pk:
            raise _refuse("Choose the other parent from your own family.")
        if (
            ChildParent.objects.filter(parent=together_with, child__school=evening.school)
            .exclude(restriction="")
            .exists()
        ):
            raise _refuse("Please talk to the school about who comes with you.")
        if Booking.objects.filter(
            evening=evening, parent=together_with, starts_at=slot.starts_at, cancelled_at=None
        ).exists():
            raise _refuse("The other parent already has an appointment at that time.")
    booking = Booking(
        evening=evening,
        slot=slot,
        starts_at=slot.starts_at,
        family_id=parent.family_id,
        parent=parent,
        together_with=together_with,
        way=way,
        interpreter=interpreter.strip()[:60],
        supporter=supporter.strip()[:200],
        note=note.strip()[:300],
        booked_at=now,
        booked_by=by,
        booked_through=link,
    )
    records.history_by(booking, by)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        # Who got there first: another parent (the slot) or this parent (their own time).
        if Booking.objects.filter(
            evening=evening, parent=parent, starts_at=slot.starts_at, cancelled_at=None
        ).exists():
            raise _refuse(BUSY) from None
        raise _refuse(TAKEN) from None
    booking.children.set(children)
    if confirm:
        transaction.on_commit(lambda: _confirm_later(booking.pk))
    return booking


def _confirm_later(booking_id: int) -> None:
    """The confirmation, as a task once the booking is committed: in production the worker
    writes it, so the parent's page does not wait for it (and cannot fail because of it)."""
    from evenings.tasks import evening_confirmation_send

    evening_confirmation_send.enqueue(booking_id)


@transaction.atomic
def booking_cancel(*, booking: Booking, by=None, now: dt.datetime | None = None) -> Booking:
    """The appointment given up: the slot is free again at once. A parent may cancel until
    the evening's cut-off; the office at any time."""
    now = now or timezone.now()
    if booking.cancelled_at is not None:
        return booking
    if by is None and booking.evening.state(now) == "closed":
        raise _refuse(CLOSED)
    Booking.objects.filter(pk=booking.pk, cancelled_at=None).update(
        cancelled_at=now, cancelled_by=by
    )
    booking.cancelled_at, booking.cancelled_by = now, by
    return booking


@transaction.atomic
def booking_move(
    *, booking: Booking, slot: Slot, by=None, now: dt.datetime | None = None
) -> Booking:
    """The same appointment at another time (or with another of the children's staff): the old
    slot is freed only if the new one is had, all in one transaction."""
    children = list(booking.children.all())
    booking_cancel(booking=booking, by=by, now=now)
    return booking_make(
        evening=booking.evening,
        slot=slot,
        parent=booking.parent,
        children=children,
        way=booking.way if booking.way in slot.sitting.ways else slot.sitting.ways[0],
        interpreter=booking.interpreter,
        supporter=booking.supporter,
        note=booking.note,
        together_with=booking.together_with,
        by=by,
        link=booking.booked_through,
        now=now,
    )


# On the evening ---------------------------------------------------------------------------


@transaction.atomic
def outcome_record(*, booking: Booking, outcome: str, by) -> Booking:
    """Came or did not come, in one tap (again to correct it)."""
    if outcome not in Booking.Outcome.values:
        raise ValidationError("Choose whether they came.")
    booking.outcome, booking.outcome_at, booking.outcome_by = outcome, timezone.now(), by
    Booking.objects.filter(pk=booking.pk).update(
        outcome=booking.outcome, outcome_at=booking.outcome_at, outcome_by=by
    )
    return booking


CONTACT_CHANNEL: dict[str, str] = {
    Way.IN_PERSON: Contact.Channel.MEETING,
    Way.PHONE: Contact.Channel.PHONE,
    Way.VIDEO: Contact.Channel.VIDEO,
}


@transaction.atomic
def booking_log_contact(*, booking: Booking, by, summary: str = "") -> Contact:
    """The appointment as a contact in the family's chronology (once), by the member of staff
    who saw them, as a planned, general-level meeting about progress."""
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    if locked.contact is not None:
        return locked.contact
    if locked.cancelled_at is not None:
        raise ValidationError("This appointment was cancelled.")
    if locked.starts_at > timezone.now():
        raise ValidationError("This appointment has not happened yet.")
    evening = booking.evening
    parents = [booking.parent] + ([booking.together_with] if booking.together_with else [])
    words = summary.strip() or (
        f"Parents' evening ({evening.name}) with {staff_name(booking.slot.staff)}."
    )
    contact = contact_log(
        school=evening.school,
        family=booking.family,
        staff=by,
        parents=parents,
        children=list(booking.children.all()),
        occurred_at=booking.starts_at,
        channel=CONTACT_CHANNEL.get(booking.way, Contact.Channel.MEETING),
        initiated_by=Contact.InitiatedBy.SCHOOL,
        tone="neutral",
        formality="formal",
        level="general",
        purpose=Contact.Purpose.PROGRESS,
        summary=words,
    )
    Booking.objects.filter(pk=booking.pk).update(
        contact=contact, outcome=Booking.Outcome.ATTENDED, outcome_at=timezone.now(), outcome_by=by
    )
    booking.contact, booking.outcome = contact, Booking.Outcome.ATTENDED
    return contact


def school_of(evening: Evening) -> School:
    return evening.school
