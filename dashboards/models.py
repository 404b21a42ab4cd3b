"""The senior team's self-evaluations and the target share of families in each compass region.
Moved from compass/ with their tables (compass_selfevaluation, compass_regiontarget), which keep
their names."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from portal.models import School


class SelfEvaluation(models.Model):
    """The senior team's reflection on its work with parents, and where it aims to be."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="self_evaluations")
    written_on = models.DateField(default=timezone.localdate)
    target_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The year by which the school aims to reach its target distribution.",
    )
    # question key -> answer text; the question keys live in dashboards/selfevaluation.py.
    answers = models.JSONField(default=dict, blank=True)
    # The figure progress is measured from: families in each region when the target was set
    # (region key -> count; "" for families not placed yet). Empty for records kept before it
    # was stored: their starting shares are then worked out from the placements of that day.
    baseline = models.JSONField(default=dict, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "compass_selfevaluation"
        ordering = ["-written_on", "-pk"]
        indexes = [models.Index(fields=["school", "-written_on"], name="selfevaluation_school")]

    def __str__(self):
        return f"Self-evaluation of {self.written_on:%d %b %Y}"


class RegionTarget(models.Model):
    """The share of families the school aims to have in one compass region by the target year."""

    evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.CASCADE, related_name="targets")
    region_key = models.SlugField(max_length=30, help_text="The same keys as Placement.region_key.")
    percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])

    class Meta:
        db_table = "compass_regiontarget"
        ordering = ["evaluation", "region_key"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "region_key"], name="regiontarget_unique")
        ]

    def __str__(self):
        return f"{self.region_key}: {self.percent}%"
