"""Background work through Django's tasks API (django.tasks); a database-backed worker
(django-tasks-db's `db_worker` command) runs it without any extra server."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from portal.models import School
from scale.services import rollup_refresh


@task
def rollup_refresh_school(school_id: int) -> int:
    """Refresh one school's monthly contact rollup; returns the number of months."""
    school = School.objects.filter(pk=school_id).first()
    return 0 if school is None else rollup_refresh(school=school)


@task
def rollups_refresh_all() -> int:
    """Queue a refresh for every school (run nightly, e.g. from cron); returns how many."""
    ids = list(School.objects.values_list("pk", flat=True))
    for school_id in ids:
        rollup_refresh_school.enqueue(school_id)
    return len(ids)


@task
def reminders_send_school(school_id: int, day: str | None = None) -> int:
    """Send one school's reminder e-mails for `day` (ISO date; today if None); returns how many
    e-mails went. Safe to run twice: nothing is sent twice the same day (scale.reminders)."""
    from scale.reminders import reminders_send

    school = School.objects.filter(pk=school_id).first()
    if school is None:
        return 0
    when = dt.date.fromisoformat(day) if day else None
    return reminders_send(school=school, day=when).emails


@task
def reminders_send_all(day: str | None = None) -> int:
    """Queue the reminders of every school (run each morning, e.g. from cron); returns how many."""
    ids = list(School.objects.values_list("pk", flat=True))
    for school_id in ids:
        reminders_send_school.enqueue(school_id, day)
    return len(ids)
