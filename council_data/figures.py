"""The authority's figures as data: what the authority dashboard shows (regions and contact
balance, from dashboards.authority, called, not copied), and per school meetings held,
complaints' response times and the latest parents' evening's reach. Every count is of the
schools of one authority, aggregated in the database in a fixed number of queries whatever the
number of schools or rows, and suppressed with the dashboard's own suppress_table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from complaints.models import Complaint
from dashboards import authority as authority_figures
from dashboards.authority import HIDDEN, NOT_YET_AVAILABLE, SUPPRESS_BELOW, suppress_table
from evenings.models import Booking, Evening, Invitation
from families.models import SchoolFamily
from meetings.models import Meeting
from portal.lib.terms import Period
from portal.models import Authority, School

SCHEMA_VERSION = 1
ALL_SCHOOLS = "All schools"
DAY = dt.timedelta(days=1)

HELD = (Meeting.Status.HELD, Meeting.Status.REVIEWED)
MEETING_KINDS = list(Meeting.Kind.choices)

# Complaints received in the period, in parts that add up to all received.
COMPLAINT_PARTS = [
    ("within_target", "responded within target"),
    ("after_target", "responded after target"),
    ("waiting", "waiting for a first response"),
]
# The invited families of each school's latest evening, in parts that add up to all invited.
REACH_PARTS = [
    ("came", "came"),
    ("did_not_come", "did not come"),
    ("no_outcome_yet", "booked but not yet marked"),
    ("not_booked", "did not book"),
]


def response_target_days() -> int:
    return settings.COUNCIL_DATA_RESPONSE_TARGET_DAYS


def _totalled(matrix: list[list[int]]) -> list[list[int]]:
    """Each row with its total last, and a totals row last: the shape suppress_table reads."""
    matrix = [[*row, sum(row)] for row in matrix]
    return [*matrix, [sum(col) for col in zip(*matrix, strict=True)]] if matrix else matrix


def _suppressed(schools: list[School], counts: dict[int, dict[str, int]], keys) -> list[list]:
    """One row per school and a total row, each cell a count or None (hidden)."""
    return suppress_table(
        _totalled([[counts.get(s.pk, {}).get(k, 0) for k in keys] for s in schools])
    )


# Meetings ------------------------------------------------------------------------------------


def meeting_counts(authority_id: int, period: Period) -> dict[int, dict[str, int]]:
    """{school id: {kind: meetings held}} for meetings held (or held and reviewed) that started
    in the period: one query. Withdrawn meetings count in nothing (Meeting.objects)."""
    rows = (
        Meeting.objects.filter(
            school__authority_id=authority_id,
            status__in=HELD,
            starts_at__gte=period.starts_at,
            starts_at__lt=period.ends_at,
        )
        .values("school", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["school"], {})[row["kind"]] = row["n"]
    return found


# Complaints ----------------------------------------------------------------------------------


def _complaints(authority_id: int, period: Period):
    return Complaint.objects.filter(
        school__authority_id=authority_id,
        received_at__gte=period.starts_at,
        received_at__lt=period.ends_at,
    )


def complaint_counts(authority_id: int, period: Period, target_days: int) -> dict[int, dict]:
    """{school id: complaints received in the period, by whether and how soon the parent had a
    first personal response}: one query."""
    target = F("received_at") + dt.timedelta(days=target_days)
    responded = Q(first_response_at__isnull=False)
    rows = (
        _complaints(authority_id, period)
        .values("school")
        .annotate(
            within_target=Count("pk", filter=responded & Q(first_response_at__lte=target)),
            after_target=Count("pk", filter=responded & Q(first_response_at__gt=target)),
            waiting=Count("pk", filter=Q(first_response_at__isnull=True)),
        )
        .order_by()
    )
    return {row.pop("school"): row for row in rows}


def _middle(rows) -> float:
    return round(sum(t / DAY for t in rows) / len(rows), 1)


def median_response_days(authority_id: int, period: Period) -> dict[int | None, float]:
    """{school id: median days from receipt to first personal response; None: all schools},
    for complaints received in the period and responded to. Worked out by the database with
    window functions (the one or two middle rows of each school, and of all), so each query
    returns at most two rows per school however many complaints there are: two queries."""
    answered = _complaints(authority_id, period).filter(first_response_at__isnull=False)
    answered = answered.with_response_time()
    medians: dict[int | None, float] = {}
    for partition in (["school"], []):
        by = [F(p) for p in partition] or None
        rows = (
            answered.annotate(
                place=Window(
                    RowNumber(), partition_by=by, order_by=[F("response_time").asc(), F("pk")]
                ),
                of=Window(Count("pk"), partition_by=by),
            )
            .annotate(twice=F("place") * 2)
            # The middle row (an odd count), or the two middle rows (an even one).
            .filter(twice__gte=F("of"), twice__lte=F("of") + 2)
            .values_list("school", "response_time")
            .order_by()
        )
        middles: dict[int | None, list] = {}
        for school_id, response_time in rows:
            middles.setdefault(school_id if partition else None, []).append(response_time)
        medians |= {key: _middle(times) for key, times in middles.items()}
    return medians


# Parents' evenings ---------------------------------------------------------------------------


def _latest_evening(period: Period, today: dt.date, school: str = "school"):
    """The outer row's school's latest evening that began in the period (and has begun by
    today); `school` names the outer row's school field."""
    return (
        Evening.objects.filter(
            school=OuterRef(school),
            first_day__gte=period.start,
            first_day__lt=period.end,
            first_day__lte=today,
        )
        .order_by("-first_day", "-pk")
        .values("pk")[:1]
    )


