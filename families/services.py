"""Writes that span several models: the contact log and the per-family summary it keeps."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from families.models import Contact, SchoolFamily, Tone
from portal.models import School


@transaction.atomic
def summaries_refresh(*, school: School) -> int:
    """Recompute every SchoolFamily summary of `school` from its contacts, in the database.

    Used after bulk loads (demo data, imports); day-to-day contacts update their own row.
    """
    contacts = Contact.objects.filter(school=school, family=OuterRef("family"))
    latest = contacts.order_by("-occurred_at", "-pk")
    counts = (
        Contact.objects.filter(school=school, family=OuterRef("family"))
        .values("family")
        .annotate(
            positive=Count("pk", filter=Q(tone=Tone.POSITIVE)),
            neutral=Count("pk", filter=Q(tone=Tone.NEUTRAL)),
            concern=Count("pk", filter=Q(tone=Tone.CONCERN)),
        )
    )
    return SchoolFamily.objects.filter(school=school).update(
        last_contact_at=Subquery(latest.values("occurred_at")[:1]),
        last_contact_tone=Coalesce(Subquery(latest.values("tone")[:1]), Value("")),
        last_positive_at=Subquery(latest.filter(tone=Tone.POSITIVE).values("occurred_at")[:1]),
        positive_count=Coalesce(Subquery(counts.values("positive")), 0),
        neutral_count=Coalesce(Subquery(counts.values("neutral")), 0),
        concern_count=Coalesce(Subquery(counts.values("concern")), 0),
    )
