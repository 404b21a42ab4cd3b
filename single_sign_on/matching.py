"""Who a council identity is in the portal, and whether the council's sign-in counts as the
portal's two-factor step. Shared by OpenID Connect (oidc.py) and SAML 2 (saml.py), so both
follow one rule: an identity matches exactly one existing, active account or nobody is signed
in. Single sign-on never creates an account and never adds or changes a membership: who may do
what stays with the school's portal administrator."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model

log = logging.getLogger("single_sign_on")

# Why a sign-in was refused: the request carries one of these to the refusal page.
UNKNOWN = "unknown"  # nobody in the portal has this identity
AMBIGUOUS = "ambiguous"  # more than one account has it: the administrator must tidy up
INACTIVE = "inactive"  # the one account with it is switched off
NO_CLAIM = "no-claim"  # the provider did not send the claim the council chose
INVALID = "invalid"  # the provider's answer did not check out (audience, expiry, state…)
UNVERIFIED = "unverified"  # matched by e-mail, but the provider did not say it checked it
# An outcome, not a password: a superuser signs in with password and the portal's code only.
PASSWORD_ONLY = "password-only"  # nosec B105
FIELDS = {"email": "email", "username": "username"}
SESSION_KEY = "signed_in_with"  # "oidc" or "saml": how this portal session began


@dataclass(frozen=True)
class Match:
    user: object | None
    reason: str = ""


def _same(stored: object, text: str) -> bool:
    """Equal, ASCII capitals aside. The database's case-insensitive match (PostgreSQL's UPPER)
    folds some non-ASCII letters to ASCII ones (dotless ı to I, long ſ to S, the Kelvin sign
    to K), so a council identity "admın@…" would find "admin@…": each candidate is checked
    again here, and only ASCII values can be equal."""
    return isinstance(stored, str) and stored.isascii() and stored.lower() == text.lower()


def match_account(value: object, field: str) -> Match:
    """The one active account whose `field` (email or username) equals the value, case aside.
    A superuser is never matched: they sign in with their password and the portal's code."""
    if isinstance(value, list | tuple):
        value = value[0] if len(value) == 1 else None
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return Match(None, NO_CLAIM)
    if field not in FIELDS:
        raise ValueError(f"SSO matching field must be one of {sorted(FIELDS)}, not {field!r}")
    if not text.isascii():
        return Match(None, UNKNOWN)  # portal e-mail addresses and usernames are matched as ASCII
    column = FIELDS[field]
    candidates = get_user_model().objects.filter(**{f"{column}__iexact": text})[:10]
    users = [user for user in candidates if _same(getattr(user, column), text)]
    if not users:
        return Match(None, UNKNOWN)
    if len(users) > 1:
        return Match(None, AMBIGUOUS)
    if not users[0].is_active:
        return Match(None, INACTIVE)
    if users[0].is_superuser:
        return Match(None, PASSWORD_ONLY)
    return Match(users[0])


def email_verified(claims: dict) -> bool:
    """Whether the provider says it checked the e-mail address (OpenID `email_verified`). Some
    providers send the string "true"; anything else (absent, false) is not verified."""
    flag = claims.get("email_verified")
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")


def provider_mfa(amr: Iterable[str] | str | None, acr: str | None, user=None) -> bool:
    """Whether the provider says this sign-in used several factors AND the council's settings
    accept its word for it (SSO_ACCEPT_PROVIDER_MFA, with the amr values or acr levels it
    trusts). Otherwise privileged roles still meet the portal's own code step. An account with
    Django admin access (is_staff) always meets it: admin is the portal's own to guard."""
    if not settings.SSO_ACCEPT_PROVIDER_MFA:
        return False
    if user is not None and (user.is_staff or user.is_superuser):
        return False
    methods = {amr} if isinstance(amr, str) else set(amr or ())
    if methods & set(settings.SSO_MFA_AMR):
        return True
    return bool(acr) and acr in settings.SSO_MFA_ACR


def refused(protocol: str, reason: str, detail: str = "") -> None:
    """Logs a refused sign-in: the reason, never a token or the identity's claims."""
    log.warning(
        "Single sign-on (%s) refused: %s%s", protocol, reason, f" ({detail})" if detail else ""
    )


def signed_in(protocol: str, user, mfa: bool) -> None:
    log.info(
        "Single sign-on (%s): user %s signed in%s",
        protocol,
        user.pk,
        "; the provider's multi-factor accepted" if mfa else "",
    )
