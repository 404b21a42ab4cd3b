"""The headteacher's and the authority's figures, each computed by one query in the database.

Every figure is an aggregate (GROUP BY with correlated subqueries for "the latest placement of
each family"), so the number of queries never grows with the number of families. Python only
shapes the few grouped rows that come back (one per region, month, year group or member of
staff) into tables and charts.

Terms and school years ("this term", "this term vs last") come from portal.lib.terms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from compass.colours import NOT_PLACED_COLOUR, region_colour
from compass.models import STEPS, CompassRegion, Placement
from dashboards.models import SelfEvaluation
from families import rhythm
from families.models import Contact, Level, SchoolFamily, Tone
from portal.compiled import SCHOOL, Compiled
from portal.lib.terms import Period, midnight, term_containing, year_containing
from portal.models import School

NOT_PLACED = ""  # the region key shown as "Not placed yet"
NOT_PLACED_LABEL = "Not placed yet"
LIST_LIMIT = 50  # names shown on a page; the CSV download has them all


# ---------------------------------------------------------------------------------------------
# Periods


PERIOD_CHOICES = [("term", "This term"), ("year", "This school year")]


def period_for(key: str, today: dt.date | None = None, school: School | None = None) -> Period:
    """This term or school year: the school's own term where one school is shown."""
    today = today or timezone.localdate()
    return year_containing(today) if key == "year" else term_containing(today, school)


# ---------------------------------------------------------------------------------------------
# Compass regions and the latest placement of each family


@dataclass
class RegionRow:
    key: str
    label: str
    count: int = 0
    percent: float = 0.0
    is_goal: bool = False
    description: str = ""
    target: int | None = None  # the self-evaluation's target share, in percent
    baseline: float | None = None  # the share when the target was set, in percent
    colour: str = "#6c757d"


def _latest_placement(as_of: dt.datetime | None = None):
    """Placements of the outer SchoolFamily row, newest first (before `as_of` if given)."""
    placements = Placement.objects.filter(school_family=OuterRef("pk"))
    if as_of is not None:
        placements = placements.filter(placed_at__lt=as_of)
    return placements.order_by("-placed_at", "-pk")


_DISTANCE = ExpressionWrapper(
    (Value(Decimal(max(STEPS))) - F("x")) * (Value(Decimal(max(STEPS))) - F("x"))
    + (Value(Decimal(max(STEPS))) - F("y")) * (Value(Decimal(max(STEPS))) - F("y")),
    output_field=DecimalField(max_digits=6, decimal_places=2),
)


def with_region(families, *, as_of=None, name="region"):
    """Annotate each family's region: now, from SchoolFamily.current_region (kept by
    compass.services with each placement); at an earlier time, from its latest placement then."""
    if as_of is None:
        return families.annotate(**{name: F("current_region")})
    latest = _latest_placement(as_of)
    return families.annotate(**{name: Subquery(latest.values("region_key")[:1])})


def region_counts(families) -> dict[str, int]:
    """{region key: families whose latest placement is there}; "" for families never placed."""
    rows = with_region(families).values("region").annotate(n=Count("pk")).order_by()
    return {row["region"] or NOT_PLACED: row["n"] for row in rows}


def region_rows(regions: list[CompassRegion], counts: dict[str, int]) -> list[RegionRow]:
    """One row per region in compass order, then any retired region keys, then "not placed"."""
    total = sum(counts.values())
    rows = [
        RegionRow(r.key, r.label, is_goal=r.is_goal, description=r.description) for r in regions
    ]
    known = {r.key for r in rows}
    rows += [RegionRow(k, k) for k in sorted(counts) if k not in known and k != NOT_PLACED]
    rows.append(RegionRow(NOT_PLACED, NOT_PLACED_LABEL))
    for i, row in enumerate(rows):
        row.count = counts.get(row.key, 0)
        row.percent = round(100 * row.count / total, 1) if total else 0.0
        row.colour = NOT_PLACED_COLOUR if row.key == NOT_PLACED else region_colour(i)
    return rows


def regions_for(school: School | None) -> list[CompassRegion]:
    return CompassRegion.objects.for_school(school)


# ---------------------------------------------------------------------------------------------
# Movement


