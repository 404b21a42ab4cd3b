"""Calendar files for parents' evening appointments: a parent's own, and a member of staff's."""

from __future__ import annotations

from django.utils import timezone
from icalendar import Calendar, Event

from evenings.models import Booking, Way, takings_for
from portal.lib.words import staff_name

WAYS: dict[str, str] = {
    Way.IN_PERSON: "In person",
    Way.PHONE: "Phone call",
    Way.VIDEO: "Video call",
}


def bookings_ics(bookings: list[Booking]) -> bytes:
    """One event per appointment. No other adult's details, no address; the video link where
    the school gave one."""
    cal = Calendar()
    cal.add("prodid", "-//Parent Compass//Parents' evenings//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    takings = takings_for(bookings)
    for b in bookings:
        taking = takings.get((b.evening_id, b.slot.staff_id))
        event = Event()
        event.add("uid", f"evening-booking-{b.pk}@parent-compass")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", b.slot.starts_at)
        event.add("dtend", b.slot.ends_at)
        children = ", ".join(c.first_name for c in b.children.all())
        event.add("summary", f"{b.evening.name}: {staff_name(b.slot.staff)} ({children})")
        place = WAYS[b.way]
        if b.way == Way.IN_PERSON and taking and taking.room:
            place = f"{b.evening.school.name}, {taking.room}"
        elif b.way == Way.IN_PERSON:
            place = b.evening.school.name
        elif b.way == Way.VIDEO and taking and taking.video_link:
            place = taking.video_link
            event.add("url", taking.video_link)
        event.add("location", place)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
