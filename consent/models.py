"""Consent to share: who gave it (a parent or carer, or the young person), when, to share what
with whom, until when; and its withdrawal, recorded beside it, never deleted."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from families.models import Child, Family, ParentCarer
from portal.lib.records import KeptHistoricalRecords
from portal.models import School


class Category(models.TextChoices):
    """What may be shared: kinds of information, in the words a family would use."""

    ATTENDANCE = "attendance", "Attendance"
    PROGRESS = "progress", "Learning and progress"
    WELLBEING = "wellbeing", "Wellbeing and pastoral notes"
    HEALTH = "health", "Health and medical needs"
    SUPPORT = "support", "Additional support needs and plans"
    BEHAVIOUR = "behaviour", "Behaviour"
    FAMILY = "family", "Family circumstances"
    MEETINGS = "meetings", "Meeting records and agreed steps"


class ConsentQuerySet(models.QuerySet):
    def for_family(self, school: School, family_id: int) -> ConsentQuerySet:
        """One family's consents at one school, newest first, with who gave and recorded them."""
        return (
            self.filter(school=school, family_id=family_id)
            .select_related("given_by_parent", "given_by_child", "recorded_by", "withdrawal_by")
            .order_by("-given_on", "-pk")
        )


def organisation_key(name: str) -> str:
    """An organisation's name as compared: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


class Consent(models.Model):
    """One consent to share information with one organisation; history kept."""

    class How(models.TextChoices):
        WRITING = "writing", "In writing (signed form or letter)"
        EMAIL = "email", "By e-mail or message"
        SPOKEN = "spoken", "Spoken (in person or by phone), noted by staff"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="consents")
    # Exactly one of the two: a parent or carer, or the young person themself.
    given_by_parent = models.ForeignKey(
        ParentCarer, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    given_by_child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    given_by_name = models.CharField(
        "given by", max_length=200, help_text="Kept as words, should the person's record go."
    )
    given_on = models.DateField("given on", default=timezone.localdate)
    how = models.CharField("how it was given", max_length=10, choices=How, default=How.WRITING)
    categories = models.JSONField("what may be shared", default=list)
    details = models.TextField(
        "anything more",
        blank=True,
        max_length=1000,
        help_text="What is included or left out, in the family's words if possible.",
    )
    organisation = models.CharField(
        "with whom (organisation)",
        max_length=200,
        help_text="The agency or organisation, as it is named on meeting plans, "
        "e.g. “Castlebrae Health Centre”.",
    )
    team_or_role = models.CharField(
        "team or worker", max_length=200, blank=True, help_text="e.g. Health visitor team."
    )
    until = models.DateField(
        "until",
        null=True,
        blank=True,
        help_text="The last day it covers. Leave empty if it lasts until withdrawn "
        "(then review it at least once a year).",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Withdrawal: the consent stays, with when it was withdrawn, by whom and why.
    withdrawn_on = models.DateField("withdrawn on", null=True, blank=True)
    withdrawn_by_name = models.CharField("withdrawn by", max_length=200, blank=True)
    withdrawn_reason = models.TextField("why", max_length=1000, blank=True)
    withdrawal_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="withdrawal recorded by",
    )
    withdrawal_at = models.DateTimeField("withdrawal recorded at", null=True, blank=True)

    objects = ConsentQuerySet.as_manager()
    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["-given_on", "-pk"]
        indexes = [models.Index(fields=["school", "family"], name="consent_family")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(given_by_parent__isnull=True)
                | models.Q(given_by_child__isnull=True),
                name="consent_one_giver",
            )
        ]

    def __str__(self):
        return f"Consent to share with {self.organisation} (given {self.given_on:%d %b %Y})"

    @property
    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [labels[key] for key in Category.values if key in self.categories]

    def state(self, today: datetime.date | None = None) -> str:
        """ "withdrawn", "expired" (past its last day) or "current"."""
        today = today or timezone.localdate()
        if self.withdrawn_on is not None:
            return "withdrawn"
        if self.until is not None and self.until < today:
            return "expired"
        return "current"

    @property
    def is_current(self) -> bool:
        return self.state() == "current"

    def covers(self, organisation: str) -> bool:
        return organisation_key(self.organisation) == organisation_key(organisation)

    def clean(self):
        errors = {}
        if bool(self.given_by_parent_id) == bool(self.given_by_child_id) and not (
            self.given_by_name and self.pk
        ):
            errors["given_by_name"] = "Choose who gave consent: a parent or carer, or the pupil."
        unknown = set(self.categories) - set(Category.values)
        if not self.categories or unknown:
            errors["categories"] = "Choose at least one kind of information that may be shared."
        if self.until and self.given_on and self.until < self.given_on:
            errors["until"] = "The end date is before the day consent was given."
        if self.given_on and self.given_on > timezone.localdate():
            errors["given_on"] = "Consent cannot be recorded as given in the future."
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            errors["withdrawn_on"] = "Consent cannot be withdrawn before it was given."
        if errors:
            raise ValidationError(errors)
