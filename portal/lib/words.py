"""A stored value in words, written once: a choice's label, "Yes" or "No", a member of staff's
name. The subject access copy and the family audit page both read values this way."""

from __future__ import annotations

import datetime

from django.utils import formats, timezone
from django.utils.text import capfirst


def staff_name(user) -> str:
    """A member of staff's name as shown to colleagues and families."""
    return user.get_full_name() or user.get_username()


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def day(value) -> str:
    """A date (or the local date of a time) as a person reads it: 3 Dec 2026."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return formats.date_format(value, "j M Y")


def choice_label(field, value) -> str:
    """The label of `value` among `field`'s choices (the value itself if it is not one)."""
    return str(dict(field.flatchoices).get(value, value))


def staff_name_or_blank(user) -> str:
    """A member of staff's name, or "" where nobody is recorded."""
    return staff_name(user) if user else ""


def value_in_words(value):
    """A value as a copy for a parent gives it: dates as YYYY-MM-DD (times in local time),
    Yes/No, "" for nothing; numbers, text, lists and dicts as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value if isinstance(value, int | str | list | dict) else str(value)


def record_in_words(obj, names: list[str]) -> dict:
    """The named fields of `obj`, keyed by their labels, with choices shown as words."""
    record = {}
    for name in names:
        f = obj._meta.get_field(name)
        value = getattr(obj, f"get_{name}_display")() if f.choices else getattr(obj, name)
        record[capfirst(str(f.verbose_name))] = value_in_words(value)
    return record
