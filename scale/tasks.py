"""Background work through Django's tasks API (django.tasks); a database-backed worker
(django-tasks-db's `db_worker` command) runs it without any extra server."""

from __future__ import annotations

from django.tasks import task

from portal.models import School
from scale.services import rollup_refresh


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
