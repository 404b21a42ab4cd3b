"""Parents' evenings: the event, its sittings, the staff taking part, the slots made from them,
who was invited, and each booking.

Slots are rows, made when the event is set up (evenings.services.slots_build), so that giving a
slot is one insert the database itself refuses twice: a booking holds its slot through a unique
constraint on the slot among live bookings, and a parent's bookings through one on their start
time. All of an event's slots start on one grid (its sittings, its slot length), so two of a
parent's bookings clash exactly when they start together.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from families.models import Child, Contact, Family, ParentCarer
from family_voice.models import ParentLink
from portal.lib.records import KeptHistoricalRecords
from portal.models import ClassGroup, School


class Way(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"


class EveningQuerySet(models.QuerySet):
    def for_school(self, school) -> EveningQuerySet:
        return self.filter(school=school)

    def upcoming(self, today: dt.date | None = None) -> EveningQuerySet:
        today = today or timezone.localdate()
        return self.filter(last_day__gte=today)


class Evening(models.Model):
    """One parents' evening: one or more sittings (an after-school one, an evening one, a
    Saturday morning), the staff taking part, and who is invited."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="evenings")
    name = models.CharField(max_length=120, help_text="e.g. Spring parents' evening, P1–P3.")
    about = models.TextField(
        "what it is for",
        max_length=1000,
        blank=True,
        help_text="A sentence or two parents will read, e.g. a chance to hear how your child "
        "is getting on and to ask anything.",
    )
    slot_minutes = models.PositiveSmallIntegerField(
        "minutes per appointment", default=10, help_text="Usually 5 to 15 minutes."
    )
    gap_minutes = models.PositiveSmallIntegerField(
        "minutes between appointments", default=0, help_text="Time for staff to write a note."
    )
    opens_at = models.DateTimeField(
        "booking opens", help_text="Parents can book from this moment (invitations say so)."
    )
    changes_until = models.DateTimeField(
        "last moment to book or change",
        help_text="After this, parents phone the school to change or cancel.",
    )
    year_groups = models.JSONField(
        "year groups invited", default=list, blank=True, help_text="e.g. P1, P2."
    )
    classes = models.ManyToManyField(
        ClassGroup, blank=True, related_name="+", verbose_name="classes invited"
    )
    office = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="evenings_run",
        verbose_name="who books for parents who phone",
        help_text="The school office staff who see the whole event and book on a parent's behalf.",
    )
    first_day = models.DateField(editable=False, null=True)
    last_day = models.DateField(editable=False, null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)

    objects = EveningQuerySet.as_manager()

    class Meta:
        ordering = ["-first_day", "name"]
        indexes = [models.Index(fields=["school", "last_day"], name="evening_school_day")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.opens_at and self.changes_until and self.changes_until <= self.opens_at:
            raise ValidationError(
                {"changes_until": "The last moment to book must be after booking opens."}
            )
        if self.slot_minutes is not None and not 3 <= self.slot_minutes <= 60:
            raise ValidationError({"slot_minutes": "Choose between 3 and 60 minutes."})
        if self.gap_minutes is not None and self.gap_minutes > 30:
            raise ValidationError({"gap_minutes": "Choose at most 30 minutes."})

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.changes_until

    def state(self, now: dt.datetime | None = None) -> str:
        """ "not yet open", "open", or "closed" (to parents; the office may still book)."""
        now = now or timezone.now()
        if now < self.opens_at:
            return "not_open"
        return "open" if now < self.changes_until else "closed"


class Sitting(models.Model):
    """One stretch of the event on one day, e.g. Tuesday 15:30–18:00, with the ways it offers."""

    evening = models.ForeignKey(Evening, on_delete=models.CASCADE, related_name="sittings")
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    in_person = models.BooleanField("in person", default=True)
    phone = models.BooleanField("by phone", default=True)
    video = models.BooleanField("by video call", default=False)
    place = models.CharField(
        max_length=200, blank=True, help_text="Where in the school, e.g. the main hall."
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="sitting_in_order"
            )
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%A %-d %B, %H:%M}–{timezone.localtime(self.ends_at):%H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                raise ValidationError({"ends_at": "The end must be after the start."})
            if timezone.localtime(self.ends_at).date() != timezone.localtime(self.starts_at).date():
                raise ValidationError({"ends_at": "A sitting starts and ends on the same day."})
        if not (self.in_person or self.phone or self.video):
            raise ValidationError("Offer at least one way to meet: in person, phone or video.")

    @property
    def ways(self) -> list[str]:
        return [
            w
            for w, on in (
                (Way.IN_PERSON, self.in_person),
                (Way.PHONE, self.phone),
                (Way.VIDEO, self.video),
            )
            if on
        ]


class Break(models.Model):
    """A pause in a sitting for everyone (a tea break), when no one is booked."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="breaks")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return f"Break {timezone.localtime(self.starts_at):%H:%M}"


class Taking(models.Model):
    """A member of staff taking part in an evening: where they sit, their video link, and
    whether every invited family may book them (a headteacher, a guidance teacher) or only the
    families of the pupils they teach."""

    evening = models.ForeignKey(Evening, on_delete=models.CASCADE, related_name="takings")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evening_takings"
    )
    room = models.CharField("where they sit", max_length=100, blank=True)
    video_link = models.URLField(
        "video call link",
        blank=True,
        help_text="The school's own video link for this person (the portal does not host video).",
    )
    for_everyone = models.BooleanField(
        "any invited family may book them",
        default=False,
        help_text="Leave unticked for class and subject teachers: only their pupils' families "
        "see them.",
    )

    class Meta:
        ordering = ["staff__last_name", "staff__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["evening", "staff"], name="taking_unique_staff")
        ]

    def __str__(self):
        return f"{self.staff} at {self.evening}"


def takings_for(bookings) -> dict[tuple[int, int], Taking]:
    """Where each booking's member of staff sits and their video link, by (evening, staff), in
    one query: for what a parent is sent (the message's lines, the calendar file)."""
    return {
        (t.evening_id, t.staff_id): t
        for t in Taking.objects.filter(
            evening_id__in={b.evening_id for b in bookings},
            staff_id__in={b.slot.staff_id for b in bookings},
        )
    }


class Slot(models.Model):
    """One appointment time with one member of staff. Blocked by them (`blocked`) or booked
    (a live Booking) or free."""

    evening = models.ForeignKey(Evening, on_delete=models.CASCADE, related_name="slots")
    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="slots")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evening_slots"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked = models.BooleanField("kept free by the member of staff", default=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["evening", "staff", "starts_at"], name="slot_unique_staff_time"
            )
        ]
        indexes = [models.Index(fields=["evening", "starts_at"], name="slot_evening_time")]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%a %H:%M} with {self.staff}"


