"""Compass placements as entries in the family's chronology."""

from __future__ import annotations

from compass.models import Placement
from families.extensions import TimelineEntry, page_rows
from portal import access

KIND = "placement"
KIND_LABEL = "Compass placement"


def _latest_placements(request, school_family, limit: int) -> list[Placement]:
    """The family's latest placements, withdrawn ones included, newest first: read once per
    request (two queries) and shared by the compass block and the chronology."""
    return page_rows(
        request,
        f"compass.placements.{school_family.pk}",
        limit,
        lambda n: Placement.all_objects.for_family_page(school_family).select_related(
            "withdrawn_by"
        )[:n],
    )


def family_placements(request, school_family, limit: int) -> list[Placement]:
    """The standing (not withdrawn) placements among the family's latest `limit`, newest
    first. The family page has checked access."""
    return [p for p in _latest_placements(request, school_family, limit) if not p.is_withdrawn]


def placement_entries(request, school_family, limit: int) -> list[TimelineEntry]:
    """The family's latest placements at this school, newest first; withdrawn ones as a
    collapsed entry with the reason."""
    latest = _latest_placements(request, school_family, limit)
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
