"""The site shell's extension points: navigation links and home-page panels.

Feature apps register into these from their AppConfig.ready(), so the shell never imports
a feature app (dependencies point from feature apps to the portal, never back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.db.models import Exists, QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from portal.compiled import SCHOOL, SHAPE, USER, Compiled
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
    """A block on the home page: `render(request)` returns context for `template`, or None.

    `waiting(user=, school=, now=, today=, recent=)`, where given, returns the reads that find
    something whenever the panel would show something (they may find more: a superset, never
    less). The home page asks every panel's `waiting` in one query and does not render a panel
    whose reads all find nothing, so a member of staff with little waiting pays one read, not
    one or more per panel. `recent` is RECENT ago: a panel about a shorter time may use it.
    `render` still decides who sees the panel and what it shows; a panel of several reads may
    skip those whose `waiting` read found nothing (`found_waiting`).
    """

    template: str
    render: Callable[[HttpRequest], dict | None]
    order: int = 50
    waiting: Callable[..., Iterable[QuerySet]] | None = None


# How far back `recent` reaches in a panel's `waiting` reads (see HomePanel).
RECENT = dt.timedelta(days=14)


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
    quiet = _quiet_panels(request)
    shown = []
    for panel in _panels:
        if panel in quiet:
            continue
        context = panel.render(request)
        if context is not None:
            shown.append({"template": panel.template, **context})
    return shown


def _quiet_panels(request: HttpRequest) -> set[HomePanel]:
    """The panels whose `waiting` reads find nothing for this user at this school (one query)."""
    asking = tuple(p for p in _panels if p.waiting is not None)
    school = getattr(request, "school", None)
    if not asking or school is None or not request.user.is_authenticated:
        return set()
    now = timezone.now()
    found = _anything_waiting(
        user=request.user,
        school=school,
        now=now,
        today=timezone.localdate(now),
        recent=now - RECENT,
        panels=asking,
    )
    if not found:  # the school is gone, or no read was given: every panel answers for itself
        return set()
    busy = {int(name.split("_")[1]) for name, yes in found[0].items() if yes}
    # Each read's answer, for the panels drawn (found_waiting).
    reads: dict = {}
    for name, yes in found[0].items():
        _, n, r = name.split("_")
        reads.setdefault(asking[int(n)].waiting, {})[int(r)] = bool(yes)
    request._waiting_reads = {
        waiting: tuple(answers[r] for r in range(len(answers)))
        for waiting, answers in reads.items()
    }
    return {panel for n, panel in enumerate(asking) if n not in busy}


def found_waiting(request: HttpRequest, waiting: Callable) -> tuple[bool, ...] | None:
    """Whether each of a panel's `waiting` reads found anything on this home page, in their
    order (so its `render` may skip the reads of its own that would find nothing); None where
    the home page did not ask (another page, or no school): then every read must be made."""
    return getattr(request, "_waiting_reads", {}).get(waiting)


def _build_anything_waiting(user, school, now, today, recent, panels):
    from portal.models import School

    found = {
        f"waiting_{n}_{r}": Exists(read)
        for n, panel in enumerate(panels)
        for r, read in enumerate(
            panel.waiting(user=user, school=school, now=now, today=today, recent=recent)
        )
    }
    if not found:  # no panel gave a read: nothing to ask (values() with no names reads all)
        return School.objects.none().values()
    return School.objects.filter(pk=school.pk).annotate(**found).values(*found)


# Built once per process, school and set of panels (portal.compiled).
_anything_waiting = Compiled(
    _build_anything_waiting,
    user=USER,
    school=SCHOOL,
    now=dt.datetime,
    today=dt.date,
    recent=dt.datetime,
    panels=SHAPE,
)
