"""Which page a parent's link opens, by its purpose. Each purpose's page lives in its own module
of family_voice/views and is called, behind views.parent.parent_page, as
`page(request, link, token)` for GET (drawing it) and POST (the parent's answer)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse

from family_voice.models import Purpose

# Pages for purposes served by apps above this one (evenings), registered in their ready().
_REGISTERED: dict[str, Callable[..., HttpResponse]] = {}


def register_page(purpose: str, page: Callable[..., HttpResponse]) -> None:
    _REGISTERED[purpose] = page


def for_purpose(purpose: str) -> Callable[..., HttpResponse]:
    from family_voice.views import before, compass, preferences, summary

    if purpose in _REGISTERED:
        return _REGISTERED[purpose]
    return {
        Purpose.VIEWS: before.page,
        Purpose.SUMMARY: summary.page,
        Purpose.PREFERENCES: preferences.page,
        Purpose.COMPASS: compass.page,
    }[Purpose(purpose)]
