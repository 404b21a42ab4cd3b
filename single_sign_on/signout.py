"""Signing out of a single sign-on session. The portal's own sign-out (accounts/logout/) always
ends the portal session; for a session that began at an OpenID provider with an
end_session_endpoint (SSO_OIDC_END_SESSION_ENDPOINT), the browser is then sent there too, so the
council's session ends as well and the provider returns people to the portal's signed-out page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse

from portal.security import PROVIDER_MFA_SESSION_KEY, SSO_BACKENDS
from single_sign_on import matching

END_SESSION_ATTRIBUTE = "sso_end_session_url"
# What a single sign-on leaves in the portal session (ours, the OpenID library's).
SSO_SESSION_KEYS = (
    PROVIDER_MFA_SESSION_KEY,
    matching.SESSION_KEY,
    "oidc_id_token",
    "oidc_access_token",
    "oidc_id_token_expiration",
    "oidc_login_next",
)


@receiver(user_logged_in, dispatch_uid="single_sign_on.forget_on_other_sign_in")
def forget_on_other_sign_in(sender, request, user, **kwargs):
    """A password sign-in keeps the session's data when it is the same account (Django only
    renews the key): an earlier single sign-on's notes (multi-factor accepted, tokens) must not
    carry over to it."""
    session = getattr(request, "session", None) if request is not None else None
    if session is None or session.get(BACKEND_SESSION_KEY) in SSO_BACKENDS:
        return
    for key in SSO_SESSION_KEYS:
        session.pop(key, None)


@receiver(user_logged_out, dispatch_uid="single_sign_on.provider_sign_out")
def provider_sign_out(sender, request, user, **kwargs):
    """Notes where the provider's sign-out is, before Django empties the session; for a SAML
    session, empties djangosaml2's own store too (the NameID and identity it cached)."""
    if request is None:
        return
    session = getattr(request, "session", None)
    saml_session = getattr(request, "saml_session", None)
    if saml_session is not None and not saml_session.is_empty():
        saml_session.flush()  # the SAML NameID and identity djangosaml2 cached
    if not settings.SSO_OIDC_ENABLED:
        return
    endpoint = settings.SSO_OIDC_END_SESSION_ENDPOINT
    if not endpoint or session is None or session.get(matching.SESSION_KEY) != "oidc":
        return
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(
            reverse("single_sign_on:signed-out")
        ),
    }
    if hint := session.get("oidc_id_token"):
        params["id_token_hint"] = hint
    setattr(request, END_SESSION_ATTRIBUTE, f"{endpoint}?{urlencode(params)}")


class ProviderSignOutMiddleware:
    """After the portal's sign-out of an OpenID session, on to the provider's sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        url = getattr(request, END_SESSION_ATTRIBUTE, None)
        if url and response.status_code in (301, 302, 303) and not request.user.is_authenticated:
            return HttpResponseRedirect(url)
        return response
