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


# Purposes about a meeting (the link names one); those that show something about a child; and
# those that ask the second check before anything is shown: a child's, and the parent's own
# contact details (where codes go).
ABOUT_A_MEETING = frozenset({Purpose.VIEWS, Purpose.SUMMARY})
SHOWS_A_CHILD = frozenset({Purpose.VIEWS, Purpose.SUMMARY})
NEEDS_CHECK = SHOWS_A_CHILD | {Purpose.PREFERENCES}


class ParentLinkQuerySet(models.QuerySet):
    def for_family(self, school, family_id: int) -> ParentLinkQuerySet:
        return (
            self.filter(school=school, family_id=family_id)
            .select_related("parent", "meeting", "created_by")
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
