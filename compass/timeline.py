"""Compass placements as entries in the family's chronology."""

from __future__ import annotations

from compass.models import Placement
from families.extensions import TimelineEntry, page_rows

KIND = "placement"
KIND_LABEL = "Compass placement"


def family_placements(request, school_family, limit: int) -> list[Placement]:
    """The family's latest placements, newest first, read once per request (two queries) and
    shared by the compass block and the chronology. The family page has checked access."""
    return page_rows(
        request,
        f"compass.placements.{school_family.pk}",
        limit,
        lambda n: Placement.objects.for_family_page(school_family)[:n],
    )


def placement_entries(request, school_family, limit: int) -> list[TimelineEntry]:
    """The family's latest placements at this school, newest first."""
    placements = family_placements(request, school_family, limit)
    return [
        TimelineEntry(
            when=p.placed_at,
            kind=KIND,
            kind_label=KIND_LABEL,
            template="compass/placement_timeline_entry.html",
            obj=p,
        )
        for p in placements
    ]
