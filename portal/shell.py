"""The site shell's extension points: navigation links and home-page panels.

Feature apps register into these from their AppConfig.ready(), so the shell never imports
a feature app (dependencies point from feature apps to the portal, never back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from portal.urls_fast import fast_reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: Callable[[HttpRequest], bool]
    order: int = 50
    # For URLs that need arguments, e.g. lambda request: {"pk": request.school.pk}.
    url_kwargs: Callable[[HttpRequest], dict] | None = None


@dataclass(frozen=True)
class HomePanel:
    """A block on the home page: `render(request)` returns context for `template`, or None."""

    template: str
    render: Callable[[HttpRequest], dict | None]
    order: int = 50


_nav: list[NavItem] = []
_panels: list[HomePanel] = []


def register_nav(item: NavItem) -> None:
    if item not in _nav:
        _nav.append(item)
        _nav.sort(key=lambda i: i.order)


def register_panel(panel: HomePanel) -> None:
    if panel not in _panels:
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def nav_items_for(request: HttpRequest) -> list[dict]:
    current = request.resolver_match.view_name if request.resolver_match else None
    return [
        {
            "label": item.label,
            "url": _url(item.url_name, item.url_kwargs(request) if item.url_kwargs else None),
            "active": current == item.url_name,
        }
        for item in _nav
        if item.allowed(request)
    ]


def _url(name: str, kwargs: dict | None) -> str:
    """reverse(), kept for links without arguments: every page draws the same navigation. A
    link with one id (a school's team page) is drawn from its kept pattern (portal.urls_fast)."""
    if kwargs:
        if len(kwargs) == 1:
            return fast_reverse(name, args=tuple(kwargs.values()))
        return reverse(name, kwargs=kwargs)
    key = (get_script_prefix(), name)
    url = _reversed.get(key)
    if url is None:
        url = _reversed[key] = reverse(name)
    return url


_reversed: dict[tuple[str, str], str] = {}


@receiver(setting_changed)
def _forget_urls(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.clear()


def panels_for(request: HttpRequest) -> list[dict]:
    shown = []
    for panel in _panels:
        context = panel.render(request)
        if context is not None:
            shown.append({"template": panel.template, **context})
    return shown
