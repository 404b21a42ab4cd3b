"""The authority's figures: each school of the officer's authorities and the total, as counts
only, with small numbers suppressed. One query per table, whatever the number of schools: the
regions from each family's current region (SchoolFamily.current_region), the contact balance
from the monthly rollups, so neither grows with the number of contacts or placements."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Min, Sum

from compass.dashboard import NOT_PLACED, NOT_PLACED_LABEL, regions_for, with_region
from families.models import SchoolFamily
from portal.lib.terms import Period
from portal.models import School

# The one arrow from a feature app into scale: the precomputed contact figures live there
# (see the README, "Scale and performance").
from scale.models import ContactMonthRollup

SUPPRESS_BELOW = 5


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
    return list(
        School.objects.filter(authority_id__in=authority_ids)
        .select_related("authority")
        .order_by("authority__name", "name")
        .fetch_mode(models.FETCH_RAISE)
    )


def authority_region_counts(authority_ids: set[int]) -> dict[int, dict[str, int]]:
    """{school id: {region key: families}} across the authorities, in one query."""
    rows = (
        with_region(SchoolFamily.objects.filter(school__authority_id__in=authority_ids))
        .values("school", "region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row["school"], {})[row["region"] or NOT_PLACED] = row["n"]
    return result


BALANCE_FIELDS = ("positive", "neutral", "concern", "formal", "informal", "total")


def authority_balance(authority_ids: set[int], period: Period) -> dict[int, dict]:
    """{school id: contacts in the period by tone and formality}, summed from the monthly
    rollups (scale.models.ContactMonthRollup, refreshed by a task), not counted from contacts:
    a few rows per school and month, however many contacts there are. Periods start and end on
    the first of a month, so whole months add up to the period exactly."""
    rows = (
        ContactMonthRollup.objects.filter(
            school__authority_id__in=authority_ids,
            month__gte=period.start,
            month__lt=period.end,
        )
        .values("school")
        .annotate(**{name: Sum(name) for name in BALANCE_FIELDS})
        .order_by()
    )
    return {row["school"]: row for row in rows}


def authority_balance_as_of(authority_ids: set[int]):
    """When the least recently refreshed school's rollup was worked out: the contact figures
    include every contact recorded before then. None if no rollup has been made yet."""
    return ContactMonthRollup.objects.filter(school__authority_id__in=authority_ids).aggregate(
        at=Min("refreshed_at")
    )["at"]


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

    def with_totals(matrix):
        matrix = [[*row, sum(row)] for row in matrix]
        return [*matrix, [sum(col) for col in zip(*matrix, strict=True)]] if matrix else matrix

    region_matrix = with_totals([[counts.get(s.pk, {}).get(k, 0) for k in keys] for s in schools])
    tone_keys, form_keys = ["positive", "neutral", "concern"], ["formal", "informal"]
    tone_matrix = with_totals(
        [[balance.get(s.pk, {}).get(k, 0) for k in tone_keys] for s in schools]
    )
    form_matrix = with_totals(
        [[balance.get(s.pk, {}).get(k, 0) for k in form_keys] for s in schools]
    )
    names = [s.name for s in schools] + ["All schools"]
    return {
        "schools": schools,
        "period": period,
        "balance_as_of": authority_balance_as_of(authority_ids),
        "region_columns": [labels.get(k, k) for k in keys],
        "regions": list(zip(names, suppress_table(region_matrix), strict=True)),
        "tones": list(zip(names, suppress_table(tone_matrix), strict=True)),
        "formality": list(zip(names, suppress_table(form_matrix), strict=True)),
    }
