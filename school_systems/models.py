"""A school's OneRoster REST source and the record of each OneRoster import."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.models import School


class RosterSource(models.Model):
    """A school's OneRoster 1.1 REST endpoint (e.g. Groupcall Xporter), pulled on a schedule by
    the task worker with OAuth 2 client credentials. Administrators set it up in admin; the
    secret is written, never shown again."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+")
    base_url = models.URLField(
        "OneRoster base URL", help_text="e.g. https://xporter.example/ims/oneroster/v1p1"
    )
    token_url = models.URLField("OAuth 2 token URL")
    client_id = models.CharField("Client id", max_length=200)
    client_secret = models.CharField("Client secret", max_length=500)
    org_sourced_id = models.CharField(
        "The school's sourcedId",
        max_length=200,
        blank=True,
        help_text="The school's id in the school system, where the endpoint serves more than "
        "one school. Leave empty to take everyone the endpoint gives.",
    )
    every_hours = models.PositiveSmallIntegerField(
        "Pull every (hours)", default=24, help_text="How often to pull, in hours (1 to 168)."
    )
    active = models.BooleanField(default=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    next_pull_at = models.DateTimeField(null=True, blank=True)
    last_problem = models.TextField(blank=True)

    class Meta:
        verbose_name = "OneRoster source"

    def __str__(self):
        return f"OneRoster for {self.school}"


class RosterImport(models.Model):
    """One OneRoster import or dry run, from a CSV bundle or a pull: who ran it, from where,
    and its report (families.importer.ImportResult.as_json()). The access log names it."""

    class Source(models.TextChoices):
        CSV = "csv", "CSV bundle"
        API = "api", "REST endpoint"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=3, choices=Source)
    name = models.CharField(max_length=300, blank=True)  # the file, folder or URL
    version = models.CharField(max_length=5, blank=True)  # OneRoster 1.1 or 1.2
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    who = models.CharField(max_length=150, blank=True)  # e.g. "manage.py import_oneroster"
    dry_run = models.BooleanField(default=True)
    all_or_nothing = models.BooleanField(default=False)
    report = models.JSONField(default=dict, blank=True)
    problem = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "OneRoster import"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["school", "-created_at"], name="rosterimport_school")]

    # A check or import still unfinished this long after it was queued has stopped (a worker
    # killed, no worker running): the report page says so instead of "still working".
    STOPPED_AFTER = dt.timedelta(hours=1)

    def __str__(self):
        kind = "Dry run" if self.dry_run else "Import"
        return f"{kind} from {self.get_source_display()} into {self.school}"

    @property
    def seems_stopped(self) -> bool:
        return self.finished_at is None and timezone.now() - self.created_at > self.STOPPED_AFTER
