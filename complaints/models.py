"""A concern a parent or carer raised with the school, its point of contact, personal reply and
outcome, and the meeting arranged to resolve it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from complaints.queries import ComplaintQuerySet
from portal.lib.records import KeptHistoricalRecords, Withdrawable, current_manager


class Complaint(Withdrawable):
    """A concern a parent or carer raised with the school, handled by talking, with one point
    of contact, a personal reply, and what the school changed as a result."""

    class Received(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone call"
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESPONDED = "responded", "Responded"
        RESOLVED = "resolved", "Resolved"

    school = models.ForeignKey("portal.School", on_delete=models.CASCADE, related_name="complaints")
    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="complaints"
    )
    raised_by = models.ForeignKey(
        "families.ParentCarer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_raised",
        help_text="The parent or carer who raised it.",
    )
    raised_by_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="Or, if it was someone else, their name and who they are to the family.",
    )
    about = models.TextField(
        max_length=4000, help_text="What the complaint is about, in their words."
    )
    received_at = models.DateTimeField()
    received_how = models.CharField(max_length=12, choices=Received, default=Received.IN_PERSON)
    point_of_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="complaints_to_answer",
        help_text="The one member of staff the parent deals with about this.",
    )
    what_would_help = models.TextField(
        max_length=4000, blank=True, help_text="What the parent says would help (ask at once)."
    )
    school_can_offer = models.TextField(max_length=4000, blank=True)
    apology_given = models.BooleanField(default=False)
    apology = models.TextField(max_length=2000, blank=True)
    first_response_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the point of contact first spoke or wrote to the parent personally.",
    )
    reply = models.TextField(max_length=6000, blank=True, verbose_name="personal reply")
    replied_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(max_length=4000, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    what_changed = models.TextField(
        max_length=4000, blank=True, verbose_name="what we changed as a result"
    )
    what_changed_shareable = models.BooleanField(
        default=False, help_text="What we changed may be shared back with the parent."
    )
    what_changed_shared_on = models.DateField(null=True, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Withdrawn complaints drop out of every query through `objects`; `all_objects` keeps them.
    objects = current_manager(ComplaintQuerySet)  # type: ignore[django-manager-missing]
    all_objects = ComplaintQuerySet.as_manager()
    history = KeptHistoricalRecords(table_name="meetings_historicalcomplaint")

    class Meta:
        # The table keeps the name it had when complaints lived in meetings/.
        db_table = "meetings_complaint"
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["school", "status", "received_at"], name="complaint_school_status"
            ),
            models.Index(fields=["school", "point_of_contact", "status"], name="complaint_contact"),
            models.Index(fields=["school", "received_at"], name="complaint_school_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True)
                | Q(first_response_at__gte=F("received_at")),
                name="complaint_response_after_receipt",
            ),
        ]

    def __str__(self):
        return f"Complaint from {self.family} ({self.received_at:%d %b %Y})"
