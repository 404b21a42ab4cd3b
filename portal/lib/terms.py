"""School terms and years, shared by every "this term" figure in the portal.

Schools do not record their own term dates here yet, so terms follow the usual UK school
year: autumn August–December, spring January–March, summer April–July; the school year
starts on 1 August.
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


def term_containing(day: dt.date) -> Period:
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
