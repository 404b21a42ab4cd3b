"""Reading the council's published school calendar (.ics) into the school's calendar entries.

Councils publish terms, holidays and in-service days as all-day events (DTEND the day after the
last day). Each event's words say what it is: "In-service day" → in-service, "October holiday"
or "Half term" → holiday, "Autumn term" spanning weeks → term. Some councils publish a term as
two single days ("Spring term starts", "Spring term ends"): these are paired into one term.
Anything else is left out and named in the result, so the headteacher can add it by hand.
Importing again updates the entries it made before (by the event's UID), never doubles them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from portal.lib.terms import calendar_changed
from portal.models import CalendarEntry, School

DAY = dt.timedelta(days=1)
Kind = CalendarEntry.Kind

INSERVICE_WORDS = re.compile(
    r"in[\s-]?service|\binset\b|staff development|training day|professional development"
)
HOLIDAY_WORDS = re.compile(
    r"holiday|half[\s-]term|\bbreak\b|closed|\bclose\b|christmas|easter|october|mid[\s-]term"
    r"|may day|\bvacation\b"
)
TERM_WORD = re.compile(r"\bterm\b")
TERM_STARTS = re.compile(
    r"\b(starts?|begins?|opens?|re-?opens?|first day( of)?|returns?)\b", re.IGNORECASE
)
TERM_ENDS = re.compile(r"\b(ends?|closes?|finishes|last day( of)?)\b", re.IGNORECASE)


class CalendarFileError(ValueError):
    """A file that cannot be read as a school calendar, with words to show the user."""


@dataclass(frozen=True)
class Found:
    """One entry the file gives (before it is saved)."""

    uid: str
    kind: str
    name: str
    starts_on: dt.date
    ends_on: dt.date

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


@dataclass
class Reading:
    found: list[Found] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what was left out, and why
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    found: list[Found]
    skipped: list[str]
    notes: list[str]
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    @property
    def by_kind(self) -> dict[str, int]:
        counts = Counter(f.kind for f in self.found)
        return {label: counts[value] for value, label in Kind.choices}

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {label.lower()}" for label, n in self.by_kind.items())
        verb = "Would add" if self.dry_run else "Added"
        return (
            f"{verb} {self.created}, {'would update' if self.dry_run else 'updated'} "
            f"{self.updated}, {self.unchanged} already up to date ({kinds}); "
            f"{len(self.skipped)} left out."
        )


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def _last_day(starts_on: dt.date, raw_end) -> dt.date:
    """The last day of an event from its end (exclusive for all-day events)."""
    if not isinstance(raw_end, dt.datetime):
        return raw_end - DAY
    ends_on = _day(raw_end)
    # A timed event that ends at midnight ends the day before.
    if ends_on > starts_on and raw_end.time() == dt.time.min:
        ends_on -= DAY
    return ends_on


def _span(event) -> tuple[dt.date, dt.date]:
    """The first and last day of an event."""
    raw_start = event.decoded("DTSTART")
    starts_on = _day(raw_start)
    if "DTEND" in event:
        ends_on = _last_day(starts_on, event.decoded("DTEND"))
    elif "DURATION" in event:
        ends_on = _last_day(starts_on, raw_start + event.decoded("DURATION"))
    else:
        ends_on = starts_on
    return starts_on, max(starts_on, ends_on)


def _kind(summary: str, single_day: bool) -> tuple[str, str | None]:
    """What an event's words say it is: (kind, "start"/"end" for a term's marker day, or None);
    kind "" for an event that is none of the three."""
    words = summary.lower()
    if INSERVICE_WORDS.search(words):
        return Kind.INSERVICE, None
    is_half_term = re.search(r"half[\s-]term|mid[\s-]term", words)
    if TERM_WORD.search(words) and not is_half_term and "holiday" not in words and single_day:
        if TERM_ENDS.search(words):
            return Kind.TERM, "end"
        if TERM_STARTS.search(words):
            return Kind.TERM, "start"
    if HOLIDAY_WORDS.search(words):
        return Kind.HOLIDAY, None
    if TERM_WORD.search(words):
        return Kind.TERM, None
    return "", None


def _term_name(summary: str) -> str:
    """ "Spring term starts" → "Spring term"; "First day of summer term" → "Summer term";
    "TERM BEGINS - pupils return" → "Term"."""
    marker = TERM_STARTS.search(summary) or TERM_ENDS.search(summary)
    before = summary[: marker.start()] if marker else summary
    if not TERM_WORD.search(before.lower()):
        before = TERM_ENDS.sub("", TERM_STARTS.sub("", summary))
    name = before
    name = re.sub(r"\s+", " ", name).strip(" :-–(),")
    if name.isupper():
        name = name.capitalize()
    return (name[:1].upper() + name[1:]) or "Term"


def _uid(event, summary: str, starts_on: dt.date) -> str:
    uid = str(event.get("UID", "")).strip()
    if not uid:
        # No id: the words and the day stand in for one, so importing again still matches.
        uid = "made-" + hashlib.sha256(f"{summary}|{starts_on}".encode()).hexdigest()[:32]
    return uid[:255]


def read_calendar(data: bytes) -> Reading:
    """The entries an .ics file gives; CalendarFileError if it is not one or has no events."""
    import icalendar

    if not data or b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise CalendarFileError(
            "This file is not a calendar (.ics). Download the council's school calendar as "
            "an .ics or iCal file and try again."
        )
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise CalendarFileError(
            "This calendar file could not be read: it may be damaged or cut short. Download it "
            "from the council again and try once more."
        ) from error
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise CalendarFileError("This calendar file has no events in it: nothing to import.")

    reading = Reading()
    starts: list[tuple[dt.date, str, str]] = []  # a term's first day, its name, its uid
    ends: list[tuple[dt.date, str]] = []
    seen_uids: set[str] = set()
    for event in events:
        summary = re.sub(r"\s+", " ", str(event.get("SUMMARY", ""))).strip()
        if "DTSTART" not in event:
            reading.skipped.append(f"“{summary or 'An event'}” has no date.")
            continue
        try:
            starts_on, ends_on = _span(event)
        except (ValueError, TypeError, KeyError, OverflowError):
            reading.skipped.append(f"“{summary or 'An event'}”: its dates could not be read.")
            continue
        if not summary:
            reading.skipped.append(f"An event on {starts_on:%-d %B %Y} has no title.")
            continue
        if "RRULE" in event:
            reading.notes.append(
                f"“{summary}” repeats; repeating events are not read, so add its days by hand."
            )
            continue
        kind, marker = _kind(summary, single_day=starts_on == ends_on)
        if not kind:
            reading.skipped.append(
                f"“{summary}” ({starts_on:%-d %B %Y}) is not a term, holiday or in-service day."
            )
            continue
        uid = _uid(event, summary, starts_on)
        if uid in seen_uids:
            # The same id twice in one file (an override of a repeating event, or events with
            # no id, one title and one day): each is its own entry.
            uid = f"{uid}#{starts_on.isoformat()}#{len(seen_uids)}"[:255]
        seen_uids.add(uid)
        if marker == "start":
            starts.append((starts_on, _term_name(summary), uid))
        elif marker == "end":
            ends.append((starts_on, summary))
        else:
            name = _term_name(summary) if kind == Kind.TERM else summary
            reading.found.append(Found(uid, kind, name[:100], starts_on, ends_on))
    _pair_terms(reading, sorted(starts), sorted(ends))
    reading.found.sort(key=lambda f: (f.starts_on, f.kind))
    return reading


def _pair_terms(reading: Reading, starts, ends) -> None:
    """Each "term starts" day with the first "term ends" day after it, before the next start."""
    used = set()
    for index, (first, name, uid) in enumerate(starts):
        following = starts[index + 1][0] if index + 1 < len(starts) else None
        match = next(
            (
                i
                for i, (day, _) in enumerate(ends)
                if i not in used and day >= first and (following is None or day < following)
            ),
            None,
        )
        if match is None:
            reading.skipped.append(f"“{name}” starts on {first:%-d %B %Y} but no end was found.")
            continue
        used.add(match)
        reading.found.append(Found(uid, Kind.TERM, name[:100], first, ends[match][0]))
    for i, (day, summary) in enumerate(ends):
        if i not in used:
            reading.skipped.append(f"“{summary}” ({day:%-d %B %Y}) has no start to pair with.")


def found_to_keep(found: list[Found]) -> list[dict]:
    """What a preview found, small enough to keep in the session until "Import"."""
    return [
        {
            "uid": f.uid,
            "kind": f.kind,
            "name": f.name,
            "starts_on": f.starts_on.isoformat(),
            "ends_on": f.ends_on.isoformat(),
        }
        for f in found
    ]


def found_kept(rows: list[dict]) -> list[Found]:
    return [
        Found(
            row["uid"],
            row["kind"],
            row["name"],
            dt.date.fromisoformat(row["starts_on"]),
            dt.date.fromisoformat(row["ends_on"]),
        )
        for row in rows
    ]


@transaction.atomic
def calendar_import(
    *,
    school: School,
    data: bytes | None = None,
    found: list[Found] | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Read the file (or take what a preview of it found) and add or update the school's entries
    (by UID); a dry run only counts."""
    reading = read_calendar(data or b"") if found is None else Reading(found=found)
    result = ImportResult(reading.found, reading.skipped, reading.notes, dry_run=dry_run)
    existing = {
        e.source_uid: e
        for e in CalendarEntry.objects.filter(
            school=school, source_uid__in=[f.uid for f in reading.found]
        )
    }
    for found in reading.found:
        values = {
            "kind": found.kind,
            "name": found.name,
            "starts_on": found.starts_on,
            "ends_on": found.ends_on,
        }
        entry = existing.get(found.uid)
        if entry is None:
            result.created += 1
            if not dry_run:
                entry = CalendarEntry(school=school, source_uid=found.uid, **values)
                entry.full_clean()
                entry.save()
                existing[found.uid] = entry
        elif any(getattr(entry, k) != v for k, v in values.items()):
            result.updated += 1
            if not dry_run:
                for key, value in values.items():
                    setattr(entry, key, value)
                entry.full_clean()
                entry.save()
        else:
            result.unchanged += 1
    if not dry_run and (result.created or result.updated):
        calendar_changed(school)
    return result
