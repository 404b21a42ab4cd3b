"""A CSV import run in the background: the uploaded file, who started it, its progress and its
report. Kept apart from families/models.py (imported there) because it is the importer's
bookkeeping, not a record about a family."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.models import School

# A dry run can be imported without uploading again for this long after it finished; then its
# copy of the file is emptied.
CONFIRM_WITHIN = timedelta(hours=24)
# No word from the worker for this long: the page says the import seems to have stopped.
QUIET_AFTER = timedelta(minutes=15)


class ImportRunQuerySet(models.QuerySet):
    def for_schools(self, school_ids: set[int] | None):
        """Runs of these schools (None: every school, for superusers)."""
        return self if school_ids is None else self.filter(school_id__in=school_ids)

    def for_list(self):
        return (
            self.select_related("school", "started_by")
            .defer("content", "report")
            .fetch_mode(models.FETCH_PEERS)
        )


class ImportRun(models.Model):
    """One dry run or import of a CSV file into a school, processed by families.tasks."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Stopped with a problem"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dry_run = models.BooleanField(default=True)
    all_or_nothing = models.BooleanField(default=False)
    # The dry run this import was started from (so it needed no second upload).
    checked_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    file_name = models.CharField(max_length=255, blank=True)
    # The file's text: pupils' and parents' details, so it is emptied once no longer needed
    # (when an import finishes, or a dry run is imported or expires).
    content = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(null=True, blank=True)  # known once the file is read
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)  # importer.ImportResult.as_json()
    problem = models.TextField(blank=True)  # why a failed run stopped, in plain words
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "-created_at"], name="importrun_school")]

    def __str__(self):
        return f"{'Dry run' if self.dry_run else 'Import'} #{self.pk} into {self.school_id}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def kind(self) -> str:
        return "Dry run" if self.dry_run else "Import"

    def result(self):
        """The report as the importer's ImportResult (headline, summary, rows with problems)."""
        from families.importer import ImportResult

        return ImportResult.from_json(self.report) if self.report else None

    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.rows_done * 100 // self.rows_total)

    def seems_stopped(self, now=None) -> bool:
        """Queued or running with no news for a while: no worker, or the worker died."""
        if self.finished:
            return False
        last = self.progress_at or self.started_at or self.created_at
        return (now or timezone.now()) - last > QUIET_AFTER

    def confirm_expired(self, now=None) -> bool:
        return (
            self.finished_at is None
            or (now or timezone.now()) - self.finished_at > CONFIRM_WITHIN
            or not self.content
        )

    def can_be_imported(self) -> bool:
        """Whether this finished dry run may be imported now, without a second upload."""
        result = self.result()
        return (
            self.dry_run
            and self.status == self.Status.DONE
            and result is not None
            and result.can_confirm
            and not self.confirm_expired()
        )
