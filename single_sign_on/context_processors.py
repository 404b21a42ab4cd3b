"""Whether the sign-in page offers the council's sign-in (a setting each, off by default)."""

from django.conf import settings


def single_sign_on(request) -> dict:
    return {
        "sso_oidc_enabled": settings.SSO_OIDC_ENABLED,
        "sso_saml_enabled": settings.SSO_SAML_ENABLED,
    }
