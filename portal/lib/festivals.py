"""Festivals a family may ask the school to avoid, with their dates worked out by the `holidays`
library's lunar and lunisolar calendars (Islamic, Hindu, Hebrew, Chinese) and by the Gregorian
one, so that Eid or Diwali next year needs no one to look it up.

Islamic dates are the library's estimates: the day can move by one with the sighting of the
moon, so a warning covers the day either side (Diwali too, whose day differs by region).
Diwali, Holi and Guru Nanak's birthday come from the library's public calendar of India; the
other calendar classes are marked internal; `tests/portal/test_festivals.py` holds known dates
so an upgrade that changes them fails a test rather than a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from dateutil.easter import easter
from holidays.calendars import _ChineseLunisolar, _HebrewLunisolar, _HinduLunisolar, _IslamicLunar

DAY = dt.timedelta(days=1)
Span = tuple[dt.date, dt.date]  # first and last day, inclusive


@dataclass(frozen=True)
class Festival:
    key: str
    label: str
    faith: str
    spans: Callable[[int], list[Span]]  # the festival's days in a Gregorian year
    # Days either side a warning also covers, where the date is an estimate (the moon's sighting).
    fuzz: int = 0


def _islamic(method: str, *, days: int = 1) -> Callable[[int], list[Span]]:
    def spans(year: int) -> list[Span]:
        found = []
        for day, _estimated in getattr(_IslamicLunar(), method)(year):
            found.append((day, day + (days - 1) * DAY))
        return found

    return spans


def _ramadan(year: int) -> list[Span]:
    """From the first day of Ramadan to the day before Eid al-Fitr (29 or 30 days)."""
    calendar = _IslamicLunar()
    spans = []
    for year_of in (year - 1, year):
        starts = [d for d, _ in calendar.ramadan_beginning_dates(year_of)]
        ends = [d for d, _ in calendar.eid_al_fitr_dates(year_of)] + [
            d for d, _ in calendar.eid_al_fitr_dates(year_of + 1)
        ]
        for start in starts:
            end = min((e for e in ends if e > start), default=start + 29 * DAY) - DAY
            if start.year == year or end.year == year:
                spans.append((start, end))
    return sorted(set(spans))


def _hindu(method: str, *, days: int = 1) -> Callable[[int], list[Span]]:
    def spans(year: int) -> list[Span]:
        found = getattr(_HinduLunisolar(), method)(year)
        day = found[0] if isinstance(found, tuple) else found
        return [(day, day + (days - 1) * DAY)] if day else []

    return spans


def _india(name: str) -> Callable[[int], list[Span]]:
    """A festival from the library's public calendar of India (its holiday names in English),
    which has Diwali right where the internal Hindu calendar is a day or weeks out."""

    def spans(year: int) -> list[Span]:
        import holidays

        found = holidays.country_holidays("IN", years=year)
        return [(day, day) for day, label in found.items() if label.startswith(name)]

    return spans


def _hebrew(method: str, *, days: int = 1) -> Callable[[int], list[Span]]:
    def spans(year: int) -> list[Span]:
        found = getattr(_HebrewLunisolar(), method)(year)
        found = found if isinstance(found, (set, list, tuple)) else [found]
        return [(day, day + (days - 1) * DAY) for day in found if day]

    return spans


def _chinese_new_year(year: int) -> list[Span]:
    found = _ChineseLunisolar().lunar_new_year_date(year)
    day = found[0] if isinstance(found, tuple) else found
    return [(day, day + DAY)] if day else []


def _fixed(month: int, day: int, *, days: int = 1) -> Callable[[int], list[Span]]:
    def spans(year: int) -> list[Span]:
        first = dt.date(year, month, day)
        return [(first, first + (days - 1) * DAY)]

    return spans


def _easter(year: int) -> list[Span]:
    sunday = easter(year)
    return [(sunday - 2 * DAY, sunday + DAY)]  # Good Friday to Easter Monday


FESTIVALS: dict[str, Festival] = {
    f.key: f
    for f in (
        Festival("ramadan", "Ramadan", "Muslim", _ramadan, fuzz=1),
        Festival(
            "eid_al_fitr", "Eid al-Fitr", "Muslim", _islamic("eid_al_fitr_dates", days=3), fuzz=1
        ),
        Festival(
            "eid_al_adha", "Eid al-Adha", "Muslim", _islamic("eid_al_adha_dates", days=4), fuzz=1
        ),
        Festival("diwali", "Diwali", "Hindu, Sikh and Jain", _india("Diwali"), fuzz=1),
        Festival("holi", "Holi", "Hindu", _india("Holi")),
        Festival("navratri", "Navratri", "Hindu", _hindu("sharad_navratri_date", days=9)),
        Festival("vaisakhi", "Vaisakhi", "Sikh", _hindu("vaisakhi_date")),
        Festival("guru_nanak", "Guru Nanak's birthday", "Sikh", _india("Guru Nanak")),
        Festival("rosh_hashanah", "Rosh Hashanah", "Jewish", _hebrew("rosh_hashanah_date", days=2)),
        Festival("yom_kippur", "Yom Kippur", "Jewish", _hebrew("yom_kippur_date")),
        Festival("passover", "Passover", "Jewish", _hebrew("passover_date", days=8)),
        Festival("hanukkah", "Hanukkah", "Jewish", _hebrew("hanukkah_date", days=8)),
        Festival("christmas", "Christmas", "Christian", _fixed(12, 24, days=3)),
        Festival("easter", "Easter", "Christian", _easter),
        Festival("lunar_new_year", "Lunar New Year", "Chinese", _chinese_new_year),
    )
}
CHOICES = [(f.key, f.label) for f in FESTIVALS.values()]


@cache
def spans_in(key: str, year: int) -> tuple[Span, ...]:
    """The days of one festival that touch a Gregorian year."""
    festival = FESTIVALS.get(key)
    if festival is None:
        return ()
    # A festival that starts late in the year before may run into this one (Hanukkah, Ramadan).
    found = {*festival.spans(year), *festival.spans(year - 1)}
    return tuple(sorted(s for s in found if s[0].year == year or s[1].year == year))


def festival_on(keys, day: dt.date) -> str | None:
    """The label of the first of `keys` that falls on `day`, or None."""
    for key in keys or ():
        festival = FESTIVALS.get(key)
        if festival is None:
            continue
        fuzz = festival.fuzz * DAY
        for year in (day.year - 1, day.year, day.year + 1) if fuzz else (day.year,):
            for first, last in spans_in(key, year):
                if first - fuzz <= day <= last + fuzz:
                    return festival.label
    return None


def next_dates(key: str, after: dt.date) -> Span | None:
    """The next days of a festival on or after a date (for showing when it falls)."""
    for year in (after.year, after.year + 1):
        for first, last in spans_in(key, year):
            if last >= after:
                return first, last
    return None
