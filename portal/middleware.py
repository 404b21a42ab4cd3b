"""Works out which school the signed-in member of staff is working in for this request."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from portal import access
from portal.lib import outage, saving

SESSION_KEY = "current_school_id"


class DatabaseUnavailableMiddleware:
    """When the database is stopped, unreachable or locked: the busy page (503), never a 500.

    Placed just after AuthenticationMiddleware, it loads the session and the user first, where
    a failure can be caught; a view's failure comes to process_exception; one in a later
    middleware reaches the 500 handler, which answers the same way. A save caught by
    portal.lib.saving (the form again, with the user's text) is answered 503 too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.user.is_authenticated  # noqa: B018 - loads the session and the user now
        except outage.UNAVAILABLE as exc:
            return outage.busy_response(request, exc)
        # Loaded: the user itself from here on, not the lazy wrapper, whose every attribute
        # read goes through a proxy (some hundreds on each page).
        request.user = getattr(request.user, "_wrapped", request.user)
        response = self.get_response(request)
        if getattr(request, saving.FAILED_ATTRIBUTE, False) and response.status_code < 500:
            response.status_code = 503
            response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
        return response

    def process_exception(self, request, exception):
        if outage.is_unavailable(exception):
            saving.close_if_broken()
            return outage.busy_response(request, exception)
        return None


class CurrentSchoolMiddleware:
    """Sets request.school and request.membership from the session's chosen school.

    A user with one place to work (one school, or an authority as its officer, however many
    of its schools the role was given at) is placed in it; a user with several is sent to the
    chooser first, and again if the school they chose is no longer theirs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.school = None
        request.membership = None
        if request.user.is_authenticated:
            mine = access.memberships(request.user)
            chosen = mine.get(request.session.get(SESSION_KEY))
            if chosen is None:
                # A choice that is no longer theirs (the role ended) is forgotten, not kept.
                request.session.pop(SESSION_KEY, None)
                places = access.places(request.user)
                if len(places) == 1:
                    chosen = places[0]
            if chosen is not None:
                request.membership = chosen
                request.school = chosen.school
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.user.is_authenticated
            and request.school is None
            and len(access.places(request.user)) > 1
            and getattr(view_func, "needs_school", True)
        ):
            url = reverse("school-switch") + "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return None


def school_optional(view_func):
    """Marks a view that works before a user with several schools has chosen one."""
    view_func.needs_school = False
    return view_func


class NoStoreMiddleware:
    """Every response to a signed-in user is `Cache-Control: no-store` (and `Pragma: no-cache`
    for old proxies): nearly every page and download holds children's or families' details,
    which must not stay in a shared computer's browser cache or a proxy. Static files are
    served earlier, by WhiteNoise, and keep their long cache; the login page is unaffected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        # After the response too: the login view signs in during the request, logout out.
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
