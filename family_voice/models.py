"""A parent's link: one parent or carer, one purpose, no account.

The link's token is never stored: the URL carries a value signed with Django's signing
(family_voice/tokens.py), and the link keeps only a SHA-256 digest of its random part, so a copy
of the database opens nothing. Every change to a link (made, opened, a failed check, locked,
revoked) is kept in its edit history, which the family audit page reads.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from compass.models import STEP_VALIDATORS
from families.models import Family, ParentCarer
from meetings.models import Meeting
from portal.lib.records import KeptHistoricalRecords
from portal.models import School

# Wrong answers to the second check in a row before a link is locked, and for how long; and
# wrong answers in all before it stops for good (a guesser waiting out each hour).
MAX_FAILED_CHECKS = 5
LOCK_FOR = datetime.timedelta(hours=1)
MAX_WRONG_IN_ALL = 10
# A code sent for the second check works for this long; a new one is sent at most once a minute.
CODE_LASTS = datetime.timedelta(minutes=15)
CODE_EVERY = datetime.timedelta(minutes=1)


class Purpose(models.TextChoices):
    VIEWS = "views", "Give their views before a meeting"
    SUMMARY = "summary", "Read and answer the summary of a meeting"
    PREFERENCES = "preferences", "Keep their contact preferences up to date"
    COMPASS = "compass", "Say how things are between them and the school"
    EVENING = "evening", "Book a parents' evening appointment"


# Purposes about a meeting (the link names one); those that show something about a child; and
# those that ask the second check before anything is shown: a child's, and the parent's own
# contact details (where codes go).
ABOUT_A_MEETING = frozenset({Purpose.VIEWS, Purpose.SUMMARY})
SHOWS_A_CHILD = frozenset({Purpose.VIEWS, Purpose.SUMMARY, Purpose.EVENING})
NEEDS_CHECK = SHOWS_A_CHILD | {Purpose.PREFERENCES}


class ParentLinkQuerySet(models.QuerySet):
    def for_family(self, school, family_id: int) -> ParentLinkQuerySet:
        return (
            self.filter(school=school, family_id=family_id)
            .select_related("school", "parent", "meeting", "created_by")
            .order_by("-created_at", "-pk")
        )


class ParentLink(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(ParentCarer, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=12, choices=Purpose)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="parent_links"
    )
    # SHA-256 of the token's random part (hex); the token itself is never stored.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField("works until")
    revoked_at = models.DateTimeField("stopped", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_opened_at = models.DateTimeField("first opened", null=True, blank=True)
    last_opened_at = models.DateTimeField("last opened", null=True, blank=True)
    times_opened = models.PositiveIntegerField(default=0)
    failed_checks = models.PositiveSmallIntegerField("wrong answers in a row", default=0)
    wrong_answers = models.PositiveSmallIntegerField("wrong answers in all", default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # The code for the second check, while one is out: its digest and when it was sent.
    code_digest = models.CharField(max_length=64, blank=True, editable=False)
    code_sent_at = models.DateTimeField(null=True, blank=True)

    objects = ParentLinkQuerySet.as_manager()
    history = KeptHistoricalRecords(excluded_fields=["digest", "code_digest"])

    class Meta:
        indexes = [
            models.Index(fields=["school", "family", "-created_at"], name="parentlink_family"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} – {self.parent}"

    @property
    def needs_check(self) -> bool:
        return self.purpose in NEEDS_CHECK

    def state(self, now: datetime.datetime | None = None) -> str:
        """ "revoked", "expired", "locked" or "open"."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        if self.locked_until is not None and self.locked_until > now:
            return "locked"
        return "open"

    def state_in_words(self) -> str:
        return {
            "revoked": "Stopped",
            "expired": "Expired",
            "locked": "Locked for an hour after five wrong answers",
            "open": "Working",
        }[self.state()]


