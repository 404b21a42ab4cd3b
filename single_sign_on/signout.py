"""Signing out of a single sign-on session. The portal's own sign-out (accounts/logout/) always
ends the portal session; for a session that began at an OpenID provider with an
end_session_endpoint (SSO_OIDC_END_SESSION_ENDPOINT), the browser is then sent there too, so the
council's session ends as well and the provider returns people to the portal's signed-out page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse

from single_sign_on import matching

END_SESSION_ATTRIBUTE = "sso_end_session_url"


@receiver(user_logged_out, dispatch_uid="single_sign_on.provider_sign_out")
def provider_sign_out(sender, request, user, **kwargs):
    """Notes where the provider's sign-out is, before Django empties the session."""
    if request is None or not settings.SSO_OIDC_ENABLED:
        return
    endpoint = settings.SSO_OIDC_END_SESSION_ENDPOINT
    session = getattr(request, "session", None)
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
