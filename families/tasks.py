"""Background work for families: a CSV import run (dry run or import), so that a file of tens of
thousands of rows never runs inside a web request; and the nightly monthly contact rollup."""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.tasks import task
from django.utils import timezone

from families import importer
from families.import_runs import ImportRun
from families.rollups import rollup_refresh
from portal.models import School

logger = logging.getLogger("families")

FAULT = (
    "The import stopped because of a fault in the portal, and nothing was saved. Please try "
    "again; if it happens again, tell your IT team (import run {pk})."
)


class _Progress:
    """Writes rows done to the run as the importer reports them.

    The import is one transaction (a dry run and all-or-nothing roll back at the end), so its
    own connection cannot publish progress before it finishes: on PostgreSQL a second,
    autocommitting connection writes it. SQLite allows one writer at a time, so there the page
    shows progress only at the start and the end.
    """

    def __init__(self, run_pk: int):
        self.run_pk = run_pk
        self.side = None
        self.given_up = False

    def __call__(self, done: int, total: int) -> None:
        values = {"rows_done": done, "rows_total": total, "progress_at": timezone.now()}
        if not connection.in_atomic_block:
            ImportRun.objects.filter(pk=self.run_pk).update(**values)
        elif connection.vendor == "postgresql" and not self.given_up:
            self._write_aside(values)

    def _write_aside(self, values: dict) -> None:
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    # Never wait on a lock: progress is a courtesy, the import must go on.
                    cursor.execute("SET lock_timeout = '2s'")
            table = self.side.ops.quote_name(ImportRun._meta.db_table)
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET rows_done = %s, rows_total = %s, progress_at = %s"  # nosec B608
                    " WHERE id = %s",
                    [values["rows_done"], values["rows_total"], values["progress_at"], self.run_pk],
                )
        except DatabaseError:
            # Once is enough: the page shows the count at the end instead of slowing the run.
            self.given_up = True
            logger.warning("Import run %s: progress not written", self.run_pk, exc_info=True)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def import_run_execute(run_id: int) -> str:
    """Runs one queued import run to its end (done or failed); returns its status. A run that
    is not queued (already taken by another worker, or finished) is left alone."""
    now = timezone.now()
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=now, progress_at=now
    )
    if not claimed:
        return "skipped"
    run = ImportRun.objects.select_related("school").get(pk=run_id)
    progress = _Progress(run.pk)
    fields = {"finished_at": None}
    try:
        result = importer.families_import(
            content=run.content,
            school=run.school,
            dry_run=run.dry_run,
            all_or_nothing=run.all_or_nothing,
            progress=progress,
        )
    except importer.ImportFileError as exc:
        fields.update(status=ImportRun.Status.FAILED, problem=f"{exc} Nothing was saved.")
    except Exception:
        logger.exception("Import run %s failed", run.pk)
        fields.update(status=ImportRun.Status.FAILED, problem=FAULT.format(pk=run.pk))
    else:
        fields.update(
            status=ImportRun.Status.DONE,
            report=result.as_json(),
            rows_done=result.rows,
            rows_total=result.rows,
        )
    finally:
        progress.close()
    fields["finished_at"] = fields["progress_at"] = timezone.now()
    if not run.dry_run or fields["status"] == ImportRun.Status.FAILED:
        fields["content"] = ""  # the file is no longer needed: keep no copy of it
    ImportRun.objects.filter(pk=run.pk).update(**fields)
    logger.info("Import run %s into school %s: %s", run.pk, run.school_id, fields["status"])
    return fields["status"]


@task
def import_run_process(run_id: int) -> str:
    """Processes one import run (families.ImportRun) in the background."""
    return import_run_execute(run_id)


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