class _FromALink(models.Model):
    """What a parent gave through one of their links: the school, family and parent it is
    about, and the link it came through (kept if the link is later removed)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(ParentCarer, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(
        ParentLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class ParentViews(_FromALink):
    """A parent's views before a meeting, in their own words (one per parent and meeting;
    they may change them until the meeting)."""

    class TimeSuits(models.TextChoices):
        YES = "yes", "The time suits them"
        NO = "no", "They need another time"

    class Way(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "By phone"
        VIDEO = "video", "By video call"

    # What a parent may give (the form's fields, as the record keeps them).
    ANSWERS = (
        "best_hopes",
        "going_well",
        "to_talk_about",
        "time_suits",
        "other_times",
        "interpreter",
        "interpreter_language",
        "supporter",
        "supporter_who",
        "take_part",
    )

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="parent_views")
    best_hopes = models.TextField("their best hopes", max_length=1000, blank=True)
    going_well = models.TextField("what is going well", max_length=1000, blank=True)
    to_talk_about = models.TextField("what they want to talk about", max_length=1000, blank=True)
    time_suits = models.CharField(max_length=3, choices=TimeSuits, blank=True)
    other_times = models.CharField("times that would suit", max_length=300, blank=True)
    interpreter = models.BooleanField("would like an interpreter", default=False)
    interpreter_language = models.CharField(max_length=60, blank=True)
    supporter = models.BooleanField("would like to bring a supporter", default=False)
    supporter_who = models.CharField("who the supporter is", max_length=200, blank=True)
    take_part = models.CharField(
        "how they would like to take part", max_length=10, choices=Way, blank=True
    )
    given_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # A request for another time is a task for the meeting's chair until they deal with it.
    time_request_done_at = models.DateTimeField(null=True, blank=True)
    time_request_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = KeptHistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "parent"], name="parentviews_once"),
        ]
        indexes = [
            models.Index(fields=["school", "family"], name="parentviews_family"),
        ]

    def __str__(self) -> str:
        return f"Views before meeting #{self.meeting_id} – {self.parent}"


class SummaryReading(_FromALink):
    """A parent's read receipt for a meeting's summary: when they first read it through their
    link, and when they said "I have read this"."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="parent_readings")
    first_read_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField("marked as read", null=True, blank=True)

    history = KeptHistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "parent"], name="summaryreading_once"),
        ]

    def __str__(self) -> str:
        return f"Summary of meeting #{self.meeting_id} read by {self.parent}"


class PreferenceChange(_FromALink):
    """Changes a parent asks for to their own contact preferences. They wait for a member of
    staff to accept them (shown side by side with what the school holds) before the parent's
    record changes; the parent's record keeps its own history."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the school"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Not taken on"

    # {field name on ParentCarer: the new value}, for the fields a parent may change.
    proposed = models.JSONField(default=dict)
    note = models.TextField("anything else they said", max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.WAITING)
    asked_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)

    history = KeptHistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["school", "status", "asked_at"], name="prefchange_waiting"),
            models.Index(fields=["school", "family"], name="prefchange_family"),
        ]

    def __str__(self) -> str:
        return f"Preferences asked for by {self.parent}"


class ParentCompass(_FromALink):
    """How a parent says things are between them and the school: three short answers matching
    the compass's three levers (1–4, as the staff's steps), and a sentence if they wish. Kept
    apart from the staff's placements; a parent never sees those."""

    communication = models.PositiveSmallIntegerField(validators=STEP_VALIDATORS)
    access = models.PositiveSmallIntegerField(validators=STEP_VALIDATORS)
    attitude = models.PositiveSmallIntegerField(validators=STEP_VALIDATORS)
    words = models.CharField("in their words", max_length=300, blank=True)
    given_at = models.DateTimeField(default=timezone.now)

    history = KeptHistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["school", "family", "-given_at"], name="parentcompass_family"),
        ]

    def __str__(self) -> str:
        return f"How {self.parent} sees it ({self.given_at:%d %b %Y})"


class HomeSchoolNote(_FromALink):
    """A note in the home–school diary: from a parent to their key contact (through a link),
    or a member of staff's answer. Each note is also a contact in the family's chronology."""

    class From(models.TextChoices):
        PARENT = "parent", "The parent or carer"
        SCHOOL = "school", "The school"

    written_by = models.CharField(max_length=6, choices=From)
    staff = models.ForeignKey(  # who wrote it (from the school) or whom it is to (from a parent)
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(  # a reply about a meeting's summary
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    words = models.TextField(max_length=2000)
    written_at = models.DateTimeField(default=timezone.now)
    contact = models.OneToOneField(
        "families.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="note"
    )
    # A note from a parent: when staff are told of it (held through quiet hours), and when a
    # member of staff first read it.
    tell_after = models.DateTimeField(null=True, blank=True)
    told_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    history = KeptHistoricalRecords()

    class Meta:
        ordering = ["written_at", "pk"]
        indexes = [
            models.Index(fields=["school", "family", "written_at"], name="note_family"),
            models.Index(fields=["staff", "read_at"], name="note_unread"),
        ]

    def __str__(self) -> str:
        return f"Note ({self.get_written_by_display()}) {self.written_at:%d %b %Y}"
