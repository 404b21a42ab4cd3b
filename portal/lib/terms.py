"""School terms and years, shared by every "this term" figure in the portal.

A school's own terms come from its calendar (portal.models.CalendarEntry, entered or imported
from the council's .ics): a term runs from its first day to the day before the next term starts,
so the holiday after a term still counts as that term. Where a school has recorded no term for a
day (or for figures across many schools), terms follow the usual UK school year: autumn
August–December, spring January–March, summer April–July; the school year starts on 1 August.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    key: str  # "term" or "year"
    label: str
    start: dt.date
    end: dt.date  # exclusive
    order: int = 0  # the term's place in the calendar year (spring 1, summer 2, autumn 3)

    @property
    def starts_at(self) -> dt.datetime:
        return midnight(self.start)

    @property
    def ends_at(self) -> dt.datetime:
        return midnight(self.end)


def midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# A recorded term still "contains" a day this long after its last day when no next term is
# recorded yet: the summer holiday after a summer term, a fortnight after any other; past that,
# the usual terms are used.
SUMMER_REACH = dt.timedelta(days=70)
TERM_REACH = dt.timedelta(days=14)


def term_containing(day: dt.date, school=None) -> Period:
    """The term a day falls in: the school's own, where its calendar says, else the usual."""
    if school is None:
        return usual_term(day)
    return calendar_for(school).term(day)


class TermCalendar:
    """A school's recorded terms, read once, for pages that place many days in terms."""

    def __init__(self, rows):
        self.rows = sorted(rows, key=lambda row: row[1])

    def term(self, day: dt.date) -> Period:
        terms = self.rows
        for index, (name, starts_on, ends_on) in enumerate(terms):
            if starts_on > day:
                break
            following = terms[index + 1][1] if index + 1 < len(terms) else None
            reach = SUMMER_REACH if 4 <= starts_on.month <= 7 else TERM_REACH
            end = following if following is not None else ends_on + reach
            if day < end:
                label = name if str(starts_on.year) in name else f"{name} {starts_on.year}"
                order = 1 if starts_on.month <= 3 else 2 if starts_on.month <= 7 else 3
                return Period("term", label, starts_on, end, order)
        return usual_term(day)


# A school's terms are read once and kept this long (they change a few times a year; the
# calendar's own pages forget them at once in the process that changed them), so "this term"
# costs a dashboard no query of its own.
CACHE_SECONDS = 300


def _cache_key(school) -> str:
    return f"portal.terms:{school if isinstance(school, int) else school.pk}"


def calendar_for(school) -> TermCalendar:
    """The school's recorded terms."""
    from django.core.cache import cache

    from portal.models import CalendarEntry

    key = _cache_key(school)
    rows = cache.get(key)
    if rows is None:
        rows = list(
            CalendarEntry.objects.filter(school=school, kind=CalendarEntry.Kind.TERM).values_list(
                "name", "starts_on", "ends_on"
            )
        )
        cache.set(key, rows, CACHE_SECONDS)
    return TermCalendar(rows)


def calendar_changed(school) -> None:
    """Forget the school's terms after its calendar changed (read again on next use)."""
    from django.core.cache import cache

    cache.delete(_cache_key(school))


def usual_term(day: dt.date) -> Period:
    """The usual UK term for a day, for a school with no calendar of its own."""
    if day.month >= 8:
        start, end, name, order = dt.date(day.year, 8, 1), dt.date(day.year + 1, 1, 1), "Autumn", 3
    elif day.month >= 4:
        start, end, name, order = dt.date(day.year, 4, 1), dt.date(day.year, 8, 1), "Summer", 2
    else:
        start, end, name, order = dt.date(day.year, 1, 1), dt.date(day.year, 4, 1), "Spring", 1
    return Period("term", f"{name} term {day.year}", start, end, order)


def year_containing(day: dt.date) -> Period:
    first = day.year if day.month >= 8 else day.year - 1
    label = f"School year {first}–{str(first + 1)[2:]}"
    return Period("year", label, dt.date(first, 8, 1), dt.date(first + 1, 8, 1))


def closed_on(school, first: dt.date, last: dt.date | None = None) -> list:
    """The school's holidays and in-service days that touch first..last (inclusive), for a
    warning when something is planned on one."""
    from portal.models import CalendarEntry

    last = last or first
    return list(
        CalendarEntry.objects.filter(
            school=school,
            kind__in=[CalendarEntry.Kind.HOLIDAY, CalendarEntry.Kind.INSERVICE],
            starts_on__lte=last,
            ends_on__gte=first,
        )
    )
