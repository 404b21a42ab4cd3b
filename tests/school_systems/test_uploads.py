"""A checked OneRoster bundle holds pupils' and parents' details: it is kept for "Confirm and
import" for a day at most, and the schedule deletes it after that even if nobody uploads again."""

import datetime as dt
import io

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from school_systems import uploads
from school_systems.models import RosterImport


def _checked(school, *, hours_ago: int) -> RosterImport:
    row = RosterImport.objects.create(
        school=school,
        source=RosterImport.Source.CSV,
        name="bundle.zip",
        dry_run=True,
        created_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )
    uploads.keep(row, b"PK\x05\x06" + b"\0" * 18, org="")
    return row


def test_the_scheduled_pull_deletes_bundles_kept_over_a_day(
    cast, django_capture_on_commit_callbacks
):
    fresh = _checked(cast.school, hours_ago=1)
    old = _checked(cast.school, hours_ago=25)  # kept last: keeping one sweeps the others
    old_key, fresh_key = old.report["upload"], fresh.report["upload"]
    assert default_storage.exists(old_key) and uploads.read(old) is not None

    with django_capture_on_commit_callbacks(execute=True):
        call_command("pull_oneroster", "--due", stdout=io.StringIO())

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert not default_storage.exists(old_key) and "upload" not in old.report
    assert uploads.read(old) is None
    assert default_storage.exists(fresh_key) and uploads.read(fresh) is not None


def test_a_confirmed_bundle_is_forgotten(cast, django_capture_on_commit_callbacks):
    row = _checked(cast.school, hours_ago=0)
    key = row.report["upload"]
    with django_capture_on_commit_callbacks(execute=True):
        uploads.forget(row)
    row.refresh_from_db()
    assert not default_storage.exists(key) and uploads.read(row) is None


def test_keeping_a_bundle_asks_the_worker_to_sweep_after_a_day(
    cast, settings, django_capture_on_commit_callbacks
):
    """Where the worker can wait (the database backend in production), no cron is needed: each
    kept bundle queues a sweep for just after its day is up."""
    from django.tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        kept = _checked(cast.school, hours_ago=0)
    assert kept.report["upload"]
    queued = [r for r in backend.results if r.task.name == "uploads_sweep"]
    assert len(queued) == 1
    assert queued[0].task.run_after >= before + uploads.KEEP_UPLOAD_FOR


def test_a_bundle_forgotten_in_an_import_that_fails_is_kept(
    cast, django_capture_on_commit_callbacks
):
    """The file goes only once the forgetting is committed: an import that fails and rolls
    back leaves the bundle to confirm again."""
    from django.db import transaction

    row = _checked(cast.school, hours_ago=0)
    key = row.report["upload"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                uploads.forget(row)
                raise RuntimeError("the import failed")
        except RuntimeError:
            pass
    assert callbacks == []
    row.refresh_from_db()
    assert default_storage.exists(key) and uploads.read(row) is not None