class InvitationQuerySet(models.QuerySet):
    def not_booked(self) -> InvitationQuerySet:
        live = Booking.objects.filter(
            evening=models.OuterRef("evening"), family=models.OuterRef("family"), cancelled_at=None
        )
        return self.filter(~models.Exists(live))


class Invitation(models.Model):
    """One parent or carer invited to one evening. They book through their own link (purpose
    "evening"), made when a message to them is sent, so it is theirs alone."""

    evening = models.ForeignKey(Evening, on_delete=models.CASCADE, related_name="invitations")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        ParentCarer, on_delete=models.CASCADE, related_name="evening_invitations"
    )
    children = models.ManyToManyField(Child, related_name="+")
    # The latest link sent to them for it; any working evening link of theirs opens the page.
    link = models.ForeignKey(
        ParentLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why no invitation could go to them (a restriction, no way to reach them), for the office.
    not_sent_because = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evening", "parent"], name="invitation_unique_parent")
        ]
        indexes = [models.Index(fields=["evening", "family"], name="invitation_family")]

    def __str__(self):
        return f"{self.parent} to {self.evening}"


class Booking(models.Model):
    """One appointment: a slot, the parent who holds it, which children it is about, how they
    will meet, and what happened. Cancelled bookings stay, with when, so the slot is free again
    and the history is kept."""

    class Outcome(models.TextChoices):
        NONE = "", "Not yet"
        ATTENDED = "attended", "Came"
        MISSED = "missed", "Did not come"

    evening = models.ForeignKey(Evening, on_delete=models.CASCADE, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings")
    # Copied from the slot, so the database can refuse a parent two bookings at once.
    starts_at = models.DateTimeField()
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        ParentCarer, on_delete=models.CASCADE, related_name="evening_bookings"
    )
    # A separated parent who chose to come together with this one (both agreed).
    together_with = models.ForeignKey(
        ParentCarer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    children = models.ManyToManyField(Child, related_name="evening_bookings")
    way = models.CharField(max_length=10, choices=Way, default=Way.IN_PERSON)
    interpreter = models.CharField(
        "interpreter needed, in", max_length=60, blank=True, help_text="The language, if any."
    )
    supporter = models.CharField(
        "bringing a supporter", max_length=200, blank=True, help_text="Who, in their words."
    )
    note = models.CharField("anything the school should know", max_length=300, blank=True)
    booked_at = models.DateTimeField(default=timezone.now)
    # None when the parent booked through their link; the member of staff who booked for them.
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_through = models.ForeignKey(
        ParentLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.NONE, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="evening_booking"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            # A slot is never given twice.
            models.UniqueConstraint(
                fields=["slot"], condition=Q(cancelled_at=None), name="booking_one_per_slot"
            ),
            # A parent never holds two appointments at once.
            models.UniqueConstraint(
                fields=["evening", "parent", "starts_at"],
                condition=Q(cancelled_at=None),
                name="booking_parent_one_at_a_time",
            ),
        ]
        indexes = [
            models.Index(fields=["evening", "family"], name="booking_evening_family"),
            models.Index(fields=["parent", "starts_at"], name="booking_parent_time"),
        ]

    def __str__(self):
        return f"{self.parent} at {timezone.localtime(self.starts_at):%H:%M}"

    @property
    def is_live(self) -> bool:
        return self.cancelled_at is None
