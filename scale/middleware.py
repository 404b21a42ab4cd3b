"""Marks the requests whose reads may go to the replica: GET requests for dashboards, while the
replica is healthy (scale.routers). If a dashboard's read on the replica fails all the same (it
stopped since the last check), the replica is marked down and the dashboard is drawn again from
the primary, so a staff member sees the page, not the busy page."""

from __future__ import annotations

import contextlib

from django.db import connections

from portal.lib import outage
from scale import routers

# Aggregate pages only: none of them shows a contact that was logged a second ago.
DASHBOARD_VIEWS = frozenset(
    {
        "dashboards:dashboard",
        "dashboards:dashboard-movement",
        "dashboards:dashboard-contacts",
        "dashboards:dashboard-attention",
        "dashboards:dashboard-csv",
        "dashboards:authority",
        "dashboards:authority-csv",
    }
)


class DashboardReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._dashboard_reads_token = None
        try:
            return self.get_response(request)
        finally:
            _stop_reading_replica(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        alias = routers.configured_alias()
        if (
            alias
            and request.method in ("GET", "HEAD")
            and request.resolver_match is not None
            and request.resolver_match.view_name in DASHBOARD_VIEWS
            and routers.usable(alias)
        ):
            request._dashboard_reads_token = routers._reading_dashboard.set(True)
        return None

    def process_exception(self, request, exception):
        alias = routers.configured_alias()
        if request._dashboard_reads_token is None or not alias:
            return None
        if not outage.is_unavailable(exception):
            return None
        # Most likely the replica (the session and user were read from the primary already):
        # stop using it and draw the page once more from the primary. If the primary is the
        # one that is down, this fails too and the busy page answers as usual.
        routers.mark_down(alias, f"a dashboard read failed: {type(exception).__name__}")
        _stop_reading_replica(request)
        with contextlib.suppress(Exception):  # the connection is already gone
            connections[alias].close()
        match = request.resolver_match
        try:
            return match.func(request, *match.args, **match.kwargs)
        except Exception as again:  # noqa: BLE001
            if outage.is_unavailable(again):
                return None  # the busy page, from DatabaseUnavailableMiddleware
            raise


def _stop_reading_replica(request) -> None:
    token = getattr(request, "_dashboard_reads_token", None)
    if token is not None:
        routers._reading_dashboard.reset(token)
        request._dashboard_reads_token = None
