"""OpenID Connect sign-in (mozilla-django-oidc), held to the portal's rules.

mozilla-django-oidc 5 checks the state (once: it is removed from the session when used), the
nonce, the signature (RS256 with the provider's published keys), `exp`, `nbf` and `iat`'s form;
it does NOT check the issuer or the audience, may create accounts, and loads a disabled user
for a session it already has. This backend adds: the issuer is exactly SSO_OIDC_ISSUER; the
audience is exactly our client id (several audiences only with `azp` naming us, and an `azp`
never naming another client); `exp`, `iat`
and `sub` present and the token issued within SSO_OIDC_MAX_AGE seconds; a nonce always; the
userinfo answer about the same `sub`; the account matched by one configured claim, never
created, and by the `email` claim only when `email_verified` is true (SSO_REQUIRE_VERIFIED_EMAIL:
an address the provider did not check may be anyone's); a disabled account's session ends."""

from __future__ import annotations

import time

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from single_sign_on import matching

PROTOCOL = "OpenID Connect"


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    """Signs in the one active account whose e-mail (or username) the provider asserts."""

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce: a password form never reaches the provider.
        if request is None or "nonce" not in kwargs or "password" in kwargs:
            return None
        if not kwargs.get("nonce"):
            raise SuspiciousOperation("No nonce was kept for this sign-in.")
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The id_token is not signed with the expected algorithm.")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.SSO_OIDC_ISSUER,
                leeway=settings.SSO_OIDC_LEEWAY,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            # The kind of fault only (expired, audience, issuer…): never the token itself.
            raise SuspiciousOperation(f"The id_token was refused: {type(exc).__name__}.") from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The id_token names several audiences and not us as azp.")
        if "azp" in claims and claims["azp"] != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The id_token was issued to another client (azp).")
        if claims["iat"] < time.time() - settings.SSO_OIDC_MAX_AGE:
            raise SuspiciousOperation("The id_token was issued too long ago.")
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo answer is about someone else.")
        claims = {**userinfo, **payload}  # what the signed id_token says wins
        if (
            settings.SSO_MATCH_CLAIM == "email"
            and settings.SSO_REQUIRE_VERIFIED_EMAIL
            and not matching.email_verified(claims)
        ):
            self.request.sso_reason = matching.UNVERIFIED
            matching.refused(PROTOCOL, matching.UNVERIFIED)
            return None
        found = matching.match_account(
            claims.get(settings.SSO_MATCH_CLAIM), settings.SSO_MATCH_FIELD
        )
        if found.user is None:
            self.request.sso_reason = found.reason
            matching.refused(PROTOCOL, found.reason)
            return None
        self.request.sso_mfa = matching.provider_mfa(
            payload.get("amr"), payload.get("acr"), found.user
        )
        return found.user

    def create_user(self, claims):
        raise SuspiciousOperation("Single sign-on never creates accounts.")

    def get_user(self, user_id):
        """As Django's own backend: a disabled account's session ends at its next request."""
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
