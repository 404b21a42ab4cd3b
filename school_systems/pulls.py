"""Pulling one school's roster from its OneRoster REST source: read it (school_systems.api),
import it with the same importer as a CSV bundle (school_systems.roster_import), keep a
RosterImport row and an access-log entry, and set when the next pull is due.

Called by the task worker (school_systems/tasks.py), the `pull_oneroster` command and the
admin actions alike."""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone

import audit
from families.importer import ImportResult
from school_systems import api, uploads
from school_systems.bundle import BundleError
from school_systems.models import RosterImport, RosterSource
from school_systems.roster_import import bundle_import, record_import

logger = logging.getLogger("school_systems")

WHO = "OneRoster pull"
FAULT = (
    "The pull stopped because of a fault in the portal, and nothing was saved. The next pull "
    "will try again; if it happens again, tell your IT team (OneRoster source {pk})."
)
# After a failed pull, try again within the hour rather than wait a whole day.
RETRY_AFTER_FAILURE = dt.timedelta(hours=1)


def roster_pull(
    *, source: RosterSource, dry_run: bool = False, who: str = WHO, user=None, **client_options
) -> RosterImport:
    """Pull one source now. A dry run reports what would change and saves nothing (nor moves
    the schedule); a pull records its problem, if any, on the source and sets the next pull.
    Never raises for what the school system did: the problem is on the returned row."""
    started = timezone.now()
    result: ImportResult | None = None
    problem = ""
    try:
        bundle = api.fetch_bundle(
            base_url=source.base_url,
            token_url=source.token_url,
            client_id=source.client_id,
            client_secret=source.client_secret,
            org=source.org_sourced_id,
            **client_options,
        )
        result = bundle_import(
            bundle, school=source.school, dry_run=dry_run, org=source.org_sourced_id
        )
    except (api.OneRosterError, BundleError) as exc:
        problem = f"{exc} Nothing was saved."
    except Exception:
        logger.exception("OneRoster pull for source %s failed", source.pk)
        problem = FAULT.format(pk=source.pk)
    row = record_import(
        school=source.school,
        source=RosterImport.Source.API,
        name=source.base_url,
        version="1.1",
        dry_run=dry_run,
        all_or_nothing=False,
        result=result,
        problem=problem,
        user=user,
        who=who,
    )
    audit.record_system(action=audit.IMPORT, obj=row, school=source.school, who=who, user=user)
    if not dry_run:
        _schedule(source, started=started, problem=problem)
    logger.info(
        "OneRoster %s for school %s: %s",
        "dry run" if dry_run else "pull",
        source.school_id,
        problem or (result.headline() if result else ""),
    )
    return row


def _schedule(source: RosterSource, *, started: dt.datetime, problem: str) -> None:
    """Records how the pull went and when the next is due (sooner after a failure)."""
    every = dt.timedelta(hours=source.every_hours or 24)
    fields: dict = {"last_problem": problem}
    if problem:
        fields["next_pull_at"] = started + min(every, RETRY_AFTER_FAILURE)
    else:
        fields["last_pulled_at"] = started
        fields["next_pull_at"] = started + every
    RosterSource.objects.filter(pk=source.pk).update(**fields)
    for name, value in fields.items():
        setattr(source, name, value)


def due_sources(now: dt.datetime | None = None):
    """Active sources whose next pull has come (a new source, with none set, is due)."""
    now = now or timezone.now()
    return (
        RosterSource.objects.filter(active=True)
        .filter(Q(next_pull_at__isnull=True) | Q(next_pull_at__lte=now))
        .select_related("school")
        .order_by("next_pull_at", "pk")
    )


def claim(source: RosterSource) -> bool:
    """Takes a due source for this worker: its next pull is moved on first, so a second worker
    running the same schedule at the same moment leaves it alone."""
    moved_to = timezone.now() + RETRY_AFTER_FAILURE
    claimed = RosterSource.objects.filter(pk=source.pk, next_pull_at=source.next_pull_at).update(
        next_pull_at=moved_to
    )
    if claimed:
        source.next_pull_at = moved_to
    return bool(claimed)


def pulls_due(**client_options) -> list[RosterImport]:
    """Pull every source that is due, once each (and delete checked CSV bundles left in
    admin for over a day: this is what runs on a schedule)."""
    uploads.sweep()
    done = []
    for source in due_sources():
        if claim(source):
            done.append(roster_pull(source=source, **client_options))
    return done


def next_due() -> dt.datetime | None:
    """When the next active source is due, for the schedule to wake then."""
    upcoming = (
        RosterSource.objects.filter(active=True, next_pull_at__isnull=False)
        .order_by("next_pull_at")
        .values_list("next_pull_at", flat=True)
        .first()
    )
    if RosterSource.objects.filter(active=True, next_pull_at__isnull=True).exists():
        return timezone.now()
    return upcoming
