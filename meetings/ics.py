"""Calendar invitations (.ics) for a meeting: for the staff coming, and for one parent or carer."""

from __future__ import annotations

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from meetings.models import Meeting
from portal.lib.staff import staff_name

CONFIDENTIAL_LOCATION = "See the invitation in Parent Compass"
CONFIDENTIAL_PARENT_LOCATION = "As in your letter from the school"


def _calendar(meeting: Meeting, *, uid: str) -> tuple[Calendar, Event]:
    """A calendar and its one event at the meeting's time, for the caller to fill in."""
    cal = Calendar()
    cal.add("prodid", "-//Parent Compass//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    return cal, event


def meeting_ics(meeting: Meeting, *, url: str) -> bytes:
    """One VEVENT for the meeting. A confidential meeting's event names no family and carries
    no purpose or place details, only a neutral location and the link: calendars are shared
    and synced to phones."""
    cal, event = _calendar(meeting, uid=f"meeting-{meeting.pk}@parent-compass")
    if meeting.is_confidential:
        # Nothing a synced phone or a shared calendar could show: no family, no purpose, and
        # no free-text place (a home address, a room named for a service, a phone number).
        event.add("summary", "Confidential meeting with a family")
        event.add("location", CONFIDENTIAL_LOCATION)
        event.add("description", f"Details, place and preparation checklist: {url}")
    else:
        event.add("summary", f"{meeting.get_kind_display()}: {meeting.family.name}")
        place = meeting.get_place_kind_display()
        if meeting.place_details:
            place = f"{place}: {meeting.place_details}"
        event.add("location", place)
        description = [meeting.purpose, f"Details and preparation checklist: {url}"]
        event.add("description", "\n\n".join(description))
    event.add("url", url)
    if meeting.status == Meeting.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    chair = meeting.chair
    if chair.email:
        organizer = vCalAddress(f"mailto:{chair.email}")
        organizer.params["cn"] = vText(staff_name(chair))
        event["organizer"] = organizer
    for user in meeting.staff.all():
        if user.email:
            attendee = vCalAddress(f"mailto:{user.email}")
            attendee.params["cn"] = vText(staff_name(user))
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def parent_ics(meeting: Meeting, *, place: str) -> bytes:
    """One VEVENT for a parent or carer: the school, the time, and where in words made for
    them (`place`, never another adult's address or number); no staff link, no family name. A
    confidential meeting's event carries no place in free text at all: the letter says where."""
    cal, event = _calendar(meeting, uid=f"meeting-{meeting.pk}-family@parent-compass")
    event.add("summary", f"Meeting with {meeting.school.name}")
    event.add("location", CONFIDENTIAL_PARENT_LOCATION if meeting.is_confidential else place)
    description = [] if meeting.is_confidential else [meeting.purpose]
    description.append(
        f"If the time or place does not suit you, please contact {staff_name(meeting.chair)} "
        f"at {meeting.school.name}."
    )
    event.add("description", "\n\n".join(description))
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()
