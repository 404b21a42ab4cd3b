"""Where to go next: a `next` address from the request, if it is a path on this site."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def local_next(request) -> str:
    """The request's `next` (POST, then GET) if it is a local path, else "". Anything else is
    refused: another site would make an open redirect, and a bare word (e.g. "home") would be
    taken for a view name by redirect()."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, {request.get_host()}, request.is_secure()
    ):
        return url
    return ""