def evening_days(authority_id: int, period: Period, today: dt.date) -> dict[int, dt.date]:
    """{school id: first day of its latest evening in the period}: one query."""
    latest = _latest_evening(period, today, school="pk")
    rows = (
        School.objects.filter(authority_id=authority_id)
        .annotate(evening=Subquery(latest))
        .filter(evening__isnull=False)
        .annotate(day=Subquery(Evening.objects.filter(pk=OuterRef("evening")).values("first_day")))
        .values_list("pk", "day")
    )
    return dict(rows)


def reach_counts(authority_id: int, period: Period, today: dt.date) -> dict[int, dict[str, int]]:
    """{school id: invited families of its latest evening in the period, by what happened}, as
    evenings.reach counts one evening (a family counts once, whichever adult booked), for every
    school at once: one query."""
    bookings = Booking.objects.filter(
        evening_id=OuterRef("evening"), family=OuterRef("family"), cancelled_at=None
    )
    came = Exists(bookings.filter(outcome=Booking.Outcome.ATTENDED))
    missed = Exists(bookings.filter(outcome=Booking.Outcome.MISSED)) & ~came
    booked = Exists(bookings)
    invited = Invitation.objects.filter(evening_id=OuterRef("evening"), family=OuterRef("family"))
    rows = (
        SchoolFamily.objects.filter(school__authority_id=authority_id)
        .annotate(evening=Subquery(_latest_evening(period, today)))
        .filter(evening__isnull=False)
        .filter(Exists(invited))
        .annotate(is_booked=booked, is_came=came, is_missed=missed)
        .values("school")
        .annotate(
            came=Count("pk", filter=Q(is_came=True)),
            did_not_come=Count("pk", filter=Q(is_missed=True)),
            booked=Count("pk", filter=Q(is_booked=True)),
            invited=Count("pk"),
        )
        .order_by()
    )
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        counts: dict[str, int] = {k: row[k] for k in ("came", "did_not_come", "invited")}
        counts["no_outcome_yet"] = row["booked"] - row["came"] - row["did_not_come"]
        counts["not_booked"] = row["invited"] - row["booked"]
        found[row["school"]] = counts
    return found


def _booked(raw: list[int], shown: list[int | None]) -> int | None:
    """Booked families, as shown: the sum of the three booked parts (came, did not come, not
    yet marked), shown only where every count of the row, the did-not-book and the invited
    included, is shown or truly zero (a zero gives nobody away). Booked is invited less did not
    book, so with either of those hidden it would give the hidden one away; and, being a count
    itself, it is shown only when it is not small."""
    if any(cell is None and n for n, cell in zip(raw, shown, strict=True)):
        return None
    total = sum(raw[i] for i in range(3))
    return total if total >= SUPPRESS_BELOW else None


# The whole export ----------------------------------------------------------------------------


