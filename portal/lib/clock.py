"""How a time of day reads, everywhere: British style, "9:30 a.m.", "3 p.m.", "12 noon".

One place for it, used by the templates (the `clock` filter, portal/templatetags/clock.py),
the meeting PDF and the messages services write, so a letter, its PDF and the staff pages
never disagree (the letter once printed "3:00 p.m." while its page said "15:00")."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def _local(value: dt.datetime | dt.time) -> dt.datetime | dt.time:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def time_of_day(value: dt.datetime | dt.time | None) -> str:
    """The time alone, in the current time zone: "9:30 a.m.", "3 p.m.", "12 noon"."""
    if value is None:
        return ""
    value = _local(value)
    hour, minute = value.hour, value.minute
    if (hour, minute) == (12, 0):
        return "12 noon"
    if (hour, minute) == (0, 0):
        return "12 midnight"
    twelve = hour % 12 or 12
    clock = f"{twelve}:{minute:02d}" if minute else f"{twelve}"
    return f"{clock} {'a.m.' if hour < 12 else 'p.m.'}"


def day_and_time(value: dt.datetime) -> str:
    """A meeting's start on a letter or summary: "Monday 2 March 2026 at 9:30 a.m."."""
    local = _local(value)
    return f"{local:%A} {local.day} {local:%B %Y} at {time_of_day(local)}"
