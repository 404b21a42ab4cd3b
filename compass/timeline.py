"""Compass placements as entries in the family's chronology."""

from __future__ import annotations

from compass.models import Placement
from families.extensions import TimelineEntry

KIND = "placement"
KIND_LABEL = "Compass placement"


def placement_entries(request, school_family, limit: int) -> list[TimelineEntry]:
    """The family's latest placements at this school, newest first, in two queries."""
    placements = (
        Placement.objects.visible_to(request.user, school_family.school)
        .filter(school_family=school_family)
        .for_family_page(school_family)[:limit]
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
    ]
