"""What staff keep up to date in the portal: restrictions as records (their words, source and
date, and who lifted them, when and why), and which fields of a child, a parent or carer or a
parent–child link staff changed, so that a later import leaves them (families/importer.py).
Kept apart from families/models.py (imported there); written by families/upkeep.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.lib.records import KeptHistoricalRecords


class RestrictionQuerySet(models.QuerySet):
    def current(self) -> RestrictionQuerySet:
        return self.filter(lifted_at__isnull=True)


class Restriction(models.Model):
    """A restriction recorded on one parent–child link: what it says, where it comes from and
    its date; lifted (never deleted) with when, why and by whom. The link's `restriction` text
    holds the current words, which every page and letter reads."""

    class Source(models.TextChoices):
        COURT_ORDER = "court_order", "Court order"
        CHILDRENS_HEARING = "childrens_hearing", "Children's hearing"
        SOCIAL_WORK = "social_work", "Social work"
        POLICE = "police", "Police"
        OTHER = "other", "Other"

    link = models.ForeignKey(
        "families.ChildParent", on_delete=models.CASCADE, related_name="restrictions"
    )
    words = models.TextField(
        "what it says",
        max_length=1000,
        help_text="What the person may and may not be told or do, in the order's own words "
        "where you can.",
    )
    # Blank for a restriction recorded before the portal kept its source (admin or an import).
    source = models.CharField("where it comes from", max_length=20, choices=Source, blank=True)
    source_detail = models.CharField(
        "which court, service or person",
        max_length=200,
        blank=True,
        help_text="e.g. “Sheriff Court, Edinburgh” or the social worker's name.",
    )
    dated = models.DateField("date of the order or decision", null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_on = models.DateField("lifted from", null=True, blank=True)
    lifted_reason = models.CharField("why it is lifted", max_length=300, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RestrictionQuerySet.as_manager()
    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(
                fields=["link"],
                condition=models.Q(lifted_at__isnull=True),
                name="restriction_current",
            )
        ]

    def __str__(self):
        return f"Restriction on {self.link}"

    @property
    def is_lifted(self) -> bool:
        return self.lifted_at is not None


class StaffChange(models.Model):
    """One field staff changed (or entered) in the portal; a later import keeps the portal's
    value and reports the difference instead of overwriting it."""

    class Record(models.TextChoices):
        CHILD = "child", "Child"
        PARENT = "parent", "Parent or carer"
        LINK = "link", "Parent–child link"

    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="staff_changes"
    )
    record = models.CharField(max_length=10, choices=Record)
    record_id = models.PositiveBigIntegerField()
    field = models.CharField(max_length=50)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record", "record_id", "field"], name="staffchange_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_record_display()} #{self.record_id}: {self.field}"
