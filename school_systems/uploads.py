"""Checked OneRoster bundles waiting for "Confirm and import" in admin. They hold pupils' and
parents' details, so each is kept only until it is imported, or for a day: `sweep` deletes the
rest. It runs at each upload and with every scheduled pull (the task worker's schedule, or
`manage.py pull_oneroster --due` from cron), so a forgotten bundle does not wait for the next
upload to go; and where the task worker can wait, each kept bundle also asks it to sweep
just after its day is up, so a council with no OneRoster REST source and no cron still has
them deleted on time."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from school_systems.models import RosterImport

KEEP_UPLOAD_FOR = timedelta(hours=24)
UPLOADS = "school_systems/oneroster"  # folder in default storage for checked bundles


def keep(row: RosterImport, data: bytes, org: str) -> None:
    """Keeps a checked bundle for its dry run `row` to be confirmed later."""
    sweep()
    key = default_storage.save(f"{UPLOADS}/{uuid.uuid4().hex}.zip", ContentFile(data))
    row.report = {**row.report, "upload": key, "org": org}
    row.save(update_fields=["report"])
    if uploads_sweep.get_backend().supports_defer:
        when = timezone.now() + KEEP_UPLOAD_FOR + timedelta(minutes=1)
        transaction.on_commit(lambda: uploads_sweep.using(run_after=when).enqueue())


def read(row: RosterImport) -> bytes | None:
    """The bundle kept for `row`, or None (imported already, swept, or never kept)."""
    key = row.report.get("upload")
    if not key or not default_storage.exists(key):
        return None
    with default_storage.open(key, "rb") as handle:
        return handle.read()


def hand_over(checked: RosterImport, to: RosterImport) -> None:
    """Passes the bundle kept for a check to the import that confirms it (no copy is made):
    the check no longer holds it, so it cannot be confirmed twice."""
    key = checked.report.pop("upload", None)
    checked.save(update_fields=["report"])
    to.report = {**to.report, "upload": key, "org": checked.report.get("org", "")}
    to.save(update_fields=["report"])


def forget(row: RosterImport) -> None:
    """Forgets the bundle kept for `row`, if any, at once (nobody else can read it now), and
    deletes its file once that is committed: an import that fails and rolls back leaves the
    bundle to confirm again."""
    key = row.report.pop("upload", None)
    row.save(update_fields=["report"])
    if key:
        transaction.on_commit(lambda: default_storage.delete(key))


def sweep() -> int:
    """Deletes every checked bundle kept for more than a day; returns how many."""
    stale = RosterImport.objects.filter(
        report__has_key="upload", created_at__lt=timezone.now() - KEEP_UPLOAD_FOR
    )
    rows = list(stale)
    for row in rows:
        forget(row)
    return len(rows)


@task
def uploads_sweep() -> int:
    """The sweep, for the task worker a day after a bundle was kept."""
    return sweep()