@dataclass
class Movement:
    since: Period
    keys: list[str]
    labels: dict[str, str]
    cells: dict[tuple[str, str], int] = field(default_factory=dict)  # (from, to) -> families
    towards: int = 0
    away: int = 0
    across: int = 0
    stayed: int = 0
    newly_placed: int = 0

    def count(self, from_key: str, to_key: str) -> int:
        return self.cells.get((from_key, to_key), 0)

    @property
    def matrix(self) -> list[dict]:
        """Rows for the from × to table, "not placed before" first."""
        froms = [NOT_PLACED, *self.keys]
        return [
            {
                "key": f,
                "label": self.labels.get(f, f) if f else "Not placed before",
                "cells": [self.count(f, t) for t in self.keys],
                "total": sum(self.count(f, t) for t in self.keys),
            }
            for f in froms
        ]


def _moves(families, since: dt.datetime):
    before, now = _latest_placement(since), _latest_placement()
    return families.annotate(
        from_key=Subquery(before.values("region_key")[:1]),
        to_key=Subquery(now.values("region_key")[:1]),
        from_distance=Subquery(before.annotate(d=_DISTANCE).values("d")[:1]),
        to_distance=Subquery(now.annotate(d=_DISTANCE).values("d")[:1]),
    ).annotate(
        direction=Case(
            When(from_key__isnull=True, then=Value("new")),
            When(from_key=F("to_key"), then=Value("stayed")),
            When(to_distance__lt=F("from_distance"), then=Value("towards")),
            When(to_distance__gt=F("from_distance"), then=Value("away")),
            default=Value("across"),
        )
    )


