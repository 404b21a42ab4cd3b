"""The access log partitioned by month on PostgreSQL (audit/partitions.py, audit migration 0005):
the catalogue, where rows land, ids on insert, and months made ahead."""

import datetime

import pytest
from django.db import connection

from audit import partitions
from audit.models import AccessLog
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="month partitions are PostgreSQL's"
    ),
]

TABLE = AccessLog._meta.db_table


def _one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _all(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _partition_of(row: AccessLog) -> str:
    return _one(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [row.pk])[0]


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def test_the_access_log_is_partitioned_by_range_of_its_time():
    strategy, column = _one(
        "SELECT p.partstrat, a.attname FROM pg_partitioned_table p "
        "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
        "WHERE p.partrelid = %s::regclass",
        [TABLE],
    )
    assert (strategy, column) == ("r", "at")


def test_months_exist_from_this_one_to_three_ahead_with_a_default():
    names = {
        name
        for (name,) in _all(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass",
            [TABLE],
        )
    }
    this = partitions.this_month()
    for ahead in range(partitions.AHEAD + 1):
        assert partitions.month_name(TABLE, partitions.add_months(this, ahead)) in names
    assert f"{TABLE}_default" in names


def test_the_key_holds_the_time_and_the_models_indexes_are_on_every_month():
    key = _one(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'p' AND conrelid = %s::regclass",
        [TABLE],
    )[0]
    assert key == "PRIMARY KEY (id, at)"
    month = partitions.month_name(TABLE, partitions.this_month())
    for name in ("accesslog_family", "accesslog_user"):
        # The model's index is on the parent, under its own name, with one child per month.
        children = _one(
            "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.inhparent = %s::regclass AND x.indrelid = %s::regclass",
            [name, month],
        )[0]
        assert children == 1, name


def test_nothing_points_a_foreign_key_at_the_access_log():
    assert _one("SELECT count(*) FROM pg_constraint WHERE confrelid = %s::regclass", [TABLE]) == (
        0,
    )


def test_a_row_lands_in_the_partition_of_its_month():
    now = factories.AccessLogFactory()
    assert _partition_of(now) == partitions.month_name(TABLE, partitions.first_of_month(now.at))
    long_ago = factories.AccessLogFactory(at=_at(datetime.date(2019, 3, 14)))
    assert _partition_of(long_ago) == f"{TABLE}_default"


def test_ids_are_given_on_create_and_bulk_create():
    one = factories.AccessLogFactory()
    rows = AccessLog.objects.bulk_create(
        [factories.AccessLogFactory.build(user=one.user) for _ in range(3)]
    )
    ids = [one.pk] + [row.pk for row in rows]
    assert None not in ids
    assert ids == sorted(set(ids))
    assert AccessLog.objects.filter(pk__in=ids).count() == 4


# Two months before this one: before the months the migration made, so in the default.
EARLIER = partitions.add_months(partitions.this_month(), -2)


def test_a_month_made_later_takes_its_rows_from_the_default_partition():
    early = factories.AccessLogFactory(at=_at(EARLIER.replace(day=14)))
    assert _partition_of(early) == f"{TABLE}_default"
    made = partitions.months_ensure(connection, TABLE, start=EARLIER)
    assert made == [
        partitions.month_name(TABLE, EARLIER),
        partitions.month_name(TABLE, partitions.add_months(EARLIER, 1)),
    ]
    assert _partition_of(early) == partitions.month_name(TABLE, EARLIER)
    # Made once: asking again makes nothing.
    assert partitions.months_ensure(connection, TABLE, start=EARLIER) == []


def test_a_detached_month_is_gone_with_its_rows_and_the_rest_stay():
    old = factories.AccessLogFactory(at=_at(EARLIER.replace(day=14)))
    kept = factories.AccessLogFactory(at=_at(EARLIER.replace(day=15)))
    current = factories.AccessLogFactory()
    partitions.months_ensure(connection, TABLE, start=EARLIER)
    (month,) = [m for m in partitions.months(connection, TABLE) if m.start == EARLIER]
    dropped, moved = partitions.month_detach(connection, TABLE, month, keep=f"id = {kept.pk}")
    assert (dropped, moved) == (1, 1)
    assert _one("SELECT to_regclass(%s)", [month.name]) == (None,)
    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert _partition_of(AccessLog.objects.get(pk=kept.pk)) == f"{TABLE}_default"
    assert AccessLog.objects.filter(pk=current.pk).exists()
