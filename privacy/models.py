"""Retention policies, legal holds and the erasure log.

Two retention periods apply to a family's records at a school (defaults and their sources are
in docs/security.md and docs/data-protection.md):
- *routine* records (ordinary contacts, compass placements, complaints, ordinary meetings) are
  kept for `routine_years` after the last of the family's children at the school left;
- records with *child-protection relevance* (contacts and meetings shared more narrowly than the
  whole school, i.e. confidentiality "pastoral" or "named", and multi-agency meetings) are kept
  until the youngest of those children is `protection_years` old, then reviewed.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

DEFAULT_ROUTINE_YEARS = 2
DEFAULT_PROTECTION_YEARS = 25


class RetentionPolicy(models.Model):
    """How long one school keeps a family's records after its children leave."""

    school = models.OneToOneField(
        "portal.School", on_delete=models.CASCADE, related_name="retention_policy"
    )
    routine_years = models.PositiveSmallIntegerField(
        "routine records: years after the last child leaves",
        default=DEFAULT_ROUTINE_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Ordinary contacts, compass placements, complaints and ordinary meetings. "
        "Between 1 and 10 years; the default is 2.",
    )
    protection_years = models.PositiveSmallIntegerField(
        "child-protection records: years after the youngest child's date of birth",
        default=DEFAULT_PROTECTION_YEARS,
        validators=[MinValueValidator(25), MaxValueValidator(40)],
        help_text="Contacts and meetings shared only with the pastoral team or named staff, and "
        "multi-agency meetings. At least 25 (date of birth + 25 years, then review).",
    )
    notes = models.TextField(
        "why these periods",
        blank=True,
        max_length=2000,
        help_text="Optional: the school's or authority's reason, e.g. the local records policy.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "retention policy"
        verbose_name_plural = "retention policies"

    def __str__(self):
        return f"Retention at {self.school}"

    @classmethod
    def for_school(cls, school) -> RetentionPolicy:
        """The school's policy, or the defaults (unsaved) if it has not set one."""
        return cls.objects.filter(school=school).first() or cls(school=school)


class LegalHoldQuerySet(models.QuerySet):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """A hold on a family's records (e.g. a claim, an inquiry or a court case): while it is in
    place nothing of the family is erased, at any school."""

    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="legal_holds"
    )
    school = models.ForeignKey("portal.School", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(
        "why the records must be kept",
        max_length=1000,
        help_text="e.g. “Letter from the council's legal team about a claim, 3 March 2026”. "
        "Say what it is and where it comes from; no names are needed.",
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField("why it is lifted", max_length=300, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "school"],
                condition=Q(lifted_at__isnull=True),
                name="legalhold_one_active_per_school",
            )
        ]

    def __str__(self):
        return f"Legal hold on family #{self.family_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class ErasureRun(models.Model):
    """One erasure of records past retention: from the retention page by the headteacher, or
    `manage.py retention_review --erase --confirm`."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField(help_text="The day retention was worked out for.")
    started_by = models.CharField(
        max_length=150, help_text="The operating-system user or account that ran it."
    )
    started_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="run from the portal by",
        help_text="The headteacher who erased from the retention page; empty for the command.",
    )
    school = models.ForeignKey(
        "portal.School",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the run covered every school.",
    )
    erased = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"Erasure run #{self.pk} on {self.started_at:%d %b %Y}"

    def counts(self) -> list[tuple[str, int]]:
        """How many records of each kind the run erased, kinds in words (most first)."""
        rows = self.rows.values("kind").annotate(n=models.Count("pk")).order_by("-n", "kind")
        return [(_kind_in_words(row["kind"]), row["n"]) for row in rows]

    def family_count(self) -> int:
        return self.rows.values("family_id").distinct().count()


def _kind_in_words(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural).capitalize()
    except (LookupError, ValueError):
        return label


class ErasureLog(models.Model):
    """One erased record: its kind and id, the school and family ids and the run. Never the
    record's content or anyone's name."""

    class Stage(models.TextChoices):
        ROUTINE = "routine", "Routine records past their period"
        PROTECTION = "protection", "Child-protection records past their period"
        FAMILY = "family", "The family's remaining records"

    run = models.ForeignKey(ErasureRun, on_delete=models.PROTECT, related_name="rows")
    kind = models.CharField(max_length=100, help_text="The model label, e.g. families.Contact.")
    object_id = models.PositiveBigIntegerField()
    school = models.ForeignKey(
        "portal.School", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Plain ids, like the access log's: the row outlives the family.
    family_id = models.PositiveBigIntegerField()
    stage = models.CharField(max_length=12, choices=Stage)
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-erased_at", "-pk"]
        indexes = [models.Index(fields=["family_id"], name="erasurelog_family")]

    def __str__(self):
        return f"{self.kind} #{self.object_id} erased"
