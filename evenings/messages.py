"""What parents are sent about an evening, through the outbox (reaching_out): the invitation
with their own link to book, a confirmation when they book, and a reminder the day before, each
on their own channel and in their language. The link is made when a message is sent (the link
maker below, registered in apps.py), lasting until the evening is over."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from evenings.models import Booking, Evening, Invitation, Way, takings_for
from families.models import ParentCarer
from family_voice.models import Purpose
from family_voice.services import link_create
from portal.lib.words import staff_name
from reaching_out import services as outbox
from reaching_out.models import Kind, Message

TOPIC = "evening:{}"
# Marked for the catalogues (translated where used, in the parent's language).
WAY_WORDS = {
    Way.IN_PERSON: gettext_noop("in person"),
    Way.PHONE: gettext_noop("by phone (the teacher will call you)"),
    Way.VIDEO: gettext_noop("by video call"),
}


def evening_of(message: Message) -> Evening | None:
    prefix, _sep, pk = message.topic.partition(":")
    if prefix != "evening" or not pk.isdigit():
        return None
    return Evening.objects.filter(pk=int(pk), school=message.school_id).first()


def link_until(evening: Evening) -> dt.datetime:
    """An evening link works until the day after its last sitting."""
    last = evening.sittings.order_by("-ends_at").values_list("ends_at", flat=True).first()
    return max(last or evening.changes_until, evening.changes_until) + dt.timedelta(days=1)


def link_make(message: Message):
    """The parent's own booking link for the message being sent (reaching_out.extensions)."""
    evening = evening_of(message)
    if evening is None or message.parent is None:
        raise ValidationError("This message names no parents' evening.")
    made = link_create(
        school=message.school,
        parent=message.parent,
        purpose=Purpose.EVENING,
        created_by=message.sent_by,
        until=link_until(evening),
    )
    Invitation.objects.filter(evening=evening, parent=message.parent).update(link=made.link)
    return made


def _when(evening: Evening, language: str) -> str:
    with translation.override(language):
        return "; ".join(
            # A hyphen, not a dash: texts stay in the cheaper GSM alphabet.
            f"{date_format(timezone.localtime(s.starts_at), 'l j E')}, "
            f"{timezone.localtime(s.starts_at):%H:%M}-{timezone.localtime(s.ends_at):%H:%M}"
            for s in evening.sittings.all()
        )


def appointment_lines(bookings, language: str) -> str:
    """Each appointment in the parent's language: when, with whom, about whom, how, where."""
    rooms = takings_for(bookings)
    lines = []
    with translation.override(language):
        for b in bookings:
            taking = rooms.get((b.evening_id, b.slot.staff_id))
            local = timezone.localtime(b.starts_at)
            children = ", ".join(c.first_name for c in b.children.all())
            how = _(WAY_WORDS[b.way])
            where = ""
            if b.way == Way.IN_PERSON and taking and taking.room:
                where = f", {taking.room}"
            elif b.way == Way.VIDEO and taking and taking.video_link:
                where = f": {taking.video_link}"
            lines.append(
                f"- {date_format(local, 'l j E')}, {local:%H:%M}: {staff_name(b.slot.staff)} "
                f"({children}), {how}{where}"
            )
    return "\n".join(lines)


def _send(
    *, evening: Evening, kind: str, parent: ParentCarer, children, own_values
) -> list[Message]:
    sender = evening.created_by
    drafting = outbox.drafting(
        school=evening.school,
        sender=sender,
        kind=kind,
        parents=[parent],
        children=list(children),
        own_values=own_values,
    )
    return outbox.queue(
        school=evening.school, sender=sender, drafting=drafting, topic=TOPIC.format(evening.pk)
    )


