"""Sign-in safeguards: the client's address, the session's absolute limit, and required 2FA."""

import functools
import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, empty
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from portal import access

LOGIN_AT_SESSION_KEY = "signed_in_at"
SEEN_AT_SESSION_KEY = "seen_at"
# Views a signed-in user reaches before confirming a code: signing out, and the 2FA pages.
TWO_FACTOR_EXEMPT_URL_NAMES = frozenset({"logout", "otp-setup", "otp-verify"})
# Set by single sign-on (single_sign_on/) when the council's provider asserted multi-factor
# sign-in and the council's settings accept that (SSO_ACCEPT_PROVIDER_MFA): the session then
# counts as two-factor without the portal's own code.
PROVIDER_MFA_SESSION_KEY = "provider_mfa"
# The single sign-on backends, each with the setting that switches its protocol on: the flag
# above counts only in a session one of them began, while that protocol is on.
SSO_BACKENDS = {
    "single_sign_on.oidc.CouncilOIDCBackend": "SSO_OIDC_ENABLED",
    "single_sign_on.saml.CouncilSaml2Backend": "SSO_SAML_ENABLED",
}


def provider_mfa_counts(request, user) -> bool:
    """Whether this session's provider-MFA flag stands for the portal's code: set by a single
    sign-on that is still switched on and accepted, and never for an admin (is_staff) account.
    A later password sign-in in the same browser keeps the session's data, so the flag alone
    is not enough."""
    session = request.session
    switch = SSO_BACKENDS.get(session.get(BACKEND_SESSION_KEY, ""))
    return bool(
        session.get(PROVIDER_MFA_SESSION_KEY)
        and switch
        and getattr(settings, switch, False)
        and getattr(settings, "SSO_ACCEPT_PROVIDER_MFA", False)
        and not (user.is_staff or user.is_superuser)
    )


def client_ip(request) -> str | None:
    """The address the request came from, trusting only the PROXY_COUNT proxies in front of us.

    Used for login lockouts (django-axes) and the access log. Each trusted proxy appends the
    address it saw to X-Forwarded-For, so the client is the entry PROXY_COUNT from the right;
    anything further left was written by the client and is not believed.
    """
    address = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            address = forwarded[-count]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


class SessionLimitMiddleware:
    """Ends a session a fixed time after sign-in, however active it has been, and notes when
    that was. Idle sessions end through SESSION_COOKIE_AGE: an active session is saved (its
    expiry pushed on) at most once every SESSION_REFRESH_SECONDS rather than on every request,
    so it ends between 29 and 30 idle minutes after the last request. A disabled user's session
    ends because Django's backend no longer loads an inactive user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.get(LOGIN_AT_SESSION_KEY)
            if signed_in_at is None:
                request.session[LOGIN_AT_SESSION_KEY] = time.time()
            elif time.time() - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(
                    request,
                    "For safety you have been signed out after a long session. "
                    "Please sign in again.",
                )
        response = self.get_response(request)
        # Sign-in happens inside the view: stamp the new session on its way out.
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and LOGIN_AT_SESSION_KEY not in request.session
        ):
            request.session[LOGIN_AT_SESSION_KEY] = time.time()
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            now = time.time()
            if now - session.get(SEEN_AT_SESSION_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[SEEN_AT_SESSION_KEY] = now  # modified: saved, with a fresh expiry
        return response


class OTPSessionMiddleware(OTPMiddleware):
    """django-otp's middleware, without a query on every request: a session that confirmed a
    code stays confirmed until it ends (the device row is loaded only if something asks for
    it). Removing someone's authenticator in admin therefore applies from their next sign-in;
    disabling the user ends their session at once. A single sign-on session whose provider
    asserted multi-factor counts as confirmed only while the council's settings accept that."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        loaded = getattr(user, "_wrapped", user)
        if self._is_async or user is None or loaded is empty:
            return super().__call__(request)
        # The user is loaded by now (DatabaseUnavailableMiddleware) and this costs no query, so
        # it is done at once: behind django-otp's lazy wrapper every attribute read of
        # request.user goes through a proxy, some hundreds on each page.
        request.user = self._verify_user_sync(request, loaded)
        auser = getattr(request, "auser", None)
        if auser is not None:
            request.auser = functools.partial(self._verify_user_async_via_auser, request, auser)
        return self.get_response(request)

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if user.is_authenticated and persistent_id:
            user.otp_device = SimpleLazyObject(
                functools.partial(self._device_from_persistent_id, persistent_id)
            )
        elif user.is_authenticated and provider_mfa_counts(request, user):
            user.is_verified = lambda: True
        return user


class TwoFactorRequiredMiddleware:
    """Sends a user who must use two-factor, and has not confirmed a code this session, to set
    it up or to enter a code before any other page (admin included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None  # public pages: login, password reset, error pages
        match = request.resolver_match
        if match is not None and match.url_name in TWO_FACTOR_EXEMPT_URL_NAMES:
            return None
        if not access.needs_two_factor(user):
            return None
        from django_otp.plugins.otp_totp.models import TOTPDevice

        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        target = reverse("otp-verify" if has_device else "otp-setup")
        return redirect(target + "?" + urlencode({"next": request.get_full_path()}))
