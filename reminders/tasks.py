"""The reminders' background tasks: one school's e-mails for a day, and every school's queued
(run each morning, e.g. from cron through `manage.py send_reminders`). The e-mails are written to
the outbox; reaching_out's worker task sends them."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from portal.models import School
from reminders.services import reminders_send


@task
def reminders_send_school(school_id: int, day: str | None = None) -> int:
    """Queue one school's reminder e-mails for `day` (ISO date; today if None) in the outbox;
    returns how many. Safe to run twice: nothing is queued twice the same day
    (reminders.services)."""
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
