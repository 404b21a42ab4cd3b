"""Marks the requests whose reads may go to the replica: GET requests for dashboards."""

from __future__ import annotations

from django.conf import settings

from scale.routers import _reading_dashboard

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
            if request._dashboard_reads_token is not None:
                _reading_dashboard.reset(request._dashboard_reads_token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            getattr(settings, "DASHBOARD_READ_DATABASE", None)
            and request.method in ("GET", "HEAD")
            and request.resolver_match is not None
            and request.resolver_match.view_name in DASHBOARD_VIEWS
        ):
            request._dashboard_reads_token = _reading_dashboard.set(True)
        return None
