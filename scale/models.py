"""Precomputed figures that are too costly to aggregate on every page view."""

from django.db import models

from portal.models import School


class ContactMonthRollup(models.Model):
    """One school's contacts in one calendar month, by tone and formality.

    Refreshed by the `rollup_refresh` task (scale.tasks), never edited by hand; the authority
    figures can read a few hundred of these rows instead of millions of contacts.
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

    def __str__(self):
        return f"{self.school}: contacts added up {self.refreshed_at:%d %b %Y %H:%M}"
