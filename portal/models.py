"""Schools, their classes, and staff memberships with roles."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Authority(models.Model):
    """A local authority or multi-academy trust that several schools belong to."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        TRUST = "trust", "Trust"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.LOCAL_AUTHORITY)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self):
        return self.name


class School(models.Model):
    class Stage(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        SPECIAL = "special", "Special"
        SUPPORT_SERVICE = "support_service", "Support service"

    name = models.CharField(max_length=200)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="schools")
    stage = models.CharField(max_length=20, choices=Stage)
    staff_see_all_families = models.BooleanField(
        default=False,
        help_text="If ticked, teachers and support staff see every family of the school, "
        "not only the families of the pupils they teach or support.",
    )
    good_news_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="Prompt staff when one of their families has had no positive contact "
        "for this many weeks.",
    )
    placement_review_weeks = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
        help_text="Ask the key contact to review a family's compass placement after this "
        "many weeks.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="school_unique_name")
        ]

    def __str__(self):
        return self.name


class ClassGroup(models.Model):
    """A class or registration group, with the staff who teach or support it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="class_groups")
    name = models.CharField(max_length=50)
    year_group = models.CharField(max_length=20, help_text="e.g. P3, S2, Year 7, Nursery")
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="class_groups"
    )

    class Meta:
        ordering = ["year_group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="classgroup_unique_name")
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    STAFF = "staff", "Teacher or support staff"
    PASTORAL = "pastoral", "Pastoral or guidance"
    HEADTEACHER = "headteacher", "Headteacher or senior leader"
    AUTHORITY = "authority", "Authority officer"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A member of staff's place at one school, with the role that decides what they see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role)
    job_title = models.CharField(
        max_length=100,
        blank=True,
        help_text="As the family would know it, e.g. Class teacher, Home–school link worker.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="membership_unique_school")
        ]
        indexes = [
            models.Index(
                fields=["school", "role"],
                condition=Q(is_active=True),
                name="membership_active_role",
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.school} ({self.get_role_display()})"

    @property
    def title(self):
        """What to call this person's job on screen."""
        return self.job_title or self.get_role_display()


class FormSubmission(models.Model):
    """A create form's one-time token, spent by its first successful submission.

    A second submission with the same token (a double click, a resent request) creates nothing
    and goes to what the first one made. Old tokens are removed by the `form_submissions_clear`
    command. See portal/lib/once.py.
    """

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_submissions"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # What the first submission made, e.g. "families.contact", 42, and where to see it.
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f"{self.object_type or 'form'} {self.object_id or ''} ({self.created_at:%Y-%m-%d})"
