"""The council's reporting tools fetch the figures here with an API token
(`Authorization: Bearer <token>`), never a session: no sign-in, no redirect to the login page.
A missing, unknown or revoked token is a 401 in plain words. An address that keeps presenting
bad tokens is refused for a while before the database is asked anything (as parents' links
tried at random are, family_voice.views.parent), so nobody can hammer the token table."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import audit
from council_data import exports
from council_data.figures import council_figures
from council_data.models import CouncilToken
from dashboards import figures as dashboard_figures
from dashboards.figures import PERIOD_CHOICES
from portal.http import SchoolRequest
from portal.middleware import school_optional
from portal.security import client_ip

REALM = 'Bearer realm="council-data"'
PERIODS = {key for key, _label in PERIOD_CHOICES}


def _throttle_key(request: SchoolRequest) -> str:
    return f"council_data:bad-token:{client_ip(request) or ''}"


def _throttled(request: SchoolRequest) -> bool:
    return cache.get(_throttle_key(request), 0) >= settings.COUNCIL_DATA_BAD_TOKENS


def _count_bad_token(request: SchoolRequest) -> None:
    key = _throttle_key(request)
    if cache.add(key, 1, settings.COUNCIL_DATA_BAD_TOKEN_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, settings.COUNCIL_DATA_BAD_TOKEN_WINDOW)


def _error(status: int, message: str, *, challenge: str | None = None) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    if challenge is not None:
        response["WWW-Authenticate"] = challenge
    return response


def _unauthorised(message: str, *, invalid: bool = True) -> JsonResponse:
    challenge = f'{REALM}, error="invalid_token"' if invalid else REALM
    return _error(401, message, challenge=challenge)


def _bearer(request: SchoolRequest) -> str | None:
    scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _token_for_request(request: SchoolRequest) -> CouncilToken | JsonResponse:
    """The live token the request carries, or the answer refusing it."""
    secret = _bearer(request)
    if secret is None:
        return _unauthorised(
            "This address needs your council's API token, sent as "
            "“Authorization: Bearer <token>”. An officer of your authority can make one on "
            "the page “Data for your council”.",
            invalid=False,
        )
    if _throttled(request):
        response = _error(
            429,
            "Too many wrong tokens came from this address. Wait a few minutes, then try again "
            "with the right token.",
        )
        response["Retry-After"] = str(settings.COUNCIL_DATA_BAD_TOKEN_WINDOW)
        return response
    token = CouncilToken.find(secret)
    if token is None:
        _count_bad_token(request)
        return _unauthorised(
            "This token is not one we know. Check that it was copied whole, or ask an officer "
            "of your authority for a new one."
        )
    if token.revoked_at is not None:
        _count_bad_token(request)
        return _unauthorised(
            "This token has been revoked and no longer opens any figures. Ask an officer of "
            "your authority for a new one."
        )
    return token


def _api(request: SchoolRequest, fmt: str):
    token = _token_for_request(request)
    if isinstance(token, JsonResponse):
        return token
    key = request.GET.get("period", "term")
    if key not in PERIODS:
        return _error(400, f"The period must be one of: {', '.join(sorted(PERIODS))}.")
    export = council_figures(token.authority, dashboard_figures.period_for(key))
    now = timezone.now()
    CouncilToken.objects.filter(pk=token.pk).update(last_used_at=now)
    audit.record_system(
        action=audit.EXPORT, obj=token, school=None, who=f"council API token {token.name}"
    )
    if fmt == "csv":
        return exports.csv_download(export, exports.filename_for(export))
    return exports.json_response(export)


@require_GET
@login_not_required
@school_optional
@never_cache
def api_figures_json(request: SchoolRequest):
    """The authority's figures as JSON, for the token's authority only."""
    return _api(request, "json")


@require_GET
@login_not_required
@school_optional
@never_cache
def api_figures_csv(request: SchoolRequest):
    """The authority's figures as one long CSV table, for the token's authority only."""
    return _api(request, "csv")
