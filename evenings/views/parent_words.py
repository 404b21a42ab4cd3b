"""The words of the parent's evening pages, in the parent's language (the pages run in it):
days and times, the sittings, each appointment, where booking stands, and the service's
refusals."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evenings import services
from evenings.models import Booking, Evening, Taking, Way
from portal.lib.words import staff_name

# The service's refusals, in the parent's language (the service words them in English).
REFUSALS = {
    services.TAKEN: gettext_lazy("Someone has just booked that time. Please choose another."),
    services.BUSY: gettext_lazy(
        "You already have an appointment at that time. Please choose another time."
    ),
    services.CLOSED: gettext_lazy(
        "Booking for this evening has closed. Please phone the school to change anything."
    ),
    services.NOT_OPEN: gettext_lazy("Booking has not opened yet."),
    "That time is not part of this evening.": gettext_lazy("Please choose another time."),
    "Choose one of your children for this appointment.": gettext_lazy(
        "Choose one of your children for this appointment."
    ),
    "That teacher is not seeing parents about this child at this evening.": gettext_lazy(
        "This teacher is not seeing parents about this child. Please choose again."
    ),
    "That way to meet is not offered at this time. Please choose another.": gettext_lazy(
        "You cannot meet that way at this time. Please choose another way."
    ),
    "A video call is not offered with this teacher. Please choose another way.": gettext_lazy(
        "There is no video call with this teacher. Please choose another way."
    ),
    "Choose the other parent from your own family.": gettext_lazy(
        "Please choose again who is coming."
    ),
    # A restriction on the other adult: the parent is not told why.
    "Please talk to the school about who comes with you.": gettext_lazy(
        "Please choose again who is coming."
    ),
    "The other parent already has an appointment at that time.": gettext_lazy(
        "The other parent already has an appointment at that time. Please choose another time."
    ),
}


def day(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "l j E")


def time(value: dt.datetime) -> str:
    return formats.time_format(timezone.localtime(value), "H:i")


def day_time(value: dt.datetime) -> str:
    return _("%(day)s at %(time)s") % {"day": day(value), "time": time(value)}


def span(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    return _("%(day)s, %(start)s to %(end)s") % {
        "day": day(starts_at),
        "start": time(starts_at),
        "end": time(ends_at),
    }


def ways_words(ways) -> str:
    words = {Way.IN_PERSON: _("in person"), Way.PHONE: _("by phone"), Way.VIDEO: _("by video call")}
    return _("You can meet %(ways)s.") % {"ways": get_text_list([words[w] for w in ways], _("or"))}


def where(booking: Booking, taking: Taking | None) -> str:
    if booking.way == Way.PHONE:
        return _("by phone")
    if booking.way == Way.VIDEO:
        return _("by video call")
    if taking is not None and taking.room:
        return _("in %(room)s") % {"room": taking.room}
    return _("at the school")


def refusal_words(refusal: services.BookingRefused) -> str:
    words = refusal.messages[0] if refusal.messages else ""
    return str(REFUSALS.get(words, words))


def appointment(booking: Booking, taking: Taking | None) -> dict:
    """One appointment as the parent reads it: their own words stay theirs (escaped)."""
    children = list(booking.children.all())
    values = {
        "day": day(booking.starts_at),
        "time": time(booking.starts_at),
        "name": staff_name(booking.slot.staff),
        "where": where(booking, taking),
    }
    return {
        "pk": booking.pk,
        "evening_id": booking.evening_id,
        "line": _("%(day)s, %(time)s with %(name)s, %(where)s.") % values,
        "booked": _("Booked: %(day)s, %(time)s with %(name)s, %(where)s.") % values,
        "phone_call": booking.way == Way.PHONE,
        "video_link": taking.video_link if taking and booking.way == Way.VIDEO else "",
        "about": _("About %(children)s")
        % {"children": get_text_list([c.first_name for c in children], _("and"))},
        "interpreter": booking.interpreter,
        "supporter": booking.supporter,
        "note": booking.note,
        # The other parent by first name only, and only because this parent chose them.
        "together": booking.together_with.first_name if booking.together_with else "",
        "staff_id": booking.slot.staff_id,
        "child_id": children[0].pk if children else None,
    }


def state_words(evening: Evening, school) -> dict:
    state = evening.state()
    phone = (school.phone or "").strip()
    if state == "not_open":
        words = _("You can book from %(when)s.") % {"when": day_time(evening.opens_at)}
    elif state == "open":
        words = _("You can book or change a time until %(when)s.") % {
            "when": day_time(evening.changes_until)
        }
    elif phone:
        words = _("Booking has closed. To change a time, please phone the school on %(phone)s.") % {
            "phone": phone
        }
    else:
        words = _("Booking has closed. To change a time, please phone the school.")
    return {"state": state, "open": state == "open", "state_words": words}
