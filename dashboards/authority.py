"""The authority's figures: each school of the officer's authorities and the total, as counts
only, with small numbers suppressed. One query per table, whatever the number of schools: the
regions from each family's current region (SchoolFamily.current_region), the contact balance
from the monthly rollups, so neither grows with the number of contacts or placements."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Count, Sum
from django.utils import timezone

from dashboards.figures import NOT_PLACED, NOT_PLACED_LABEL, regions_for, with_region
from families.models import ContactMonthRollup, ContactRollupRun, SchoolFamily
from portal.compiled import IDS, Compiled
from portal.lib.terms import Period
from portal.models import School

SUPPRESS_BELOW = 5
# What a hidden cell says. Not "fewer than 5": a count is also hidden when a small one could be
# worked out from it (a 20 beside a 3), and saying it is small would be false, and a clue.
HIDDEN = "hidden to protect small numbers"
# A school's contact figures before its first overnight rollup: unknown, not zero.
NOT_YET_AVAILABLE = "not yet available"


def suppress_table(matrix: list[list[int]]) -> list[list[int | None]]:
    """Hide counts below SUPPRESS_BELOW, and enough others that no hidden count can be worked
    out by subtraction.

    `matrix` has a total as the last cell of each row and a totals row last. In any row or
    column where exactly one non-zero count is hidden, the smallest other shown count (a total
    last of all) is hidden too, repeated until nothing changes. Zeros are hidden as well, but
    never need a companion: working one out reveals no family.
    """
    shown: list[list[int | None]] = [
        [None if n < SUPPRESS_BELOW else n for n in row] for row in matrix
    ]
    if not matrix:
        return shown
    rows, cols = len(matrix), len(matrix[0])
    lines = [[(r, c) for c in range(cols)] for r in range(rows)]
    lines += [[(r, c) for r in range(rows)] for c in range(cols)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [cell for cell in line if shown[cell[0]][cell[1]] is None]
            # A lone hidden zero may be worked out, but a zero names no family.
            if len(hidden) != 1 or matrix[hidden[0][0]][hidden[0][1]] == 0:
                continue
            *parts, total = line
            visible = [cell for cell in parts if shown[cell[0]][cell[1]] is not None]
            if not visible and shown[total[0]][total[1]] is not None:
                visible = [total]
            if visible:
                r, c = min(visible, key=lambda cell: matrix[cell[0]][cell[1]])
                shown[r][c] = None
                changed = True
    return shown


def authority_schools(authority_ids: set[int]) -> list[School]:
    return _schools_of(authority_ids=sorted(authority_ids))


def authority_region_counts(authority_ids: set[int]) -> dict[int, dict[str, int]]:
    """{school id: {region key: families}} across the authorities, in one query."""
    rows = _region_counts_of(authority_ids=sorted(authority_ids), today=timezone.localdate())
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row["school"], {})[row["region"] or NOT_PLACED] = row["n"]
    return result


BALANCE_FIELDS = ("positive", "neutral", "concern", "formal", "informal", "total")


def authority_balance(authority_ids: set[int], period: Period) -> dict[int, dict]:
    """{school id: contacts in the period by tone and formality}, summed from the monthly
    rollups (families.rollups.ContactMonthRollup, refreshed by a task), not counted from contacts:
    a few rows per school and month, however many contacts there are. Periods start and end on
    the first of a month, so whole months add up to the period exactly."""
    rows = _balance_of(authority_ids=sorted(authority_ids), start=period.start, end=period.end)
    return {row["school"]: dict(row) for row in rows}


def authority_rollup_runs(authority_ids: set[int]) -> dict[int, datetime.datetime]:
    """{school id: when its contact rollup was last worked out}, for the schools that have had
    one; a school missing here has no contact figures yet."""
    return dict(_runs_of(authority_ids=sorted(authority_ids)))


# The dashboard's four reads, built once per process and number of authorities
# (portal.compiled): the ORM took longer to build them than the database to run them, for the
# few schools of one authority.
_schools_of = Compiled(
    lambda authority_ids: (
        School.objects.filter(authority_id__in=authority_ids)
        .select_related("authority")
        .order_by("authority__name", "name")
        .fetch_mode(models.FETCH_RAISE)
    ),
    authority_ids=IDS,
)
_region_counts_of = Compiled(
    lambda authority_ids, today: (
        with_region(
            SchoolFamily.objects.filter(school__authority_id__in=authority_ids).on_roll(today)
        )
        .values("school", "region")
        .annotate(n=Count("pk"))
        .order_by()
    ),
    # Planned for its values each time: one plan for an authority of one school and one of a
    # hundred and fifty took 17 ms where the second's own took 12, at 150 schools.
    prepare=False,
    authority_ids=IDS,
    today=datetime.date,
)
_balance_of = Compiled(
    lambda authority_ids, start, end: (
        ContactMonthRollup.objects.filter(
            school__authority_id__in=authority_ids, month__gte=start, month__lt=end
        )
        .values("school")
        .annotate(**{name: Sum(name) for name in BALANCE_FIELDS})
        .order_by()
    ),
    authority_ids=IDS,
    start=datetime.date,
    end=datetime.date,
)
_runs_of = Compiled(
    lambda authority_ids: ContactRollupRun.objects.filter(
        school__authority_id__in=authority_ids
    ).values_list("school", "refreshed_at"),
    authority_ids=IDS,
)


def _with_totals(matrix: list[list[int]]) -> list[list[int]]:
    matrix = [[*row, sum(row)] for row in matrix]
    return [*matrix, [sum(col) for col in zip(*matrix, strict=True)]] if matrix else matrix


def _balance_table(schools, counted: set[int], balance: dict, keys: list[str]) -> list[list]:
    """One contact table, suppressed over the schools with figures (and their total). The rows
    of schools not yet added up read NOT_YET_AVAILABLE, and so does the total while any school
    is missing from it (a total of some schools would be wrong)."""
    with_figures = [s for s in schools if s.pk in counted]
    shown = suppress_table(
        _with_totals([[balance.get(s.pk, {}).get(k, 0) for k in keys] for s in with_figures])
    )
    by_school = dict(zip([s.pk for s in with_figures], shown, strict=False))
    unknown = [NOT_YET_AVAILABLE] * (len(keys) + 1)
    total = shown[-1] if shown and len(with_figures) == len(schools) else unknown
    return [by_school.get(s.pk, unknown) for s in schools] + [total]


def authority_tables(authority_ids: set[int], period: Period) -> dict:
    """The authority dashboard's two tables, suppressed: regions and contact balance."""
    schools = authority_schools(authority_ids)
    regions = regions_for(None)
    counts = authority_region_counts(authority_ids)
    balance = authority_balance(authority_ids, period)
    keys = [r.key for r in regions]
    keys += sorted({k for c in counts.values() for k in c} - set(keys) - {NOT_PLACED})
    keys.append(NOT_PLACED)
    labels = {r.key: r.label for r in regions} | {NOT_PLACED: NOT_PLACED_LABEL}

    region_matrix = _with_totals([[counts.get(s.pk, {}).get(k, 0) for k in keys] for s in schools])
    runs = authority_rollup_runs(authority_ids)
    tones = _balance_table(schools, set(runs), balance, ["positive", "neutral", "concern"])
    forms = _balance_table(schools, set(runs), balance, ["formal", "informal"])
    names = [s.name for s in schools] + ["All schools"]
    return {
        "schools": schools,
        "period": period,
        # The least recently added-up school's time: the figures hold every contact before it.
        "balance_as_of": min(runs.values()) if runs else None,
        "not_yet_counted": [s.name for s in schools if s.pk not in runs],
        "region_columns": [labels.get(k, k) for k in keys],
        "regions": list(zip(names, suppress_table(region_matrix), strict=True)),
        "tones": list(zip(names, tones, strict=True)),
        "formality": list(zip(names, forms, strict=True)),
    }
