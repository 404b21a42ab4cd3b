"""The evenings' background tasks: a booking's confirmation, and reminders the day before (run
each afternoon, e.g. from cron through `manage.py evening_reminders`); the outbox's worker sends
them."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.tasks import task

from evenings.messages import confirmation_send, reminders_send

log = logging.getLogger(__name__)


@task
def evening_confirmation_send(booking_id: int) -> int:
    """Queue the confirmation of one booking in the outbox; returns how many messages. A booking
    stands whether or not its confirmation can be written (e.g. no words for the kind yet)."""
    try:
        return len(confirmation_send(booking_id))
    except ValidationError as problem:
        log.warning("No confirmation for booking %s: %s", booking_id, "; ".join(problem.messages))
        return 0


@task
def evening_reminders_send() -> int:
    """Queue tomorrow's appointment reminders; returns how many messages."""
    return reminders_send()
