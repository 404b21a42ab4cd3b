"""Send dashboard reads to a read replica when one is configured (REPLICA_DATABASE_URL) and
healthy.

Only reads made while a dashboard is being served (scale.middleware, or the `dashboard_reads`
context manager) move; writes, sessions, logins and every other page stay on the primary, so a
replica that lags by a second never hides a contact someone has just logged.

A replica that is down, or further behind than REPLICA_MAX_LAG_SECONDS, is not used: the
dashboards read the primary until it is back. Each process checks the replica's health at
most every REPLICA_CHECK_SECONDS in a background thread (a fresh connection with a short
connect_timeout, and the replay lag), so no page waits for a replica that does not answer;
until a first check has answered, dashboards read the primary. An answer is trusted for two
check intervals: a process that served no dashboard for longer reads the primary while it asks
again, so no dashboard reads a replica more than REPLICA_MAX_LAG_SECONDS + 2 x
REPLICA_CHECK_SECONDS behind.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

_reading_dashboard: ContextVar[bool] = ContextVar("reading_dashboard", default=False)

# The apps whose tables dashboards aggregate; sessions, auth and audit tables never move.
REPLICA_APPS = frozenset({"portal", "families", "compass", "meetings", "scale"})

# Seconds behind the primary: 0 when all it has received is replayed, else the age of the last
# replayed transaction (an idle primary with a caught-up replica is not "behind").
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT NULL
         AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


@dataclass(frozen=True)
class Health:
    usable: bool
    lag_seconds: float | None
    checked_at: float  # time.monotonic()
    why: str = ""


_health: dict[str, Health] = {}
_checking: set[str] = set()
_lock = threading.Lock()


def probe(alias: str) -> Health:
    """Ask the replica now, on a connection of its own (closed after): reachable, and how far
    behind. Runs in the background thread, never in a request."""
    conn = connections.create_connection(alias)
    try:
        with conn.cursor() as cursor:
            asked = time.monotonic()  # when the lag is read, not when the answer came back
            if conn.vendor == "postgresql":
                cursor.execute(LAG_SQL)
                lag = float(cursor.fetchone()[0] or 0)
            else:
                cursor.execute("SELECT 1")
                lag = 0.0
    except Exception as exc:  # noqa: BLE001 - any failure means: do not use it now
        return Health(False, None, time.monotonic(), f"{type(exc).__name__}: {exc}".strip())
    finally:
        try:
            conn.close()
        except Exception:  # noqa: BLE001
            logger.debug("Closing the replica check's connection failed", exc_info=True)
    limit = getattr(settings, "REPLICA_MAX_LAG_SECONDS", 30.0)
    if lag > limit:
        return Health(False, lag, asked, f"{lag:.1f} s behind (limit {limit:g} s)")
    return Health(True, lag, asked)


def check(alias: str) -> Health:
    """Probe the replica and remember the answer for this process."""
    health = probe(alias)
    with _lock:
        before = _health.get(alias)
        _health[alias] = health
        _checking.discard(alias)
    if before is None or before.usable != health.usable:
        log = logger.info if health.usable else logger.warning
        log("Replica %s %s", alias, "in use" if health.usable else f"not used: {health.why}")
    return health


def mark_down(alias: str, why: str) -> None:
    """A dashboard read on the replica just failed: read the primary until a check says it
    is back."""
    with _lock:
        _health[alias] = Health(False, None, time.monotonic(), why)
    logger.warning("Replica %s not used: %s", alias, why)


def forget() -> None:
    """Forget what this process knows (tests; a new process starts empty)."""
    with _lock:
        _health.clear()
        _checking.clear()


def usable(alias: str) -> bool:
    """Whether dashboard reads may go to the replica now, from a recent check; starts a new
    check in the background when the last one is older than REPLICA_CHECK_SECONDS."""
    every = getattr(settings, "REPLICA_CHECK_SECONDS", 5.0)
    now = time.monotonic()
    with _lock:
        health = _health.get(alias)
        stale = health is None or now - health.checked_at >= every
        start = stale and alias not in _checking
        if start:
            _checking.add(alias)
    if start:
        threading.Thread(target=_check_quietly, args=(alias,), daemon=True).start()
    # An answer is trusted for two check intervals, so a dashboard never reads a replica more
    # than REPLICA_MAX_LAG_SECONDS + 2 x REPLICA_CHECK_SECONDS behind. An older one (a process
    # that served no dashboard for a while, or a check that hangs) means the primary until the
    # new check answers.
    return health is not None and health.usable and now - health.checked_at < 2 * every


def _check_quietly(alias: str) -> None:
    try:
        check(alias)
    except Exception:  # noqa: BLE001 - a check must never take the process down
        logger.exception("Checking the replica failed")
        with _lock:
            _checking.discard(alias)


@contextmanager
def dashboard_reads():
    """Within this block, reads of the portal's data go to the replica (if configured)."""
    token = _reading_dashboard.set(True)
    try:
        yield
    finally:
        _reading_dashboard.reset(token)


def configured_alias() -> str | None:
    alias = getattr(settings, "DASHBOARD_READ_DATABASE", None)
    return alias if alias and alias in settings.DATABASES else None


def replica_alias() -> str | None:
    """The alias dashboard reads use now, or None for the default database."""
    alias = configured_alias()
    if alias and _reading_dashboard.get():
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