@transaction.atomic
def invitations_send(*, evening: Evening, by) -> tuple[int, list[tuple[ParentCarer, str]]]:
    """The invitation to each invited adult who has not had one, through the outbox; returns how
    many were queued and who could not be reached (with why)."""
    sent_to = set(
        Message.objects.filter(
            topic=TOPIC.format(evening.pk), kind=Kind.EVENING_INVITE
        ).values_list("parent_id", flat=True)
    )
    queued, refused = 0, []
    invitations = (
        Invitation.objects.filter(evening=evening, not_sent_because="")
        .exclude(parent_id__in=sent_to)
        .select_related("parent")
        .prefetch_related("children")
    )

    def own_values(parent, language):
        with translation.override(language):
            book_by = date_format(timezone.localtime(evening.changes_until), "l j E, H:i")
        return {
            "evening_name": evening.name,
            "evening_when": _when(evening, language),
            "book_by": book_by,
        }

    for invitation in invitations:
        made = _send(
            evening=evening,
            kind=Kind.EVENING_INVITE,
            parent=invitation.parent,
            children=invitation.children.all(),
            own_values=own_values,
        )
        if made:
            queued += len(made)
        else:
            refused.append((invitation.parent, "There is no way to reach them."))
    Evening.objects.filter(pk=evening.pk).update(invitations_sent_at=timezone.now())
    return queued, refused


def _parent_bookings(evening: Evening, parent: ParentCarer) -> list[Booking]:
    return list(
        Booking.objects.filter(evening=evening, parent=parent, cancelled_at=None)
        .select_related("slot__staff")
        .prefetch_related("children")
        .order_by("starts_at")
    )


def _about_bookings(evening: Evening, bookings):
    def own_values(parent, language):
        return {"evening_name": evening.name, "appointments": appointment_lines(bookings, language)}

    return own_values


@transaction.atomic
def confirmation_send(booking_id: int) -> list[Message]:
    """After a booking: the parent's appointments so far at this evening, with a calendar file."""
    booking = (
        Booking.objects.select_related("evening__school", "parent").filter(pk=booking_id).first()
    )
    if booking is None or booking.cancelled_at is not None:
        return []
    evening = booking.evening
    bookings = _parent_bookings(evening, booking.parent)
    children = {c for b in bookings for c in b.children.all()}
    return _send(
        evening=evening,
        kind=Kind.EVENING_BOOKED,
        parent=booking.parent,
        children=children,
        own_values=_about_bookings(evening, bookings),
    )


@transaction.atomic
def reminders_send(*, now: dt.datetime | None = None) -> int:
    """The day before: one reminder per parent with appointments tomorrow (local time), through
    the outbox on their channel. Safe to run again: a booking is reminded once."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    due = (
        Booking.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            cancelled_at=None,
            reminded_at=None,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
        )
        .select_related("evening__school", "evening__created_by", "parent", "slot__staff")
    )
    grouped: dict[tuple[int, int], list[Booking]] = defaultdict(list)
    for booking in due:
        grouped[(booking.evening_id, booking.parent_id)].append(booking)
    sent = 0
    for reminding in grouped.values():
        evening, parent = reminding[0].evening, reminding[0].parent
        # Tomorrow's appointments only (an evening may run over several days), each marked
        # reminded only if this run reminds of it (not one another run holds, nor a later day).
        bookings = [
            b
            for b in _parent_bookings(evening, parent)
            if start <= b.starts_at < start + dt.timedelta(days=1)
        ]
        children = {c for b in bookings for c in b.children.all()}
        sent += len(
            _send(
                evening=evening,
                kind=Kind.EVENING_REMINDER,
                parent=parent,
                children=children,
                own_values=_about_bookings(evening, bookings),
            )
        )
        Booking.objects.filter(pk__in=[b.pk for b in reminding]).update(reminded_at=now)
    return sent


def calendar_file(message: Message) -> list[tuple[str, bytes, str]]:
    """The parent's appointments as a calendar file, for a confirmation or a reminder."""
    from evenings.ics import bookings_ics

    evening = evening_of(message)
    if evening is None or message.parent is None:
        return []
    bookings = _parent_bookings(evening, message.parent)
    if not bookings:
        return []
    return [(f"parents-evening-{evening.pk}.ics", bookings_ics(bookings), "text/calendar")]
