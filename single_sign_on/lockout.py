"""Keeps council sign-ins out of the password lockout (django-axes). Lockouts count failures by
username and address; a council sign-in carries no username (the provider checked the
password), so its refusals would add up under one empty name and lock everyone at the school's
address out of single sign-on. Password guessing at the provider is the provider's to stop."""

from __future__ import annotations

SSO_CREDENTIALS = ("nonce", "session_info")  # the OpenID callback's and SAML's, never a form's


def not_a_password_attempt(request, credentials: dict | None = None) -> bool:
    """AXES_WHITELIST_CALLABLE: True only for a single sign-on attempt with no password."""
    if not credentials or "password" in credentials or "username" in credentials:
        return False
    return any(key in credentials for key in SSO_CREDENTIALS)
