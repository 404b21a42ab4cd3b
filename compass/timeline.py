"""Compass placements as entries in the family's chronology."""

from __future__ import annotations

from compass.models import Placement, placements_as_read_by, with_parents
from families.extensions import ExportRow, Period, TimelineEntry, names, page_rows
from portal import access
from portal.compiled import SHAPE, Compiled, any_many_to_many
from portal.lib.staff import person_columns, shared_people, staff_name

KIND = "placement"
KIND_LABEL = "Compass placement"
HIDDEN_TEXT = "What was written is shared with fewer people and is not shown to you."
# The placements the family page's compass block shows. The chronology reads at least as many
# over all time, so the block takes its rows from that one read instead of a second.
SECTION_LIMIT = 50
PLACEMENT_PEOPLE = ("placed_by", "withdrawn_by")


def _latest_placements(
    request, school_family, limit: int, period: Period | None = None
) -> list[Placement]:
    """The family's latest placements (within `period` if given), withdrawn ones included,
    newest first: read once per request (two queries) and shared by the compass block and the
    chronology."""
    period = period or Period()
    rows = page_rows(
        request,
        f"compass.placements.{school_family.pk}{period.key()}",
        limit if period else max(limit, SECTION_LIMIT),
        # What is written is blanked here, once, for whoever is asking: every view of these
        # rows (the compass block, the chronology, its print and CSV) shows only what they
        # may read.
        lambda n: placements_as_read_by(
            request.user,
            request.school,
            with_parents(
                shared_people(
                    _placements_of(school_family_id=school_family.pk, n=n), *PLACEMENT_PEOPLE
                )
            )
            if not period
            else list(
                period.narrow(
                    Placement.all_objects.for_family_page(school_family), "placed_at"
                ).select_related("withdrawn_by")[:n]
            ),
        ),
    )
    return rows[:limit]


# The family page's placements, over all time: built once per process (portal.compiled).
_placements_of = Compiled(
    lambda school_family_id, n: (
        Placement.all_objects.for_family_page(school_family_id, parents=False)
        # Who placed and who withdrew each: their names' columns, one user made for each
        # person (shared_people), not one for every row as select_related would.
        .select_related(None)
        .annotate(**person_columns(*PLACEMENT_PEOPLE))
        # Most placements are about the family as a whole: their parents are not asked for.
        .annotate(has_parents=any_many_to_many(Placement, "parents"))[:n]
    ),
    school_family_id=int,
    n=SHAPE,
)


def family_placements(request, school_family, limit: int) -> list[Placement]:
    """The standing (not withdrawn) placements among the family's latest `limit`, newest
    first. The family page has checked access."""
    return [p for p in _latest_placements(request, school_family, limit) if not p.is_withdrawn]


def _rows(placement: Placement) -> list[ExportRow]:
    """A placement as a row of the chronology's CSV."""
    p = placement
    summary = (
        f"{p.region_label}: communication {p.communication}, access {p.access}, "
        f"attitude {p.attitude}; {p.get_level_display().lower()} level."
    )
    if getattr(p, "text_hidden", False):
        summary += f" {HIDDEN_TEXT}"
    else:
        summary += f" Evidence: {p.evidence}"
    if p.has_parent_view:
        summary += f" The parent's own view: {p.parent_region_label}"
        if p.parent_words:
            summary += f" ({p.parent_words})"
    return [
        ExportRow(
            kind=KIND_LABEL,
            when=p.placed_at,
            who=staff_name(p.placed_by),
            with_=names(x.full_name for x in p.parents.all()) or "The family as a whole",
            summary=summary,
        )
    ]


def placement_entries(
    request, school_family, limit: int, period: Period | None = None
) -> list[TimelineEntry]:
    """The family's latest placements at this school, newest first; withdrawn ones as a
    collapsed entry with the reason."""
    latest = _latest_placements(request, school_family, limit, period)
    placements = [p for p in latest if not p.is_withdrawn]
    withdrawn = [p for p in latest if p.is_withdrawn]
    for p in placements:
        p.can_withdraw = access.may_withdraw_record(
            request.user, request.school, author_ids=[p.placed_by_id]
        )
    return [
        TimelineEntry(
            when=p.placed_at,
            kind=KIND,
            kind_label=KIND_LABEL,
            template="compass/placement_timeline_entry.html",
            obj=p,
            export=lambda p=p: _rows(p),
        )
        for p in placements
    ] + [
        TimelineEntry(
            when=p.placed_at,
            kind=KIND,
            kind_label=KIND_LABEL,
            template="includes/withdrawn_entry.html",
            obj=p,
            withdrawn=True,
        )
        for p in withdrawn
    ]
