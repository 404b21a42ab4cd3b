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
FIELDS = {"email": "email", "username": "username"}
SESSION_KEY = "signed_in_with"  # "oidc" or "saml": how this portal session began


@dataclass(frozen=True)
class Match:
    user: object | None
    reason: str = ""


def match_account(value: object, field: str) -> Match:
    """The one active account whose `field` (email or username) equals the value, case aside."""
    if isinstance(value, list | tuple):
        value = value[0] if len(value) == 1 else None
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return Match(None, NO_CLAIM)
    if field not in FIELDS:
        raise ValueError(f"SSO matching field must be one of {sorted(FIELDS)}, not {field!r}")
    users = list(get_user_model().objects.filter(**{f"{FIELDS[field]}__iexact": text})[:2])
    if not users:
        return Match(None, UNKNOWN)
    if len(users) > 1:
        return Match(None, AMBIGUOUS)
    if not users[0].is_active:
        return Match(None, INACTIVE)
    return Match(users[0])


def provider_mfa(amr: Iterable[str] | str | None, acr: str | None) -> bool:
    """Whether the provider says this sign-in used several factors AND the council's settings
    accept its word for it (SSO_ACCEPT_PROVIDER_MFA, with the amr values or acr levels it
    trusts). Otherwise privileged roles still meet the portal's own code step."""
    if not settings.SSO_ACCEPT_PROVIDER_MFA:
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
