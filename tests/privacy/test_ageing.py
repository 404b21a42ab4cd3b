"""Ageing out the access log and the contacts' edit history (privacy/ageing.py): whole months
detached on PostgreSQL, rows deleted by the same rule in the default partition and on SQLite;
erasure by family works as before."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from audit import partitions
from audit.models import AccessLog
from families.models import Contact
from privacy.ageing import ACCESS_LOG_YEARS, ageing_out
from privacy.services import retention_erase
from privacy.tasks import retention_review_all
from tests import factories

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="month partitions are PostgreSQL's"
)
LOG = AccessLog._meta.db_table
HISTORY = Contact.history.model._meta.db_table
THIS_MONTH = partitions.this_month()
TODAY = datetime.date.today()


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def _exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [name])
        return cursor.fetchone()[0] is not None


def _contact_in(month: datetime.date, cast, **kwargs):
    """A contact saved (so its history written) on the 10th of `month`."""
    with time_machine.travel(_at(month.replace(day=10)), tick=False):
        return factories.ContactFactory(school=cast.school, staff=cast.teacher, **kwargs)


# --- Every database: the rule row by row --------------------------------------------------------


def test_access_log_rows_past_six_years_go_and_newer_and_held_ones_stay(cast):
    past = partitions.add_months(THIS_MONTH, -12 * ACCESS_LOG_YEARS - 1)
    held_family = factories.FamilyFactory(authority=cast.school.authority)
    factories.LegalHoldFactory(family=held_family, school=cast.school)
    gone = factories.AccessLogFactory(at=_at(past))
    held = factories.AccessLogFactory(at=_at(past), family_id=held_family.pk)
    # Six years less a month: not yet past.
    young = factories.AccessLogFactory(at=_at(partitions.add_months(THIS_MONTH, -71)))
    recent = factories.AccessLogFactory()
    call_command("retention_review", "--erase", "--confirm", "--as-of", TODAY.isoformat())
    assert set(AccessLog.objects.values_list("pk", flat=True)) == {held.pk, young.pk, recent.pk}
    assert not AccessLog.objects.filter(pk=gone.pk).exists()


def test_history_of_a_contact_gone_goes_and_a_kept_contacts_stays(cast):
    earlier = partitions.add_months(THIS_MONTH, -2)
    kept = _contact_in(earlier, cast)
    removed = _contact_in(earlier, cast)
    removed_id = removed.pk
    Contact.all_objects.filter(pk=removed_id).delete()  # as an erasure by family leaves it
    ageing_out(as_of=TODAY)
    assert Contact.history.filter(id=kept.pk).count() == 1
    # The deletion's own row is this month's: only months before this one age out.
    assert list(Contact.history.filter(id=removed_id).values_list("history_type", flat=True)) == [
        "-"
    ]


def test_the_listing_counts_what_would_age_out_and_removes_nothing(cast, capsys):
    factories.AccessLogFactory(at=_at(partitions.add_months(THIS_MONTH, -100)))
    call_command("retention_review", "--as-of", TODAY.isoformat())
    out = capsys.readouterr().out
    assert "Access log (kept 6 years, in whole months" in out
    assert "1 row past its limit" in out
    assert AccessLog.objects.count() == 1


# --- PostgreSQL: whole months -------------------------------------------------------------------


@on_postgres
def test_retention_detaches_a_past_month_and_keeps_the_current_one(cast):
    past = partitions.add_months(THIS_MONTH, -12 * ACCESS_LOG_YEARS - 2)
    partitions.months_ensure(connection, LOG, start=past)
    old_month = partitions.month_name(LOG, past)
    for day in (3, 17):
        factories.AccessLogFactory(at=_at(past.replace(day=day)))
    held_family = factories.FamilyFactory(authority=cast.school.authority)
    factories.LegalHoldFactory(family=held_family, school=cast.school)
    held = factories.AccessLogFactory(at=_at(past.replace(day=20)), family_id=held_family.pk)
    recent = [factories.AccessLogFactory() for _ in range(2)]
    assert AccessLog.objects.filter(at__lt=_at(partitions.add_months(past, 1))).count() == 3

    call_command("retention_review", "--erase", "--confirm", "--as-of", TODAY.isoformat())

    assert not _exists(old_month)
    assert _exists(partitions.month_name(LOG, THIS_MONTH))
    assert list(AccessLog.objects.filter(at__lt=_at(partitions.add_months(past, 1)))) == [held]
    assert AccessLog.objects.filter(pk__in=[r.pk for r in recent]).count() == 2
    # Months ahead are there after the run.
    assert _exists(partitions.month_name(LOG, partitions.add_months(THIS_MONTH, 3)))


@on_postgres
def test_a_month_of_history_goes_whole_once_none_of_its_contacts_is_kept(cast):
    orphaned, lived_in = (partitions.add_months(THIS_MONTH, n) for n in (-3, -2))
    partitions.months_ensure(connection, HISTORY, start=orphaned)
    gone = _contact_in(orphaned, cast)
    gone_id = gone.pk
    _contact_in(orphaned, cast, summary="Another")  # erased below with the first
    kept = _contact_in(lived_in, cast)
    current = factories.ContactFactory(school=cast.school, staff=cast.teacher)
    Contact.all_objects.filter(school=cast.school, occurred_at__lt=_at(lived_in)).delete()

    aged = {a.ageing.table: a for a in ageing_out(as_of=TODAY)}[HISTORY]

    # The orphaned month goes whole with its two rows (and the empty last month with none).
    assert dict(aged.months)[partitions.month_name(HISTORY, orphaned)] == 2
    assert partitions.month_name(HISTORY, lived_in) in aged.months_left_whole
    assert not _exists(partitions.month_name(HISTORY, orphaned))
    assert _exists(partitions.month_name(HISTORY, lived_in))
    assert Contact.history.filter(id=kept.pk).exists()
    assert Contact.history.filter(id=current.pk).exists()
    # The deletion rows are this month's and stay with it.
    assert set(Contact.history.filter(id=gone_id).values_list("history_type", flat=True)) == {"-"}


@on_postgres
def test_erasure_of_a_family_still_removes_its_history_from_the_months(cast, left_family):
    family_id = left_family.family.pk
    history = Contact.history.filter(family_id=family_id)
    partitions.months_ensure(connection, HISTORY, start=datetime.date(2024, 3, 1))
    month = partitions.month_name(HISTORY, datetime.date(2024, 3, 1))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{month}" WHERE family_id = %s', [left_family.family.pk]
        )
        assert cursor.fetchone()[0] == 2
    retention_erase(as_of=datetime.date(2040, 9, 1), started_by="test")
    assert not history.exists()
    assert _exists(month)


@on_postgres
def test_the_weekly_review_makes_the_months_ahead(cast):
    ahead = partitions.add_months(THIS_MONTH, partitions.AHEAD)
    with connection.cursor() as cursor:
        for table in (LOG, HISTORY):
            cursor.execute(f'DROP TABLE "{partitions.month_name(table, ahead)}"')
    retention_review_all.enqueue()
    assert _exists(partitions.month_name(LOG, ahead))
    assert _exists(partitions.month_name(HISTORY, ahead))
