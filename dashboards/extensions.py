"""Extension point of the school dashboard, for apps built above dashboards (e.g. the family
voice): extra panels drawn on its first page, below the figures.

Apps register from their AppConfig.ready(); dashboards never imports them. A panel's `context`
gets the request (the view has checked that the user may see the school's dashboard) and
returns a dict for its template, or None to leave the panel out. It reads what it shows in a
fixed number of queries, only of what the user may see, and hides small numbers as the rest of
the dashboard does (dashboards.authority.suppress_table, SUPPRESS_BELOW). Panels are drawn on
the full page only, not on a filter's quick repaint, and are not narrowed by the filters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class DashboardPanel:
    template: str
    context: Callable[[HttpRequest], dict | None]
    order: int = 50


_panels: list[DashboardPanel] = []


def register_panel(panel: DashboardPanel) -> None:
    if panel not in _panels:
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def panels() -> list[DashboardPanel]:
    return list(_panels)


def panels_for(request: HttpRequest) -> list[dict]:
    """The registered panels with something to show this user: {"template": ..., **context}."""
    return [
        {"template": panel.template, **ctx}
        for panel in _panels
        if (ctx := panel.context(request)) is not None
    ]
