"""What the messages to parents and carers keep: templates (per kind and language), each message
in the outbox with its state, the printed letters' batches, and a parent's stop on a channel."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from families.models import Child, Contact, Family, ParentCarer
from family_voice.models import ParentLink
from meetings.models import ActionPoint, Meeting
from portal.lib.records import KeptHistoricalRecords
from portal.models import School
from reaching_out import placeholders


class Kind(models.TextChoices):
    GOOD_NEWS = "good_news", "Good news"
    INVITATION = "invitation", "Meeting invitation"
    SUMMARY = "summary", "Meeting summary"
    STEP_REMINDER = "step_reminder", "Reminder of an agreed step"
    HEAR_FROM_YOU = "hear_from_you", "We would like to hear from you"
    FREE = "free", "Your own message"
    STAFF_REMINDER = "staff_reminder", "Daily reminder to staff"
    EVENING_INVITE = "evening_invite", "Parents' evening invitation"
    EVENING_BOOKED = "evening_booked", "Parents' evening booking"
    EVENING_REMINDER = "evening_reminder", "Parents' evening reminder"


PARENT_KINDS = [k for k in Kind if k != Kind.STAFF_REMINDER]
# What each kind is in the chronology: good news is positive, and its purpose.
CONTACT_PURPOSE: dict[str, str] = {
    Kind.GOOD_NEWS: Contact.Purpose.GOOD_NEWS,
    Kind.INVITATION: Contact.Purpose.INFORMATION,
    Kind.SUMMARY: Contact.Purpose.FOLLOW_UP,
    Kind.STEP_REMINDER: Contact.Purpose.FOLLOW_UP,
    Kind.HEAR_FROM_YOU: Contact.Purpose.INFORMATION,
    Kind.FREE: Contact.Purpose.INFORMATION,
    Kind.EVENING_INVITE: Contact.Purpose.INFORMATION,
    Kind.EVENING_BOOKED: Contact.Purpose.INFORMATION,
    Kind.EVENING_REMINDER: Contact.Purpose.INFORMATION,
}
# Which parent's link a kind carries ({link}), by family_voice's purposes.
LINK_PURPOSE: dict[str, str] = {
    Kind.INVITATION: "views",
    Kind.SUMMARY: "summary",
    Kind.HEAR_FROM_YOU: "compass",
    Kind.EVENING_INVITE: "evening",
    Kind.EVENING_BOOKED: "evening",
    Kind.EVENING_REMINDER: "evening",
}


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    TEXT = "text", "Text message"
    LETTER = "letter", "Printed letter"
    CALL = "call", "Phone call by a member of staff"


CONTACT_CHANNEL: dict[str, str] = {
    Channel.EMAIL: Contact.Channel.EMAIL,
    Channel.TEXT: Contact.Channel.TEXT,
    Channel.LETTER: Contact.Channel.LETTER,
    Channel.CALL: Contact.Channel.PHONE,
}


class MessageTemplate(models.Model):
    """The words of one kind of message in one language: the portal's own (no school) or one
    school's, which wins for that school. Placeholders are checked when saved."""

    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for the words every school starts from.",
    )
    kind = models.CharField(max_length=20, choices=Kind)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en-gb")
    subject = models.CharField(max_length=150, help_text="The e-mail subject and letter heading.")
    body = models.TextField(
        max_length=4000,
        help_text="The e-mail and letter. Placeholders in braces, e.g. {parent_name}.",
    )
    text = models.TextField(
        "text message",
        max_length=918,
        blank=True,
        help_text="The shorter version sent as a text (up to six texts' length).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = KeptHistoricalRecords()

    class Meta:
        verbose_name = "message template"
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "language"], name="template_one_per_language"
            ),
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=Q(school__isnull=True),
                name="template_one_default_per_language",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_language_display()})"

    def clean(self):
        errors = {}
        for field in ("subject", "body", "text"):
            found = placeholders.problems(getattr(self, field), self.kind)
            if found:
                errors[field] = found
        if "{link}" in self.subject:
            errors.setdefault("subject", []).append("The parent's link goes in the message.")
        if errors:
            raise ValidationError(errors)


class MessageQuerySet(models.QuerySet):
    def due(self, now):
        """Waiting to go by e-mail or text, and due now (quiet hours over, retry time reached)."""
        return self.filter(
            state__in=[Message.State.QUEUED, Message.State.HELD],
            channel__in=[Channel.EMAIL, Channel.TEXT],
            send_after__lte=now,
        )


