"""The framework's floor: a bare Django page behind the same session and authentication
middleware as the portal, served in the same process and run as the portal's pages.

A signed-in request cannot cost less than this on this stack: the session read, the user read,
Django's request handling and a response. The benchmark's other rows are read against it
(`bench.pages`): the site shell (a signed-in portal page with no query of its own) against the
floor, and every page against the shell.

Nothing in the portal routes here: the floor's own client loads its middleware and URLs for
itself (`floor_client`), so the portal's settings and URLs are untouched.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler
from django.test.utils import override_settings
from django.urls import path
from django.utils.html import escape

# The portal's session and authentication middleware, in the portal's order; the last entry
# only points the request at this module's one URL.
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bench.floor.floor_urls",
]


def floor_urls(get_response):
    def middleware(request):
        request.urlconf = __name__
        return get_response(request)

    return middleware


def bare_page(request):
    """Who is signed in, in a tiny HTML page: reads the session and the user, as every portal
    page does, and nothing else."""
    name = escape(request.user.get_username()) if request.user.is_authenticated else "nobody"
    return HttpResponse(f"<!doctype html><title>Floor</title><p>Signed in as {name}.</p>")


urlpatterns = [path("floor/", bare_page, name="floor")]
URL = "/floor/"


class FloorHandler(ClientHandler):
    """The test client's handler with the floor's middleware instead of the portal's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with override_settings(MIDDLEWARE=MIDDLEWARE):
            self.load_middleware()


def floor_client(signed_in: Client) -> Client:
    """A client for the floor page that carries `signed_in`'s cookies (the same session)."""
    client = Client()
    client.handler = FloorHandler(enforce_csrf_checks=False)
    client.cookies = signed_in.cookies
    return client
