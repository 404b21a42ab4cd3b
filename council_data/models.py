"""A council's API tokens: how its own reporting tools fetch the authority's figures without a
person signing in. Only a hash of each secret is kept; the secret is shown once, when made."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.lib.words import staff_name
from portal.models import Authority

# A token reads "pcc_<prefix>_<secret>": the prefix is kept (and shown) so people can tell
# their tokens apart; the whole token is checked against its hash.
TOKEN_START = "pcc_"  # nosec B105: the fixed start of every token, not a secret
PREFIX_LENGTH = 8


def token_hash(token: str) -> str:
    """The stored form of a token. A plain SHA-256 is enough: the secret is 256 random bits,
    so there is nothing to guess that a slow hash would protect."""
    return hashlib.sha256(token.encode()).hexdigest()


class CouncilTokenQuerySet(models.QuerySet):
    def live(self) -> CouncilTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def for_page(self, authority_id: int) -> CouncilTokenQuerySet:
        return (
            self.filter(authority_id=authority_id)
            .select_related("created_by", "revoked_by")
            .order_by("revoked_at", "-created_at", "-pk")
        )


class CouncilToken(models.Model):
    """One reporting tool's key to its authority's figures (counts only, small ones hidden)."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(
        max_length=100, help_text="What uses it, e.g. “Power BI, children's services”."
    )
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CouncilTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "council API token"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({TOKEN_START}{self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    @property
    def made_by(self) -> str:
        return staff_name(self.created_by) if self.created_by else "someone no longer here"

    @property
    def stopped_by(self) -> str:
        return staff_name(self.revoked_by) if self.revoked_by else ""

    @classmethod
    def make(cls, *, authority, name: str, created_by) -> tuple[CouncilToken, str]:
        """A new token and its whole secret, which is never stored and cannot be shown again."""
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
        row = cls(
            authority=authority,
            name=name,
            prefix=prefix,
            secret_hash=token_hash(token),
            created_by=created_by,
        )
        row.full_clean()
        row.save()
        return row, token

    @classmethod
    def find(cls, token: str) -> CouncilToken | None:
        """The token (live or revoked) this whole secret belongs to, or None: one indexed
        query, and nothing at all for text that is not shaped like a token."""
        if not token.startswith(TOKEN_START) or len(token) > 200:
            return None
        return cls.objects.select_related("authority").filter(secret_hash=token_hash(token)).first()
