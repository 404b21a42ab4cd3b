"""The sign-in routes: to the council's provider and back (OpenID Connect and SAML 2), and the
plain page for a refused sign-in. Each route answers 404 while its protocol is switched off."""

from __future__ import annotations

import jwt
import requests
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from portal.http import SchoolRequest
from portal.middleware import school_optional
from portal.security import PROVIDER_MFA_SESSION_KEY
from single_sign_on import matching

SSO_SESSION_KEY = matching.SESSION_KEY
OIDC = "OpenID Connect"

REASONS = {
    matching.UNKNOWN: "The portal does not have an account for you yet.",
    matching.AMBIGUOUS: "More than one portal account has your council e-mail address or name.",
    matching.INACTIVE: "Your portal account has been switched off.",
    matching.NO_CLAIM: "The council's sign-in did not say who you are.",
    matching.INVALID: "The council's sign-in could not be checked, or it was used already.",
    matching.UNVERIFIED: "The council's sign-in did not confirm your e-mail address.",
    matching.PASSWORD_ONLY: (
        "This portal account signs in with its password and authenticator code only, "
        "not with the council's sign-in."
    ),
}


def refusal(request: SchoolRequest, reason: str, *, ours: bool = True):
    """The plain page for a refused sign-in; nobody stays signed in. `ours` is False for an
    answer to no sign-in this browser started (a link from another site, say): that changes
    nothing here, so it cannot sign anyone out."""
    if ours:
        if request.user.is_authenticated:
            logout(request)  # empties the session, tokens included
        else:
            request.session.flush()  # an anonymous session: the refused sign-in's tokens
    return render(
        request,
        "single_sign_on/refused.html",
        {"reason": REASONS.get(reason, REASONS[matching.INVALID]), "kind": reason},
        status=403,
    )


class _Callback(OIDCAuthenticationCallbackView):
    """The library's callback (state once, nonce, PKCE, token exchange) with the portal's
    refusal page and the session's note of how it began and whether multi-factor counts."""

    def login_failure(self):
        reason = getattr(self.request, "sso_reason", matching.INVALID)
        if reason == matching.INVALID:
            matching.refused(OIDC, reason, "the provider's answer did not complete a sign-in")
        return refusal(self.request, reason)

    def login_success(self):
        response = super().login_success()
        session = self.request.session
        session[SSO_SESSION_KEY] = "oidc"
        mfa = getattr(self.request, "sso_mfa", False)
        session[PROVIDER_MFA_SESSION_KEY] = mfa  # this sign-in's word, not an earlier one's
        matching.signed_in(OIDC, self.user, mfa)
        return response


@login_not_required
@require_GET
@school_optional
def oidc_start(request: SchoolRequest):
    """Sends the browser to the council's provider, with a fresh state, nonce and PKCE code."""
    if not settings.SSO_OIDC_ENABLED:
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


@login_not_required
@require_GET
@school_optional
def oidc_callback(request: SchoolRequest):
    """Where the provider sends the browser back: the state must be this browser's and unused,
    the tokens must check out, and the person must match one active account."""
    if not settings.SSO_OIDC_ENABLED:
        raise Http404
    pending = request.session.get("oidc_states")
    state = request.GET.get("state")
    if not (isinstance(pending, dict) and state and state in pending):
        # Not this browser's sign-in (used already, another browser's, or another site's link,
        # ?error= included): refused without touching whoever is signed in here.
        matching.refused(OIDC, matching.INVALID, "a state this browser is not waiting for")
        return refusal(request, matching.INVALID, ours=False)
    try:
        return _Callback.as_view()(request)
    except SuspiciousOperation as exc:
        matching.refused(OIDC, matching.INVALID, str(exc))
    except (
        requests.RequestException,
        jwt.PyJWTError,  # no id_token, or not a token at all
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
    ) as exc:
        matching.refused(
            OIDC, matching.INVALID, f"the provider's answer failed: {type(exc).__name__}"
        )
    return refusal(request, matching.INVALID)


@login_not_required
@require_GET
@school_optional
def signed_out(request: SchoolRequest):
    """After the portal's sign-out: a plain page (the provider returns people here too)."""
    if not (settings.SSO_OIDC_ENABLED or settings.SSO_SAML_ENABLED):
        raise Http404
    council = settings.SSO_OIDC_ENABLED and bool(settings.SSO_OIDC_END_SESSION_ENDPOINT)
    return render(request, "single_sign_on/signed_out.html", {"council": council})


# --- SAML 2 (djangosaml2): the library's views behind the portal's switch and refusal page.


def _saml_views():
    from single_sign_on import saml

    return saml


@login_not_required
@require_GET
@school_optional
def saml_start(request: SchoolRequest):
    """Sends the browser to the council's SAML identity provider."""
    if not settings.SSO_SAML_ENABLED:
        raise Http404
    try:
        return _saml_views().LoginView.as_view()(request)
    except PermissionDenied:
        matching.refused("SAML", matching.INVALID, "?idp= named another identity provider")
        return refusal(request, matching.INVALID, ours=False)


@csrf_exempt  # the identity provider posts here from its own site, signed
@login_not_required
@require_POST
@school_optional
def saml_acs(request: SchoolRequest):
    """The identity provider's signed answer: checked by pysaml2, matched by saml.py."""
    if not settings.SSO_SAML_ENABLED:
        raise Http404
    try:
        return _saml_views().AcsView.as_view()(request)
    except (PermissionDenied, SuspiciousOperation) as exc:
        matching.refused("SAML", matching.INVALID, type(exc).__name__)
        return refusal(request, getattr(request, "sso_reason", matching.INVALID))


@login_not_required
@require_GET
@school_optional
def saml_metadata(request: SchoolRequest):
    """The portal's SAML metadata, for the council to register the portal at its provider."""
    if not settings.SSO_SAML_ENABLED:
        raise Http404
    return _saml_views().MetadataView.as_view()(request)


@login_not_required
@require_http_methods(["GET", "POST"])
@school_optional
def saml_logout_return(request: SchoolRequest):
    """The provider's single-logout answer (or request): the portal session ends either way."""
    if not settings.SSO_SAML_ENABLED:
        raise Http404
    return _saml_views().LogoutServiceView.as_view()(request)
