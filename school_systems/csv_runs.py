"""OneRoster CSV bundles checked and imported by the task worker, never in admin's request: a
secondary school's bundle means tens of thousands of queries, longer than a web request may
take. Admin keeps the bundle (school_systems/uploads.py), makes an unfinished RosterImport and
queues `roster_csv_run`; the report page says "still working" until the row is finished. With
the ImmediateBackend (development, tests) the task runs at once."""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from school_systems import csv_bundle, uploads
from school_systems.bundle import BundleError
from school_systems.models import RosterImport
from school_systems.roster_import import bundle_import

logger = logging.getLogger(__name__)

FAULT = (
    "The check stopped because of a fault in the portal (OneRoster import #{pk}); the IT team "
    "can find it in the server log. Nothing was saved."
)


def _claim(row_id: int) -> RosterImport | None:
    """The row, taken for this worker (None if gone, finished or taken by another)."""
    with transaction.atomic():
        row = (
            RosterImport.objects.select_for_update()
            .select_related("school")
            .filter(pk=row_id, finished_at__isnull=True)
            .first()
        )
        if row is None or row.report.get("started"):
            return None
        row.report = {**row.report, "started": timezone.now().isoformat()}
        row.save(update_fields=["report"])
        return row


def run_execute(row_id: int) -> str:
    """Checks (a dry run) or imports the bundle kept for one RosterImport, and finishes the
    row with its report or its problem; returns "done", "problem" or "skipped"."""
    row = _claim(row_id)
    if row is None:
        return "skipped"
    kept = {key: row.report[key] for key in ("upload", "org") if key in row.report}
    result, problem, version = None, "", row.version
    try:
        data = uploads.read(row)
        if data is None:
            raise BundleError("The bundle is no longer kept: upload it again.")
        bundle = csv_bundle.read_zip(data, row.name)
        version = bundle.version
        result = bundle_import(
            bundle,
            school=row.school,
            dry_run=row.dry_run,
            all_or_nothing=row.all_or_nothing,
            org=kept.get("org", ""),
        )
    except BundleError as exc:
        problem = f"{exc}"
    except Exception:
        logger.exception("OneRoster import %s failed", row.pk)
        problem = FAULT.format(pk=row.pk)
    row.report = {**(result.as_json() if result is not None else {}), **kept}
    row.problem, row.version, row.finished_at = problem, version, timezone.now()
    row.save(update_fields=["report", "problem", "version", "finished_at"])
    # The bundle stays only for a check that can be confirmed; an import no longer needs it.
    if not (row.dry_run and result is not None and result.can_confirm):
        uploads.forget(row)
    logger.info("OneRoster import %s into school %s: %s", row.pk, row.school_id, problem or "done")
    return "problem" if problem else "done"


@task
def roster_csv_run(row_id: int) -> str:
    """Checks or imports one OneRoster bundle kept in admin, in the background."""
    return run_execute(row_id)
