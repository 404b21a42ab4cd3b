"""The evenings' background task: reminders the day before (run each afternoon, e.g. from cron
through `manage.py evening_reminders`); the outbox's worker sends them."""

from __future__ import annotations

from django.tasks import task

from evenings.messages import reminders_send


@task
def evening_reminders_send() -> int:
    """Queue tomorrow's appointment reminders; returns how many messages."""
    return reminders_send()
