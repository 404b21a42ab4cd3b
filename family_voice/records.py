"""Parents' links, registered for the family audit page (portal.family_records): each one made,
opened, answered wrongly, locked or stopped shows there as a change to the link."""

from __future__ import annotations

from family_voice.models import ParentLink
from portal.family_records import ROUTINE, Erasure, FamilyRecord, register
from portal.lib.words import day


def register_records() -> None:
    register(
        FamilyRecord(
            "family_voice.ParentLink",
            "Parent's link",
            family_lookup="family_id",
            school_lookup="school_id",
            order=60,
            name=lambda r: f"Link for a parent or carer, made {day(r.created_at)}",
            page=("families:family-detail", "family_id"),
            erasures=(
                Erasure(
                    "parent_links",
                    "Parents' links",
                    ROUTINE,
                    order=45,
                    records=lambda s: ParentLink.objects.filter(school=s),
                ),
            ),
        )
    )
