"""OneRoster pulls in the background, through Django's tasks API: one source on demand, and the
schedule, which pulls every source that is due and then asks the worker to wake it again when
the next one is (run_after). A backend that cannot wait (ImmediateBackend, the default in
development) runs no schedule: cron runs `manage.py pull_oneroster --due` instead."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.tasks import task
from django.utils import timezone

from school_systems import pulls
from school_systems.models import RosterSource

# Never wake the schedule sooner than this after a run, whatever is due.
MIN_GAP = dt.timedelta(minutes=1)


@task
def roster_pull(source_id: int, dry_run: bool = False, user_id: int | None = None) -> int | None:
    """Pull one source now, for the user who asked (admin's "Pull now"); returns the
    RosterImport's id (None if the source is gone)."""
    source = RosterSource.objects.select_related("school").filter(pk=source_id).first()
    if source is None:
        return None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    who = f"Pull now in admin by {user.get_username()}" if user else pulls.WHO
    return pulls.roster_pull(source=source, dry_run=dry_run, user=user, who=who).pk


@task
def roster_pulls_due() -> int:
    """Pull every active source whose next pull has come, then schedule the next wake-up;
    returns how many were pulled."""
    try:
        done = pulls.pulls_due()
    finally:
        schedule_next()  # even after a fault, so the schedule never stops
    return len(done)


def _queued_by_worker(backend, before: dt.datetime) -> bool:
    """Whether the database worker already holds a wake-up at or before `before` (so that
    every run, and every admin save, does not add one more chain of wake-ups)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=roster_pulls_due.module_path,
        status="READY",
        backend_name=backend.alias,
        run_after__lte=before,
    ).exists()


def schedule_next() -> dt.datetime | None:
    """Asks the worker to run the schedule when the next source is due; returns when, or None
    (nothing active, a wake-up already queued by then, or a backend that cannot wait)."""
    backend = roster_pulls_due.get_backend()
    if not backend.supports_defer:
        return None
    when = pulls.next_due()
    if when is None:
        return None
    when = max(when, timezone.now() + MIN_GAP)
    if _queued_by_worker(backend, when):
        return None
    roster_pulls_due.using(run_after=when).enqueue()
    return when
