"""The busy page: what a request gets when the database is stopped, unreachable or locked.

Rendered without touching the database (no session, user or school lookups, no context
processors), with status 503. A form that was being sent is not saved; if the request passed
its CSRF check, the text typed into it is shown back to copy (never passwords or codes).
Used by DatabaseUnavailableMiddleware and the 500 handler; docs/outages.md.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.csp import build_policy

logger = logging.getLogger(__name__)

# A stopped or unreachable server, a dropped connection, a lock or statement timeout.
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# Never shown back, whatever they hold.
_SECRET_NAME = re.compile(r"csrf|token|password|secret|code|otp|edited_from|^next$", re.I)
_LETTER = re.compile(r"[^\W\d_]")


def is_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, UNAVAILABLE)


def busy_response(request, exc: BaseException) -> HttpResponse:
    """The 503 busy page for this request; a POST's typed text is shown back to copy."""
    logger.warning(
        "Database unavailable for %s %s: %s: %s",
        request.method,
        request.path,
        type(exc).__name__,
        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
    )
    saving = request.method == "POST"
    context = {
        "saving": saving,
        "typed": _typed_text(request) if saving else [],
        "retry_url": request.path if request.method == "GET" else "",
    }
    body = loader.get_template("errors/503.html").render(context)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)  # it may hold what the user typed
    response.headers.setdefault("Content-Security-Policy", build_policy(settings.SECURE_CSP))
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _typed_text(request) -> list[tuple[str, str]]:
    """(label, text) for each field of the POST that holds words someone typed."""
    if not _csrf_ok(request):
        return []  # a request forged from another site gets nothing echoed back
    typed = []
    for name, values in request.POST.lists():
        if _SECRET_NAME.search(name):
            continue
        for value in values:
            text = value.strip()
            # Words, not a choice code, an id or a date: letters with a space, or long.
            if _LETTER.search(text) and (" " in text or "\n" in text or len(text) > 40):
                typed.append((_label(name), text))
    return typed


def _label(name: str) -> str:
    name = name.rsplit("-", 1)[-1]  # a prefixed form's field: "best_hopes-words"
    return name.replace("_", " ").strip().capitalize() or "Text"


def _csrf_ok(request) -> bool:
    if getattr(request, "csrf_processing_done", False):
        return True
    # The CSRF check needs only the cookie and the form, never the database.
    rejected = CsrfViewMiddleware(lambda request: None).process_view(request, _busy_view, (), {})
    return rejected is None


def _busy_view(request):  # pragma: no cover - only passed to the CSRF check, never called
    raise AssertionError
