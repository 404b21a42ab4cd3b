"""The compass placements kept about a family, registered for the audit page, retention and
erasure, and the subject access copy (portal.family_records)."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from compass.models import Placement
from families.models import ParentCarer
from portal.family_records import (
    REVIEW_FLAG,
    ROUTINE,
    Asker,
    Erasure,
    Export,
    ExportPart,
    FamilyRecord,
    register,
)
from portal.lib.words import day, record_in_words, staff_name_or_blank

PLACEMENT_FIELDS = [
    "placed_at",
    "communication",
    "access",
    "attitude",
    "region_label",
    "evidence",
    "level",
    "next_communication",
    "next_access",
    "next_attitude",
]


def placements_export(asker: Asker) -> ExportPart:
    """The placements about this person alone, with others, or about the family as a whole."""
    parent = asker.parent
    placements = list(
        Placement._base_manager.filter(school=asker.school, family=asker.family)
        .filter(Q(parents=parent) | Q(parents__isnull=True))
        .select_related("placed_by")
        .prefetch_related(Prefetch("parents", ParentCarer.objects.only("pk")))
        .order_by("placed_at", "pk")
        .distinct()
    )
    part = ExportPart(records=[], covered=placements)
    for p in placements:
        record = {
            **record_in_words(p, PLACEMENT_FIELDS),
            "Placed by": staff_name_or_blank(p.placed_by),
        }
        parents = [x.pk for x in p.parents.all()]
        record["About"] = (
            "You"
            if parents == [parent.pk]
            else ("The family as a whole" if not parents else "You and others in the family")
        )
        # The parent's own view is theirs only when the placement is about them alone.
        if parents == [parent.pk] and p.parent_words:
            record["Your own view"] = p.parent_words
        if not parents and asker.unlinked and not asker.restricted:
            # A placement of the family as a whole is also about children this person has
            # no link to: the lead reads it before it goes.
            record[REVIEW_FLAG] = (
                "This placement is about the family as a whole, which includes children this "
                "person has no link to. Check it, and take this note out, before the copy is "
                "sent."
            )
            part.flagged += 1
        part.records.append(record)
    return part


def register_records() -> None:
    register(
        FamilyRecord(
            "compass.Placement",
            "Compass placement",
            family_lookup="family_id",
            school_lookup="school_id",
            order=20,
            name=lambda r: f"Compass placement on {day(r.placed_at)}",
            page=("compass:family-compass", "family_id"),
            erasures=(
                Erasure(
                    "placements",
                    "Compass placements",
                    ROUTINE,
                    order=30,
                    records=lambda s: Placement._base_manager.filter(school=s),
                ),
            ),
            export=Export("Compass placements", placements_export, order=30),
        )
    )
