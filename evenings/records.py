"""What parents' evenings keep about a family, registered for the audit page, retention and
erasure, and the subject access copy (portal.family_records): each appointment booked."""

from __future__ import annotations

from django.utils import timezone

from evenings.models import Booking
from portal.family_records import (
    ROUTINE,
    Asker,
    Erasure,
    Export,
    ExportPart,
    FamilyRecord,
    register,
)
from portal.lib.words import day, staff_name_or_blank


def _when(booking: Booking) -> str:
    return f"{day(booking.starts_at)}, {timezone.localtime(booking.starts_at):%H:%M}"


def bookings_export(asker: Asker) -> ExportPart:
    """The parent's own appointments at this school's parents' evenings."""
    rows = list(
        Booking.objects.filter(evening__school=asker.school, parent=asker.parent)
        .select_related("evening", "slot__staff")
        .order_by("starts_at")
    )
    part = ExportPart(records=[])
    for b in rows:
        part.records.append(
            {
                "What": f"An appointment at {b.evening.name}",
                "When": _when(b),
                "With": staff_name_or_blank(b.slot.staff),
                "How": b.get_way_display(),
                "Interpreter": b.interpreter,
                "Supporter": b.supporter,
                "Your note": b.note,
                "Cancelled": day(b.cancelled_at) if b.cancelled_at else "",
                "Came": b.get_outcome_display() if b.outcome else "",
            }
        )
    part.covered = rows
    return part


def register_records() -> None:
    register(
        FamilyRecord(
            "evenings.Booking",
            "Parents' evening appointment",
            family_lookup="family_id",
            school_lookup="evening__school_id",
            order=75,
            name=lambda r: f"Parents' evening appointment, {_when(r)}",
            erasures=(
                Erasure(
                    "evening_bookings",
                    "Parents' evening appointments",
                    ROUTINE,
                    order=48,
                    records=lambda s: Booking._base_manager.filter(evening__school=s),
                ),
            ),
            export=Export("Your parents' evening appointments", bookings_export, order=75),
            unsigned_author="The parent or carer (through their link)",
        )
    )
