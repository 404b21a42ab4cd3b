"""The monthly contact rollup, refreshed through Django's tasks API."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from families.models import ContactMonthRollup
from families.tasks import rollup_refresh_school, rollups_refresh_all
from tests import factories

pytestmark = pytest.mark.django_db


def _at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


def _contacts(cast):
    link = factories.SchoolFamilyFactory(school=cast.school)
    made = [
        factories.ContactFactory(
            school=cast.school, family=link.family, staff=cast.teacher, occurred_at=when, **kw
        )
        for when, kw in [
            (_at(2026, 3, 2), {"tone": "positive"}),
            (_at(2026, 3, 20), {"tone": "concern", "formality": "formal"}),
            (_at(2026, 4, 1), {"tone": "neutral"}),
        ]
    ]
    other = factories.SchoolFamilyFactory(school=cast.other_school)
    factories.ContactFactory(
        school=cast.other_school, family=other.family, occurred_at=_at(2026, 3, 5)
    )
    return made


def test_the_task_counts_each_month_of_one_school(cast):
    _contacts(cast)
    result = rollup_refresh_school.enqueue(cast.school.pk)
    assert result.return_value == 2
    march, april = ContactMonthRollup.objects.filter(school=cast.school).order_by("month")
    assert (march.month, march.total, march.positive, march.concern) == (
        dt.date(2026, 3, 1),
        2,
        1,
        1,
    )
    assert (march.formal, march.informal, march.families) == (1, 1, 1)
    assert (april.month, april.total, april.neutral) == (dt.date(2026, 4, 1), 1, 1)


def test_a_refresh_follows_changes_and_drops_empty_months(cast):
    made = _contacts(cast)
    rollup_refresh_school.enqueue(cast.school.pk)
    made[2].delete()
    factories.ContactFactory(
        school=cast.school, family=made[0].family, staff=cast.teacher, occurred_at=_at(2026, 3, 9)
    )
    rollup_refresh_school.enqueue(cast.school.pk)
    rows = list(ContactMonthRollup.objects.filter(school=cast.school).values_list("month", "total"))
    assert rows == [(dt.date(2026, 3, 1), 3)]


# The worker checks its connection between tasks as in production: it needs real commits.
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_queued_refreshes(cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _contacts(cast)
    result = rollups_refresh_all.enqueue()
    assert not ContactMonthRollup.objects.exists()  # queued, not yet run
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    result.refresh()
    assert result.return_value == 2  # both schools queued
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert ContactMonthRollup.objects.filter(school=cast.school).count() == 2
    assert ContactMonthRollup.objects.filter(school=cast.other_school).count() == 1


def test_the_nightly_command_refreshes_every_school(cast):
    _contacts(cast)
    out = io.StringIO()
    call_command("refresh_rollups", stdout=out)
    assert "Queued" in out.getvalue()
    assert ContactMonthRollup.objects.filter(school=cast.school).count() == 2
    assert ContactMonthRollup.objects.filter(school=cast.other_school).count() == 1
