"""System checks (run at start-up, not only with --deploy): single sign-on switched on but not
fully configured would fail at the first sign-in, in front of a member of staff."""

from __future__ import annotations

import os
from urllib.parse import urlparse

from django.conf import settings
from django.core import checks

from single_sign_on.matching import FIELDS

OIDC_REQUIRED = (
    ("SSO_OIDC_CLIENT_ID", "OIDC_RP_CLIENT_ID"),
    ("SSO_OIDC_CLIENT_SECRET", "OIDC_RP_CLIENT_SECRET"),
    ("SSO_OIDC_ISSUER", "SSO_OIDC_ISSUER"),
    ("SSO_OIDC_AUTHORIZATION_ENDPOINT", "OIDC_OP_AUTHORIZATION_ENDPOINT"),
    ("SSO_OIDC_TOKEN_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT"),
    ("SSO_OIDC_USERINFO_ENDPOINT", "OIDC_OP_USER_ENDPOINT"),
    ("SSO_OIDC_JWKS_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"),
)


LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def insecure_url(url: str) -> bool:
    """Not https: plain http only on a loopback host while DEBUG is on (a local trial)."""
    parts = urlparse(url)
    if parts.scheme == "https":
        return False
    return not (settings.DEBUG and parts.scheme == "http" and parts.hostname in LOOPBACK)


@checks.register(checks.Tags.security)
def check_single_sign_on(app_configs, **kwargs):
    errors: list[checks.CheckMessage] = []
    if not (settings.SSO_OIDC_ENABLED or settings.SSO_SAML_ENABLED):
        return errors
    if settings.SSO_MATCH_FIELD not in FIELDS:
        errors.append(
            checks.Error(
                f"SSO_MATCH_FIELD must be one of {sorted(FIELDS)}.", id="single_sign_on.E001"
            )
        )
    if settings.SSO_OIDC_ENABLED:
        for env_name, setting in OIDC_REQUIRED:
            if not getattr(settings, setting, ""):
                errors.append(
                    checks.Error(
                        f"SSO_OIDC_ENABLED is on but {env_name} is not set.",
                        hint="See docs/single-sign-on.md.",
                        id="single_sign_on.E002",
                    )
                )
        end_session = ("SSO_OIDC_END_SESSION_ENDPOINT", "SSO_OIDC_END_SESSION_ENDPOINT")
        for env_name, setting in [*OIDC_REQUIRED[2:], end_session]:
            url = getattr(settings, setting, "")
            if url and insecure_url(url):
                errors.append(
                    checks.Error(
                        f"{env_name} must be an https:// address.", id="single_sign_on.E003"
                    )
                )
    if settings.SSO_SAML_ENABLED:
        if not (settings.SSO_SAML_IDP_METADATA_URL or settings.SSO_SAML_IDP_METADATA_FILE):
            errors.append(
                checks.Error(
                    "SSO_SAML_ENABLED is on but neither SSO_SAML_IDP_METADATA_URL nor "
                    "SSO_SAML_IDP_METADATA_FILE is set.",
                    id="single_sign_on.E004",
                )
            )
        metadata_url = settings.SSO_SAML_IDP_METADATA_URL
        if metadata_url and insecure_url(metadata_url):
            errors.append(
                checks.Error(
                    "SSO_SAML_IDP_METADATA_URL must be an https:// address.",
                    id="single_sign_on.E003",
                )
            )
        if metadata_url and not settings.SSO_SAML_IDP_METADATA_CERT:
            errors.append(
                checks.Error(
                    "SSO_SAML_IDP_METADATA_URL is set but SSO_SAML_IDP_METADATA_CERT is not: "
                    "metadata fetched over the network must have its signature checked.",
                    hint="The identity provider's metadata signing certificate (PEM file).",
                    id="single_sign_on.E006",
                )
            )
        if not settings.SSO_SAML_IDP_ENTITY_ID:
            errors.append(
                checks.Error(
                    "SSO_SAML_ENABLED is on but SSO_SAML_IDP_ENTITY_ID is not set.",
                    hint="The council identity provider's entityID, from its metadata.",
                    id="single_sign_on.E007",
                )
            )
        if not os.access(settings.SSO_SAML_XMLSEC1, os.X_OK):
            errors.append(
                checks.Error(
                    f"SAML needs the xmlsec1 program, not found at {settings.SSO_SAML_XMLSEC1}.",
                    hint="apt-get install -y xmlsec1, or set SSO_SAML_XMLSEC1.",
                    id="single_sign_on.E005",
                )
            )
    return errors