@dataclass
class SchoolFigures:
    """One school's figures (or, with id None, all schools'), each count as shown: a number,
    None where hidden, or NOT_YET_AVAILABLE for contacts not yet added up."""

    id: int | None
    name: str
    regions: dict[str, int | None] = field(default_factory=dict)
    tone: dict[str, int | str | None] = field(default_factory=dict)
    formality: dict[str, int | str | None] = field(default_factory=dict)
    meetings: dict[str, int | None] = field(default_factory=dict)
    complaints: dict[str, int | float | None] = field(default_factory=dict)
    evening_day: dt.date | None = None
    reach: dict[str, int | None] = field(default_factory=dict)

    @property
    def balance_available(self) -> bool:
        return NOT_YET_AVAILABLE not in self.tone.values()


@dataclass
class Export:
    authority: Authority
    period: Period
    generated_at: dt.datetime
    response_target_days: int
    balance_as_of: dt.datetime | None
    region_columns: list[str]
    schools: list[SchoolFigures]
    total: SchoolFigures

    @property
    def rows(self) -> list[SchoolFigures]:
        return [*self.schools, self.total]


def council_figures(authority: Authority, period: Period, *, today=None) -> Export:
    """Everything the council's export holds for one authority and period, suppressed."""
    today = today or timezone.localdate()
    aid = authority.pk
    if not School.objects.filter(authority_id=aid).exists():
        # An authority whose schools have all gone: nothing to count (and the dashboard's
        # tables expect at least one school).
        return Export(
            authority=authority,
            period=period,
            generated_at=timezone.now(),
            response_target_days=response_target_days(),
            balance_as_of=None,
            region_columns=[],
            schools=[],
            total=SchoolFigures(id=None, name=ALL_SCHOOLS),
        )
    tables = authority_figures.authority_tables({aid}, period)
    schools: list[School] = tables["schools"]
    target = response_target_days()

    meetings = _suppressed(schools, meeting_counts(aid, period), [k for k, _l in MEETING_KINDS])
    complaint_keys = [k for k, _l in COMPLAINT_PARTS]
    complaint_raw = complaint_counts(aid, period, target)
    complaints = _suppressed(schools, complaint_raw, complaint_keys)
    medians = median_response_days(aid, period)
    days = evening_days(aid, period, today)
    reach_keys = [k for k, _l in REACH_PARTS]
    reach_raw_counts = reach_counts(aid, period, today)
    reach_raw = _totalled(
        [[reach_raw_counts.get(s.pk, {}).get(k, 0) for k in reach_keys] for s in schools]
    )
    reach = suppress_table(reach_raw)

    rows = []
    ids: list[int | None] = [s.pk for s in schools] + [None]
    names = [s.name for s in schools] + [ALL_SCHOOLS]
    responded_raw = _totalled(
        [
            [complaint_raw.get(s.pk, {}).get(k, 0) for k in ("within_target", "after_target")]
            for s in schools
        ]
    )
    for i, (school_id, name) in enumerate(zip(ids, names, strict=True)):
        # A median only where at least as many responses lie behind it as a count would need.
        enough = bool(responded_raw) and responded_raw[i][-1] >= SUPPRESS_BELOW
        regions = tables["regions"][i][1]
        tones, forms = tables["tones"][i][1], tables["formality"][i][1]
        rows.append(
            SchoolFigures(
                id=school_id,
                name=name,
                regions=dict(zip([*tables["region_columns"], "all"], regions, strict=True)),
                tone=dict(zip(["positive", "neutral", "concern", "all"], tones, strict=True)),
                formality=dict(zip(["formal", "informal", "all"], forms, strict=True)),
                meetings=dict(
                    zip([*(k for k, _l in MEETING_KINDS), "all"], meetings[i], strict=True)
                ),
                complaints={
                    **dict(zip([*complaint_keys, "received"], complaints[i], strict=True)),
                    "median_days_to_first_response": medians.get(school_id) if enough else None,
                },
                evening_day=days.get(school_id) if school_id else None,
                reach={
                    **dict(zip([*reach_keys, "invited"], reach[i], strict=True)),
                    "booked": _booked(reach_raw[i], reach[i]),
                },
            )
        )
    return Export(
        authority=authority,
        period=period,
        generated_at=timezone.now(),
        response_target_days=target,
        balance_as_of=tables["balance_as_of"],
        region_columns=tables["region_columns"],
        schools=rows[:-1],
        total=rows[-1],
    )


__all__ = ["HIDDEN", "NOT_YET_AVAILABLE", "SUPPRESS_BELOW", "council_figures"]
