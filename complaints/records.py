"""The complaints kept about a family, registered for the audit page, retention and erasure,
and the subject access copy (portal.family_records)."""

from __future__ import annotations

from complaints.models import Complaint
from portal import access
from portal.family_records import (
    ROUTINE,
    Asker,
    Erasure,
    Export,
    ExportPart,
    FamilyRecord,
    register,
)
from portal.lib.words import day, record_in_words, staff_name_or_blank

COMPLAINT_FIELDS = [
    "received_at",
    "received_how",
    "about",
    "what_would_help",
    "school_can_offer",
    "apology_given",
    "apology",
    "first_response_at",
    "reply",
    "replied_on",
    "outcome",
    "status",
    "what_changed",
]


def complaints_export(asker: Asker) -> ExportPart:
    """The complaints this person raised (those raised by others are theirs)."""
    complaints = list(
        Complaint._base_manager.filter(
            school=asker.school, family=asker.family, raised_by=asker.parent
        )
        .select_related("point_of_contact")
        .order_by("received_at", "pk")
    )
    return ExportPart(
        records=[
            {
                **record_in_words(c, COMPLAINT_FIELDS),
                "Point of contact": staff_name_or_blank(c.point_of_contact),
            }
            for c in complaints
        ],
        covered=complaints,
    )


def register_records() -> None:
    register(
        FamilyRecord(
            "complaints.Complaint",
            "Complaint",
            family_lookup="family_id",
            school_lookup="school_id",
            order=40,
            name=lambda r: f"Complaint received {day(r.received_at)}",
            page=("complaints:complaint-detail", "id"),
            # Complaints are sensitive: only those who handle them read their values.
            readers=access.handles_complaints,
            erasures=(
                Erasure(
                    "complaints",
                    "Complaints",
                    ROUTINE,
                    order=40,
                    records=lambda s: Complaint._base_manager.filter(school=s),
                ),
            ),
            export=Export("Complaints", complaints_export, order=40),
        )
    )
