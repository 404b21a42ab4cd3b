"""The outbox's background task: send what is due (run by the database worker after each
message is written, at the time a held message may go, and by `manage.py send_messages`)."""

from __future__ import annotations

from django.tasks import task

from reaching_out import services


@task
def messages_send_due() -> int:
    """Send every message that is due; returns how many went. Safe to run in several workers
    at once: each message is claimed by one (reaching_out.services)."""
    return services.send_due().sent


@task
def notify_statuses_poll() -> int:
    """Ask GOV.UK Notify how messages sent through it ended (where callbacks cannot reach us)."""
    return services.poll_notify()
