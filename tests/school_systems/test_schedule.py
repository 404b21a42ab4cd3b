"""Pulls on a schedule through Django's tasks API: the due-pulls task pulls only the active
sources whose time has come, then asks the worker to wake it when the next one is due."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from families.models import Child
from school_systems import pulls, tasks
from school_systems.models import RosterImport, RosterSource
from tests import factories
from tests.school_systems.oneroster_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    SCHOOL,
)

NOW = dt.datetime(2026, 12, 4, 6, 0, tzinfo=dt.UTC)
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.ONEROSTER_PAGE_SIZE = 3
    settings.ONEROSTER_BACKOFF_SECONDS = 0


def _source(server, school, *, next_pull_at, active=True, every_hours=24):
    return RosterSource.objects.create(
        school=school,
        base_url=server.base_url,
        token_url=server.token_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        org_sourced_id=SCHOOL,
        next_pull_at=next_pull_at,
        active=active,
        every_hours=every_hours,
    )


@pytest.fixture
def three(cast, oneroster):
    """A due source, one due in three hours, and a due one that is switched off."""
    return (
        _source(oneroster, cast.school, next_pull_at=NOW - dt.timedelta(minutes=5)),
        _source(oneroster, cast.other_school, next_pull_at=NOW + dt.timedelta(hours=3)),
        _source(oneroster, factories.SchoolFactory(), next_pull_at=NOW, active=False),
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_due_task_pulls_only_due_sources_and_wakes_for_the_next(settings, cast, three):
    settings.TASKS = DUMMY
    due, later, off = three
    default_task_backend.clear()
    assert tasks.roster_pulls_due.call() == 1
    assert list(RosterImport.objects.values_list("school", flat=True)) == [cast.school.pk]
    assert Child.objects.filter(school=cast.school).count() == 3
    due.refresh_from_db()
    assert due.next_pull_at == NOW + dt.timedelta(hours=24)
    (wake,) = default_task_backend.results
    assert wake.task.name == "roster_pulls_due"
    assert wake.task.run_after == later.next_pull_at
    off.refresh_from_db()
    assert off.last_pulled_at is None


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_new_source_is_due_at_once(settings, cast, oneroster):
    _source(oneroster, cast.school, next_pull_at=None)
    assert [s.school for s in pulls.due_sources()] == [cast.school]
    assert pulls.next_due() == NOW


@pytest.mark.django_db
def test_a_source_another_worker_took_is_left_alone(cast, oneroster):
    source = _source(oneroster, cast.school, next_pull_at=timezone.now())
    stale = RosterSource.objects.get(pk=source.pk)
    assert pulls.claim(source) is True
    assert pulls.claim(stale) is False


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_without_a_worker_that_can_wait_nothing_is_scheduled(cast, three):
    # The default ImmediateBackend runs the task at once and cannot hold a wake-up for later.
    result = tasks.roster_pulls_due.enqueue()
    assert result.return_value == 1
    assert tasks.schedule_next() is None


@pytest.mark.django_db
def test_the_one_source_task_pulls_it(cast, oneroster):
    source = _source(oneroster, cast.school, next_pull_at=None)
    result = tasks.roster_pull.enqueue(source.pk, True)
    row = RosterImport.objects.get(pk=result.return_value)
    assert row.dry_run is True
    assert row.report["counts"]["children"]["created"] == 3
    assert not Child.objects.exists()
    assert tasks.roster_pull.enqueue(source.pk + 99).return_value is None


# The database worker checks its connection between tasks as in production: real commits.
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_keeps_the_schedule(settings, cast, three):
    settings.TASKS = DATABASE
    due, later, _off = three

    def worker():
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    with time_machine.travel(NOW, tick=False):
        tasks.roster_pulls_due.enqueue()
        worker()
        assert list(RosterImport.objects.values_list("school", flat=True)) == [cast.school.pk]
        (wake,) = DBTaskResult.objects.filter(status="READY")
        assert wake.run_after == later.next_pull_at
        # Scheduling again (an admin save, a second run) adds no second wake-up.
        assert tasks.schedule_next() is None
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        worker()  # not yet time: nothing runs
        assert RosterImport.objects.count() == 1
    with time_machine.travel(later.next_pull_at + dt.timedelta(seconds=1), tick=False):
        worker()
        assert sorted(RosterImport.objects.values_list("school", flat=True)) == sorted(
            [cast.school.pk, cast.other_school.pk]
        )
        (wake,) = DBTaskResult.objects.filter(status="READY")
        due.refresh_from_db()
        assert wake.run_after == due.next_pull_at == NOW + dt.timedelta(hours=24)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_schedule_keeps_going_after_a_fault(settings, cast, three, monkeypatch):
    settings.TASKS = DUMMY
    default_task_backend.clear()

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(pulls, "pulls_due", broken)
    with pytest.raises(RuntimeError):
        tasks.roster_pulls_due.call()
    (wake,) = default_task_backend.results
    assert wake.task.run_after == NOW + tasks.MIN_GAP  # the due source is still due
