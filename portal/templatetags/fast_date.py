"""The `|date` filter, with each format read once (a template builtin, so every template's
`|date` is this one; it takes and gives exactly what Django's takes and gives).

Django's filter splits its format with a regular expression, looks it up among the locale's
named formats, and builds a formatter that checks the time zone, on every call: 40–60 µs a
date, and the family page and lists draw 25–60 of them. Here a format is read into its parts
once per process; the parts the portal's templates use are drawn straight from the date (the
names of months and days through the active language's translations, as Django's are). A
format with any other part, a value that is not a date, and a time part asked of a plain date
go to Django's own filter, so its output and its errors are unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_ALT, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import FORMAT_SETTINGS
from django.utils.translation import get_language

register = template.Library()

# The same split as django.utils.dateformat's: a format character not escaped by a backslash.
_PARTS = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_ESCAPED = re.compile(r"\\(.)")
# Format characters of the time of day, which Django refuses for a plain date (TimeFormat's).
_TIME_PARTS = frozenset("aAefgGhHiOPsTuZ")


_KEPT_NAMES: list[dict] = []


@receiver(setting_changed)
def _forget_names(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:  # as Django's catalogues
        for kept in _KEPT_NAMES:
            kept.clear()


def _named(names: dict, title: bool = False) -> Callable[[int], str]:
    """A translated name by number, kept per language: reading a lazy translation costs a
    catalogue lookup each time."""
    kept: dict[tuple[str | None, int], str] = {}
    _KEPT_NAMES.append(kept)

    def name(number: int) -> str:
        key = (get_language(), number)
        try:
            return kept[key]
        except KeyError:
            text = str(names[number])
            kept[key] = text = text.title() if title else text
            return text

    return name


_month_3 = _named(MONTHS_3, title=True)
_month = _named(MONTHS)
_month_alt = _named(MONTHS_ALT)
_weekday = _named(WEEKDAYS)
_weekday_3 = _named(WEEKDAYS_ABBR)

# What Django's DateFormat gives for each of these characters (django.utils.dateformat).
_DRAW: dict[str, Callable[[dt.date], str]] = {
    "j": lambda d: str(d.day),
    "d": lambda d: f"{d.day:02d}",
    "n": lambda d: str(d.month),
    "m": lambda d: f"{d.month:02d}",
    "M": lambda d: _month_3(d.month),
    "F": lambda d: _month(d.month),
    "E": lambda d: _month_alt(d.month),
    "Y": lambda d: f"{d.year:04d}",
    "y": lambda d: f"{d.year % 100:02d}",
    "D": lambda d: _weekday_3(d.weekday()),
    "l": lambda d: _weekday(d.weekday()),
    "H": lambda d: f"{d.hour:02d}",  # type: ignore[attr-defined]
    "i": lambda d: f"{d.minute:02d}",  # type: ignore[attr-defined]
    "c": lambda d: d.isoformat(),
}

# Format -> its parts (text, or a drawing function), or None where Django's filter is needed.
_read: dict[str, tuple[tuple[bool, list], ...] | None] = {}
MAX_FORMATS = 256


def _parts(format_string: str):
    """(needs the time, parts) for a format drawn here, else None."""
    try:
        return _read[format_string]
    except KeyError:
        pass
    if format_string in FORMAT_SETTINGS:  # a named format ("SHORT_DATE_FORMAT"): the locale's
        _read[format_string] = None
        return None
    parts: list = []
    needs_time = False
    found = _PARTS.split(format_string)
    for index, piece in enumerate(found):
        if index % 2:
            draw = _DRAW.get(piece)
            if draw is None:
                parts = None  # type: ignore[assignment]
                break
            needs_time = needs_time or piece in _TIME_PARTS
            parts.append(draw)
        elif piece:
            parts.append(_ESCAPED.sub(r"\1", piece))
    read = None if parts is None else (needs_time, parts)
    if len(_read) >= MAX_FORMATS:  # a format built from data would otherwise grow it forever
        _read.clear()
    _read[format_string] = read  # type: ignore[assignment]
    return read


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's `date` filter, drawn from the format's parts read once."""
    if isinstance(value, dt.date) and isinstance(arg, str) and arg:
        read = _parts(arg)
        if read is not None:
            needs_time, parts = read
            if not needs_time or isinstance(value, dt.datetime):
                return "".join(p if type(p) is str else p(value) for p in parts)
    return defaultfilters.date(value, arg)
