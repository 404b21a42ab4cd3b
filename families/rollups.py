"""The monthly contact rollup: each school's contacts counted by month, tone and formality, so
the authority figures read a few hundred rows instead of millions of contacts. Kept apart from
families/models.py (imported there) because it is a precomputed figure, not a record about a
family. Its tables keep the names they had in scale/ (scale_contactmonthrollup,
scale_contactrolluprun)."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from portal.models import School


class ContactMonthRollup(models.Model):
    """One school's contacts in one calendar month, by tone and formality.

    Refreshed by the `rollup_refresh_school` task (families.tasks), never edited by hand; the
    authority figures can read a few hundred of these rows instead of millions of contacts.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="contact_rollups")
    month = models.DateField(help_text="The first day of the month.")
    total = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    concern = models.PositiveIntegerField(default=0)
    formal = models.PositiveIntegerField(default=0)
    informal = models.PositiveIntegerField(default=0)
    families = models.PositiveIntegerField(
        default=0, help_text="How many different families were in contact that month."
    )
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "scale_contactmonthrollup"
        ordering = ["school", "month"]
        constraints = [
            models.UniqueConstraint(fields=["school", "month"], name="contactrollup_unique_month")
        ]

    def __str__(self):
        return f"{self.school} {self.month:%b %Y}: {self.total} contacts"


class ContactRollupRun(models.Model):
    """When a school's contact rollup was last worked out, even if it found no contacts: until
    a school has one, its contact figures are "not yet available", not zeros."""

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, primary_key=True, related_name="contact_rollup_run"
    )
    refreshed_at = models.DateTimeField()

    class Meta:
        db_table = "scale_contactrolluprun"

    def __str__(self):
        return f"{self.school}: contacts added up {self.refreshed_at:%d %b %Y %H:%M}"


@transaction.atomic
def rollup_refresh(*, school: School) -> int:
    """Recompute the school's monthly contact rollup from its contacts in one aggregate query;
    months that no longer have contacts are removed, and the school's run is noted (so a school
    with no contacts reads as counted, not as not yet available). Returns the months kept."""
    # Imported here: families/models.py imports this module to register its models.
    from families.models import Contact, Tone, not_yet_on_roll

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
        ContactMonthRollup(
            school=school,
            month=row["month"].date(),
            **{name: value for name, value in row.items() if name != "month"},
        )
        for row in months
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
