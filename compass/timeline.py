"""Compass placements as entries in the family's chronology."""

from __future__ import annotations

from compass.models import Placement
from families.extensions import TimelineEntry, page_rows
from portal import access

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
    for p in placements:
        p.can_withdraw = access.may_withdraw_record(
            request.user, request.school, author_ids=[p.placed_by_id]
        )
    withdrawn = (
        Placement.all_objects.filter(school_family=school_family, withdrawn_at__isnull=False)
        .select_related("withdrawn_by")
        .order_by("-placed_at", "-pk")[:limit]
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
