"""Reading a parent's own words about good times and dates to avoid, to warn about clashes.

Parents' answers are free text ("weekdays after 3pm", "not Fridays", "Eid, 30 March"). Only
what can be read with confidence is checked; anything else is left for staff to read.
"""

from __future__ import annotations

import datetime
import re

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_DAY_RE = re.compile(r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?s?\b")
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?"
_AFTER_RE = re.compile(rf"\b(?:after|from)\s+{_TIME}")
_BEFORE_RE = re.compile(rf"\b(?:before|until|till)\s+{_TIME}")
_RANGE_RE = re.compile(rf"\b{_TIME}\s*(?:-|–|to)\s*{_TIME}")
_DAY_MONTH_RE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s*(?:-|–|to)\s*(\d{1,2})(?:st|nd|rd|th)?)?\s+("
    + "|".join(m[:3] for m in MONTHS)
    + r")[a-z]*\b"
)
_ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_SLASH_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")


def _day_index(token: str) -> int:
    return next(i for i, d in enumerate(DAYS) if d.startswith(token[:3]))


def _hour(h: str, m: str | None, ampm: str | None, *, assume_pm: bool = False) -> float:
    hour = int(h) % 24
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif ampm is None and assume_pm and 1 <= hour <= 7:
        hour += 12  # "after 3" at a school means the afternoon
    return hour + (int(m) / 60 if m else 0)


def _days_named(text: str) -> set[int]:
    days = set()
    if "weekday" in text:
        days |= {0, 1, 2, 3, 4}
    if "weekend" in text:
        days |= {5, 6}
    days |= {_day_index(m.group(1)) for m in _DAY_RE.finditer(text)}
    return days


def outside_good_times(
    good_times: str, start: datetime.datetime, end: datetime.datetime
) -> bool | None:
    """True if the meeting falls outside the stated good times, False if inside, None if the
    words say nothing we can check."""
    text = good_times.lower().strip()
    if not text or text.startswith("any"):
        return None
    checked = False
    negated = set()
    for m in re.finditer(r"\b(?:not|no|never|except)\s+(?:on\s+)?([a-z]+)", text):
        if _DAY_RE.fullmatch(m.group(1)):
            negated.add(_day_index(m.group(1)))
    positive = _days_named(text) - negated
    if negated:
        checked = True
        if start.weekday() in negated:
            return True
    if positive:
        checked = True
        if start.weekday() not in positive:
            return True
    begin = start.hour + start.minute / 60
    finish = end.hour + end.minute / 60 if end.date() == start.date() else 24
    if m := _RANGE_RE.search(text):
        checked = True
        low = _hour(m.group(1), m.group(2), m.group(3) or m.group(6), assume_pm=True)
        high = _hour(m.group(4), m.group(5), m.group(6), assume_pm=True)
        if begin < low or finish > high:
            return True
    else:
        if m := _AFTER_RE.search(text):
            checked = True
            if begin < _hour(m.group(1), m.group(2), m.group(3), assume_pm=True):
                return True
        if m := _BEFORE_RE.search(text):
            checked = True
            if finish > _hour(m.group(1), m.group(2), m.group(3), assume_pm=True):
                return True
    windows = []
    if "morning" in text:
        windows.append((0, 12))
    if "afternoon" in text:
        windows.append((12, 17.5))
    if "evening" in text:
        windows.append((17, 24))
    if windows:
        checked = True
        if not any(low <= begin and finish <= high for low, high in windows):
            return True
    return False if checked else None


def clashes_with_dates_to_avoid(dates_to_avoid: str, day: datetime.date) -> bool:
    """Whether `day` is one the family asked to avoid: a weekday they named, or a date."""
    text = dates_to_avoid.lower()
    if not text.strip():
        return False
    if day.weekday() in _days_named(text):
        return True
    for m in _DAY_MONTH_RE.finditer(text):
        month = next(i for i, name in enumerate(MONTHS, 1) if name.startswith(m.group(3)))
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if day.month == month and first <= day.day <= last:
            return True
    for m in _ISO_RE.finditer(text):
        if (int(m.group(1)), int(m.group(2)), int(m.group(3))) == (day.year, day.month, day.day):
            return True
    for m in _SLASH_RE.finditer(text):
        year = m.group(3)
        if year and int(year) % 100 != day.year % 100:
            continue
        if (int(m.group(1)), int(m.group(2))) == (day.day, day.month):
            return True
    return False


def avoid_reason(parent, day: datetime.date) -> str | None:
    """Why a day is one this parent asked to avoid, in words (a festival, a range of dates they
    gave, or their own words read as naming the day); None if nothing says so."""
    from families.models import avoided_because

    reason = avoided_because(parent, day)
    if reason:
        return reason
    if clashes_with_dates_to_avoid(parent.dates_to_avoid, day):
        return f"“{parent.dates_to_avoid}”"
    return None
