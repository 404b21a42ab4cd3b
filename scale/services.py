"""Writes for precomputed figures: the monthly contact rollup of each school."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from families.models import Contact, Tone, not_yet_on_roll
from portal.models import School
from scale.models import ContactMonthRollup, ContactRollupRun


@transaction.atomic
def rollup_refresh(*, school: School) -> int:
    """Recompute the school's monthly contact rollup from its contacts in one aggregate query;
    months that no longer have contacts are removed, and the school's run is noted (so a school
    with no contacts reads as counted, not as not yet available). Returns the months kept."""
    months = (
        Contact.objects.filter(school=school)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .order_by("month")
        .annotate(
            total=Count("pk"),
            positive=Count("pk", filter=Q(tone=Tone.POSITIVE)),
            neutral=Count("pk", filter=Q(tone=Tone.NEUTRAL)),
            concern=Count("pk", filter=Q(tone=Tone.CONCERN)),
            formal=Count("pk", filter=Q(formality=Contact.Formality.FORMAL)),
            informal=Count("pk", filter=Q(formality=Contact.Formality.INFORMAL)),
            # A family whose children are all still to start is not yet on the roll.
            families=Count("family", distinct=True, filter=~not_yet_on_roll()),
        )
    )
    rows = [
        ContactMonthRollup(school=school, month=row.pop("month").date(), **row) for row in months
    ]
    for row in rows:
        row.full_clean(validate_unique=False, validate_constraints=False)
    ContactMonthRollup.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["school", "month"],
        update_fields=[
            "total",
            "positive",
            "neutral",
            "concern",
            "formal",
            "informal",
            "families",
            "refreshed_at",
        ],
    )
    ContactMonthRollup.objects.filter(school=school).exclude(
        month__in=[row.month for row in rows]
    ).delete()
    ContactRollupRun.objects.update_or_create(
        school=school, defaults={"refreshed_at": timezone.now()}
    )
    return len(rows)