class LetterBatch(models.Model):
    """Letters printed together, as one PDF for the office to post; posting sends them."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-made_at"]

    def __str__(self):
        return f"Letters printed {self.made_at:%-d %b %Y %H:%M}"


class Message(models.Model):
    """One message to one adult (a parent or carer, or a member of staff for their reminders),
    kept from the moment it is written, in the same transaction as what caused it, until it is
    delivered or has failed, and then as the record of what was sent."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        HELD = "held", "Held for quiet hours"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Bounced"
        UNSURE = "unsure", "May have gone"
        TO_PRINT = "to_print", "To print and post"
        PRINTED = "printed", "Printed, to post"
        TO_CALL = "to_call", "Call to make"
        CANCELLED = "cancelled", "Cancelled"

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    parent = models.ForeignKey(
        ParentCarer, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    staff_recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages_received",
    )
    children = models.ManyToManyField(Child, blank=True, related_name="messages")
    kind = models.CharField(max_length=20, choices=Kind)
    channel = models.CharField(max_length=10, choices=Channel)
    language = models.CharField(max_length=10, default="en-gb")
    template = models.ForeignKey(
        MessageTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=8000)
    html = models.TextField(blank=True)  # staff e-mails only (the reminders' HTML part)
    edited = models.BooleanField(default=False, help_text="The sender changed the words.")
    to = models.CharField(max_length=300, blank=True)  # address or number, as sent
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages_sent",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    send_after = models.DateTimeField()
    held_because = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=10, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    failure = models.TextField(blank=True)  # in words, for the sender
    interpreter_line = models.BooleanField(default=False)
    # Sent although the parent stopped this channel: only what the school must send, with why.
    despite_stop = models.CharField(max_length=300, blank=True)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    step = models.ForeignKey(
        ActionPoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    # What an app above this one sent it about ("evening:12", "booking:40"), for its own link
    # and calendar file (reaching_out.extensions) and to find its messages again.
    topic = models.CharField(max_length=40, blank=True, db_index=True)
    link = models.ForeignKey(
        ParentLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    batch = models.ForeignKey(
        LetterBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="message"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MessageQuerySet.as_manager()
    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "send_after"], name="message_due"),
            models.Index(fields=["school", "-created_at"], name="message_outbox"),
            models.Index(fields=["school", "state", "channel"], name="message_state"),
            models.Index(fields=["sent_by", "-created_at"], name="message_mine"),
            models.Index(fields=["provider_id"], name="message_provider_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(staff_recipient__isnull=False),
                name="message_has_a_recipient",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient_name} ({self.get_state_display()})"

    @property
    def recipient_name(self) -> str:
        if self.parent is not None:
            return self.parent.full_name
        user = self.staff_recipient
        return (user.get_full_name() or user.get_username()) if user else ""

    @property
    def is_open(self) -> bool:
        """Still waiting: may be cancelled."""
        return self.state in (
            self.State.QUEUED,
            self.State.HELD,
            self.State.TO_PRINT,
            self.State.TO_CALL,
        )

    @property
    def went(self) -> bool:
        return self.state in (self.State.SENT, self.State.DELIVERED)


class ChannelStop(models.Model):
    """A parent or carer's stop on e-mails or texts from the school (the link in each e-mail,
    STOP by text, or told to staff). What the school must send still goes, and says so."""

    class How(models.TextChoices):
        LINK = "link", "The link in an e-mail"
        TEXT_REPLY = "text_reply", "Replied STOP to a text"
        TOLD_STAFF = "told_staff", "Told a member of staff"

    parent = models.ForeignKey(ParentCarer, on_delete=models.CASCADE, related_name="stops")
    channel = models.CharField(max_length=10, choices=Channel)
    how = models.CharField(max_length=12, choices=How)
    stopped_at = models.DateTimeField(auto_now_add=True)
    restarted_at = models.DateTimeField(null=True, blank=True)
    restarted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restart_reason = models.CharField(max_length=300, blank=True)

    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["-stopped_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "channel"],
                condition=Q(restarted_at__isnull=True),
                name="one_open_stop_per_channel",
            )
        ]

    def __str__(self):
        return f"{self.parent} stopped {self.get_channel_display().lower()}s"
