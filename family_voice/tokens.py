"""The token in a parent's link, made and read with Django's signing (no crypto of our own).

A token is `signing.dumps([link id, random part])` with its own salt: anyone changing a
character gets BadSignature, and the random part (32 bytes from `secrets`) is compared with the
SHA-256 digest the link keeps. The token itself is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "family_voice.parent_link"
CODE_SALT = "family_voice.check_code"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """(random part, its digest) for a new link."""
    secret = secrets.token_urlsafe(32)
    return secret, digest(secret)


def make(link_id: int, secret: str) -> str:
    return signing.dumps([link_id, secret], salt=SALT, compress=False)


def read(token: str) -> tuple[int, str] | None:
    """(link id, random part) from a token, or None if it was not made by us or was changed."""
    if len(token) > 300:
        return None
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not isinstance(value[1], str)
    ):
        return None
    return value[0], value[1]


def matches(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_digest)


def code_digest(link_id: int, code: str) -> str:
    """A code's digest, keyed with the site's secret (a million codes are too few to keep as a
    plain hash: anyone reading the database could reverse one)."""
    return salted_hmac(CODE_SALT, f"{link_id}:{code}", algorithm="sha256").hexdigest()


def new_code(link_id: int) -> tuple[str, str]:
    """A 6-digit code for the second check of one link, and its digest."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    return code, code_digest(link_id, code)
