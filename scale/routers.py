"""Send dashboard reads to a read replica when one is configured (REPLICA_DATABASE_URL).

Only reads made while a dashboard is being served (scale.middleware, or the `dashboard_reads`
context manager) move; writes, sessions, logins and every other page stay on the primary, so a
replica that lags by a second never hides a contact someone has just logged.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_reading_dashboard: ContextVar[bool] = ContextVar("reading_dashboard", default=False)

# The apps whose tables dashboards aggregate; sessions, auth and audit tables never move.
REPLICA_APPS = frozenset({"portal", "families", "compass", "meetings", "scale"})


@contextmanager
def dashboard_reads():
    """Within this block, reads of the portal's data go to the replica (if configured)."""
    token = _reading_dashboard.set(True)
    try:
        yield
    finally:
        _reading_dashboard.reset(token)


def replica_alias() -> str | None:
    """The alias dashboard reads use now, or None for the default database."""
    alias = getattr(settings, "DASHBOARD_READ_DATABASE", None)
    if alias and alias in settings.DATABASES and _reading_dashboard.get():
        return alias
    return None


class DashboardReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in REPLICA_APPS:
            return replica_alias()
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        alias = getattr(settings, "DASHBOARD_READ_DATABASE", None)
        same = {"default", alias}
        if obj1._state.db in same and obj2._state.db in same:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints):
        # A replica copies the primary; it is never migrated on its own.
        if db != "default" and db == getattr(settings, "DASHBOARD_READ_DATABASE", None):
            return False
        return None
