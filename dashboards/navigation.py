"""The dashboards' navigation links and the headteacher's home panel, registered with the site
shell (portal.shell) from DashboardsConfig.ready()."""

from __future__ import annotations

from django.utils import timezone

from dashboards import figures
from dashboards.views.common import DASHBOARD
from portal import access, shell
from portal.models import Role


def _home_panel(request) -> dict | None:
    school = request.school
    if school is None or not access.is_headteacher(request.user, school):
        return None
    counts, attention = figures.school_at_a_glance(school, today=timezone.localdate())
    return {
        "rows": figures.region_rows(figures.regions_for(school), counts),
        "attention": attention,
    }


def _shows_dashboard(request) -> bool:
    return request.user.has_perm(DASHBOARD, request.school)


def _shows_own_balance(request) -> bool:
    return access.role_in(request.user, request.school) == Role.STAFF


def _shows_authority(request) -> bool:
    return bool(access.authority_ids(request.user))


def register_dashboard() -> None:
    """Called from DashboardsConfig.ready(): nav links and the headteacher's home panel."""
    shell.register_nav(
        shell.NavItem(
            label="Dashboard",
            url_name="dashboards:dashboard",
            allowed=_shows_dashboard,
            order=60,
        )
    )
    shell.register_nav(
        shell.NavItem(
            label="My contact balance",
            url_name="dashboards:my-contacts",
            allowed=_shows_own_balance,
            order=61,
        )
    )
    shell.register_nav(
        shell.NavItem(
            label="Authority",
            url_name="dashboards:authority",
            allowed=_shows_authority,
            order=62,
        )
    )
    shell.register_panel(
        shell.HomePanel(template="dashboards/dashboard_panel.html", render=_home_panel, order=40)
    )