def movement(families, regions: list[CompassRegion], since: Period) -> Movement:
    """How each family's region changed from the start of `since` until now.

    A family moved *towards* positive partners when its region changed and its point came
    closer to the north-east corner of the compass; *away* when it went further from it.
    """
    rows = (
        _moves(families, since.starts_at)
        .filter(to_key__isnull=False)
        .values("from_key", "to_key", "direction")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result = Movement(since, [r.key for r in regions], {r.key: r.label for r in regions})
    for row in rows:
        key = (row["from_key"] or NOT_PLACED, row["to_key"])
        result.cells[key] = result.cells.get(key, 0) + row["n"]
        if row["to_key"] not in result.keys:
            result.keys.append(row["to_key"])
        if row["from_key"] and row["from_key"] not in result.keys:
            result.keys.append(row["from_key"])
        if row["direction"] == "new":
            result.newly_placed += row["n"]
        else:
            setattr(result, row["direction"], getattr(result, row["direction"]) + row["n"])
    return result


def moved_away(families, since: Period) -> list[dict]:
    """The families whose relationship moved away from positive partners since `since` began."""
    latest = _latest_placement()
    before = _latest_placement(since.starts_at)
    return list(
        _moves(families, since.starts_at)
        .filter(direction="away")
        .annotate(
            from_label=Subquery(before.values("region_label")[:1]),
            to_label=Subquery(latest.values("region_label")[:1]),
            moved_at=Subquery(latest.values("placed_at")[:1]),
        )
        .values(
            "pk",
            "family",
            "family__name",
            "key_contact__first_name",
            "key_contact__last_name",
            "from_label",
            "to_label",
            "moved_at",
        )
        .order_by("family__name", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Contact balance


def balance_counts() -> dict:
    """Conditional counts of a contact balance, for .annotate() or .aggregate()."""
    return {
        "positive": Count("pk", filter=Q(tone=Tone.POSITIVE), distinct=True),
        "neutral": Count("pk", filter=Q(tone=Tone.NEUTRAL), distinct=True),
        "concern": Count("pk", filter=Q(tone=Tone.CONCERN), distinct=True),
        "formal": Count("pk", filter=Q(formality=Contact.Formality.FORMAL), distinct=True),
        "informal": Count("pk", filter=Q(formality=Contact.Formality.INFORMAL), distinct=True),
        "total": Count("pk", distinct=True),
    }


def contacts_in(school: School, period: Period, families=None, *, staff=None):
    contacts = Contact.objects.filter(
        school=school, occurred_at__gte=period.starts_at, occurred_at__lt=period.ends_at
    )
    if families is not None:
        contacts = contacts.filter(family__in=families.values("family"))
    if staff is not None:
        contacts = contacts.filter(staff=staff)
    return contacts


def balance_by_month(contacts) -> list[dict]:
    rows = (
        contacts.annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(**balance_counts())
        .order_by("month")
    )
    return [{**row, "label": f"{row['month']:%B %Y}"} for row in rows]


def balance_by_year_group(contacts, school: School) -> list[dict]:
    """Each contact counts once for every year group the family has a current pupil in (one
    who has started: a child still to start counts in no year group yet)."""
    started = Q(family__children__starts_on__isnull=True) | Q(
        family__children__starts_on__lte=timezone.localdate()
    )
    rows = (
        contacts.filter(
            started, family__children__school=school, family__children__left_on__isnull=True
        )
        .values(label=F("family__children__year_group"))
        .annotate(**balance_counts())
        .order_by("label")
    )
    return [{**row, "label": row["label"] or "No year group"} for row in rows]


def balance_by_staff(contacts) -> list[dict]:
    rows = (
        contacts.values("staff", "staff__first_name", "staff__last_name", "staff__username")
        .annotate(**balance_counts())
        .order_by("staff__last_name", "staff__first_name", "staff")
    )
    return [
        {
            **row,
            "label": f"{row['staff__first_name']} {row['staff__last_name']}".strip()
            or row["staff__username"],
        }
        for row in rows
    ]


def balance_total(contacts) -> dict:
    return contacts.aggregate(**balance_counts())


# ---------------------------------------------------------------------------------------------
# Families needing attention


def attention_cutoffs(school: School, *, today: dt.date) -> dict[str, dt.datetime]:
    """The times the attention counts compare with: the start of this term, the time before
    which a placement is overdue for review, and per communication level (`due_<level>`) the
    time before which a family's last contact makes it due one (families.rhythm)."""
    now = timezone.now()
    due = rhythm.cutoffs_for(rhythm.rhythm_for(school), now)
    return {
        "term_start": term_containing(today, school).starts_at,
        "review_before": now - dt.timedelta(weeks=school.placement_review_weeks),
        **{f"due_{level}": when for level, when in due.items()},
    }


def _attention_filters(school: School, *, today: dt.date, cutoffs=None) -> dict[str, Q]:
    cut = cutoffs or attention_cutoffs(school, today=today)
    due = {level: cut[f"due_{level}"] for level in Level.values}
    return {
        "no_positive": Q(last_positive_at__isnull=True) | Q(last_positive_at__lt=cut["term_start"]),
        # How long is too long depends on the family's communication level (families.rhythm).
        "due_contact": rhythm.due_q(rhythm.rhythm_for(school), cutoffs=due),
        "review_due": Q(last_placed_at__isnull=True) | Q(last_placed_at__lt=cut["review_before"]),
    }


def _attention(school: School, families, *, today: dt.date, cutoffs=None):
    """The families with their open follow-ups past their date, and the attention counts'
    aggregates over them."""
    wanted = _attention_filters(school, today=today, cutoffs=cutoffs)
    overdue = Contact.objects.filter(
        school=school,
        family=OuterRef("family"),
        follow_up_on__lt=today,
        follow_up_on__isnull=False,
        follow_up_done_at__isnull=True,
    )
    annotated = families.annotate(
        overdue=Subquery(overdue.order_by().values("family").annotate(n=Count("pk")).values("n"))
    )
    aggregates = {
        "families": Count("pk"),
        "overdue_follow_ups": models.Sum("overdue", default=0),
        **{name: Count("pk", filter=q) for name, q in wanted.items()},
    }
    return annotated, aggregates


def attention_counts(school: School, families, *, today: dt.date) -> dict[str, int]:
    """How many families had no positive contact this term, are due a contact for their
    communication level, or have a placement overdue for review (or never placed); and open
    follow-ups past their date."""
    annotated, aggregates = _attention(school, families, today=today)
    return annotated.aggregate(**aggregates)


def school_at_a_glance(school: School, *, today: dt.date) -> tuple[dict[str, int], dict]:
    """The whole school's region counts and attention counts (its families on roll), as the
    headteacher's home panel shows them: two kept reads (portal.compiled), their cut-off
    times named values, so nothing is built on each view."""
    regions = {
        row["region"] or NOT_PLACED: row["n"] for row in _region_counts(school=school, today=today)
    }
    (attention,) = _attention_counts(
        school=school, today=today, **attention_cutoffs(school, today=today)
    )
    return regions, attention


def _on_roll(school: School, today: dt.date):
    return SchoolFamily.objects.filter(school=school).on_roll(today)


_region_counts = Compiled(
    lambda school, today: (
        with_region(_on_roll(school, today)).values("region").annotate(n=Count("pk")).order_by()
    ),
    school=SCHOOL,
    today=dt.date,
)


def _build_attention_counts(school, today, **cutoffs):
    annotated, aggregates = _attention(
        school, _on_roll(school, today), today=today, cutoffs=cutoffs
    )
    # One row of aggregates over them all: grouped by a constant, which groups nothing.
    return annotated.order_by().values(_all=Value(1)).annotate(**aggregates).values(*aggregates)


# One cut-off time per communication level (attention_cutoffs).
_DUE_KINDS: dict[str, Any] = {f"due_{level}": dt.datetime for level in Level.values}
_attention_counts = Compiled(
    _build_attention_counts,
    school=SCHOOL,
    today=dt.date,
    term_start=dt.datetime,
    review_before=dt.datetime,
    **_DUE_KINDS,
)


def attention_list(school: School, families, which: str, *, today: dt.date):
    """The families behind one of the attention counts, by name."""
    wanted = _attention_filters(school, today=today)[which]
    return (
        rhythm.with_every_weeks(families.filter(wanted), rhythm.rhythm_for(school))
        .values(
            "current_level",
            "every_weeks",
            "pk",
            "family",
            "family__name",
            "key_contact__first_name",
            "key_contact__last_name",
            "last_contact_at",
            "last_positive_at",
            "last_placed_at",
        )
        .order_by("family__name", "pk")
    )


def overdue_follow_ups(school: School, families, *, today: dt.date):
    return (
        Contact.objects.filter(
            school=school,
            family__in=families.values("family"),
            follow_up_on__lt=today,
            follow_up_on__isnull=False,
            follow_up_done_at__isnull=True,
        )
        .values(
            "pk",
            "family",
            "family__name",
            "follow_up_on",
            "follow_up_owner__first_name",
            "follow_up_owner__last_name",
        )
        .order_by("follow_up_on", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Self-evaluation: the latest targets and progress towards them (dashboards/selfevaluation.py
# records them)


def latest_self_evaluation(school: School) -> SelfEvaluation | None:
    return (
        SelfEvaluation.objects.filter(school=school)
        .select_related("recorded_by")
        .prefetch_related("targets")
        .order_by("-written_on", "-pk")
        .fetch_mode(models.FETCH_PEERS)
        .first()
    )


def apply_targets(rows: list[RegionRow], evaluation: SelfEvaluation | None, baseline=None):
    """Copy the evaluation's targets (and the shares when it was written) onto region rows."""
    if evaluation is None:
        return
    targets = {t.region_key: t.percent for t in evaluation.targets.all()}
    total = sum(baseline.values()) if baseline else 0
    for row in rows:
        if row.key != NOT_PLACED:
            row.target = targets.get(row.key, 0)
        if baseline is not None:
            row.baseline = round(100 * baseline.get(row.key, 0) / total, 1) if total else 0.0


def evaluation_baseline(families, evaluation: SelfEvaluation, *, filtered: bool) -> dict:
    """The counts progress towards this evaluation's target is measured from: those kept when
    it was recorded, for the whole school; for a filtered set of families (or a record kept
    before baselines were stored), as their placements stood on the day it was written."""
    if evaluation.baseline and not filtered:
        return evaluation.baseline
    return baseline_counts(families, evaluation)


def baseline_counts(families, evaluation: SelfEvaluation) -> dict[str, int]:
    """Region counts as they stood at the start of the day the evaluation was written."""
    rows = (
        with_region(families, as_of=midnight(evaluation.written_on))
        .values("region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["region"] or NOT_PLACED: row["n"] for row in rows}
