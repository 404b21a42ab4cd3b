"""Month partitions on PostgreSQL for tables that only grow with time: the access log here, and
the contacts' edit history (families/migrations, through this module).

A partitioned table keeps Django's model as it is (the pk stays `id` or `history_id`); in the
database its key becomes (pk, time column), because PostgreSQL needs the partition key in every
unique index, and the pk takes its values from a sequence (PostgreSQL before 17 has no identity
columns on partitioned tables). Each month is a partition named `<table>_pYYYY_MM` holding
[first of the month, first of the next) in UTC; `<table>_default` catches any row outside them.
Old months leave by DETACH and DROP, a quick change of the catalogue, instead of millions of row
deletes (privacy/ageing.py decides which). On SQLite every function here does nothing.

See docs/partitions.md.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

# Months made ahead of the current one, so inserts never wait for a partition to exist.
AHEAD = 3
# The migration makes months back to the oldest row, but no further than this (older rows, if
# any, go to the default partition).
BACK_LIMIT = 120
# Partition changes wait at most this long for a lock on a busy table, then fail (run again).
LOCK_TIMEOUT = "10s"


@dataclass(frozen=True)
class Month:
    name: str
    start: datetime.date  # first day of the month

    @property
    def end(self) -> datetime.date:
        return add_months(self.start, 1)


def first_of_month(day: datetime.date | datetime.datetime) -> datetime.date:
    return datetime.date(day.year, day.month, 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def this_month() -> datetime.date:
    return first_of_month(timezone.now().astimezone(datetime.UTC))


def month_name(table: str, start: datetime.date) -> str:
    return f"{table}_p{start:%Y_%m}"


def default_name(table: str) -> str:
    return f"{table}_default"


def _q(name: str) -> str:
    """A quoted identifier (names here come from models and this module, never from users)."""
    return '"' + name.replace('"', '""') + '"'


def _bound(day: datetime.date) -> str:
    return f"'{day:%Y-%m-%d} 00:00:00+00'"


def _rows(connection, sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _run(connection, *statements: str) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- Reading the catalogue -------------------------------------------------------------------


def is_partitioned(connection, table: str) -> bool:
    if connection.vendor != "postgresql":
        return False
    return bool(
        _rows(
            connection,
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
            [table],
        )
    )


def partitioned_tables(connection) -> list[tuple[str, str]]:
    """Every table partitioned by a range of one column: (table, column)."""
    if connection.vendor != "postgresql":
        return []
    return _rows(
        connection,
        "SELECT c.relname, a.attname FROM pg_partitioned_table p "
        "JOIN pg_class c ON c.oid = p.partrelid "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0] "
        "WHERE p.partstrat = 'r' AND p.partnatts = 1 AND pg_table_is_visible(c.oid) "
        "ORDER BY c.relname",
    )


def months(connection, table: str) -> list[Month]:
    """The month partitions attached to `table`, oldest first."""
    if not is_partitioned(connection, table):
        return []
    pattern = re.compile(re.escape(table) + r"_p(\d{4})_(\d{2})$")
    found = []
    for (name,) in _rows(
        connection,
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [table],
    ):
        if match := pattern.match(name):
            found.append(Month(name, datetime.date(int(match[1]), int(match[2]), 1)))
    return sorted(found, key=lambda m: m.start)


def column_of(connection, table: str) -> str:
    """The column `table` is partitioned by."""
    return dict(partitioned_tables(connection))[table]


# --- Making months ---------------------------------------------------------------------------


def months_ensure(
    connection, table: str, *, start: datetime.date | None = None, ahead: int = AHEAD
) -> list[str]:
    """Makes the month partitions of `table` from `start` (default: this month) through `ahead`
    months after this one, and the default partition, where missing; returns the names made.

    A new month is made as a plain table, given any rows of its month the default partition
    holds, then attached: attaching waits for no reader or writer of the table, unlike
    CREATE TABLE ... PARTITION OF."""
    if not is_partitioned(connection, table):
        return []
    column = column_of(connection, table)
    made = []
    default = default_name(table)
    _run(connection, f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    if not _rows(connection, "SELECT to_regclass(%s)", [default])[0][0]:
        _run(connection, f"CREATE TABLE {_q(default)} PARTITION OF {_q(table)} DEFAULT")
        made.append(default)
    have = {m.start for m in months(connection, table)}
    month = first_of_month(start or this_month())
    last = add_months(this_month(), ahead)
    while month <= last:
        if month not in have:
            name = month_name(table, month)
            low, high = _bound(month), _bound(add_months(month, 1))
            cols = f"{_q(column)} >= {low} AND {_q(column)} < {high}"
            _run(
                connection,
                f"CREATE TABLE {_q(name)} (LIKE {_q(table)} INCLUDING DEFAULTS "
                "INCLUDING CONSTRAINTS INCLUDING STORAGE)",
                # Names only (tables, partitions, columns: from the models, quoted).
                f"WITH moved AS (DELETE FROM {_q(default)} WHERE {cols} RETURNING *) "  # nosec B608
                f"INSERT INTO {_q(name)} SELECT * FROM moved",
                f"ALTER TABLE {_q(table)} ATTACH PARTITION {_q(name)} "
                f"FOR VALUES FROM ({low}) TO ({high})",
            )
            made.append(name)
        month = add_months(month, 1)
    return made


def month_rows(connection, month: Month) -> int:
    # Names only (tables, partitions, columns: from the models, quoted).
    return _rows(connection, f"SELECT count(*) FROM {_q(month.name)}")[0][0]  # nosec B608


def month_detach(connection, table: str, month: Month, *, keep: str = "") -> tuple[int, int]:
    """Detaches and drops one month of `table`; rows matching the SQL condition `keep` are put
    back through the table first, into the default partition (no month holds them any more).
    Returns (rows dropped, rows kept). Run it inside a transaction: all or nothing."""
    _run(
        connection,
        f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'",
        f"ALTER TABLE {_q(table)} DETACH PARTITION {_q(month.name)}",
    )
    total = month_rows(connection, month)
    kept = 0
    if keep:
        with connection.cursor() as cursor:
            # Names only (tables, partitions, columns: from the models, quoted).
            cursor.execute(f"INSERT INTO {_q(table)} SELECT * FROM {_q(month.name)} WHERE {keep}")  # nosec B608
            kept = cursor.rowcount
    # Deferred foreign-key checks of rows written earlier in this transaction would forbid the
    # DROP ("pending trigger events"): run them now, as Django does before a test ends.
    connection.check_constraints()
    _run(connection, f"DROP TABLE {_q(month.name)}")
    return total - kept, kept


# --- The migration: an existing table made partitioned, and back -----------------------------


def _referenced_by(connection, table: str) -> list[str]:
    return [
        f"{name} on {source}"
        for name, source in _rows(
            connection,
            "SELECT conname, conrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND confrelid = %s::regclass",
            [table],
        )
    ]


def _rebuilt_parts(connection, table: str, pk: str) -> tuple[str, list[str], list[str], str]:
    """What a rebuild must make again: the pk constraint's name, the other indexes' and the
    foreign keys' definitions (they name the table, which keeps its name), the pk's type."""
    referenced = _referenced_by(connection, table)
    if referenced:
        raise RuntimeError(f"{table} cannot be rebuilt: foreign keys point at it ({referenced})")
    (pk_name,) = _rows(
        connection,
        "SELECT conname FROM pg_constraint WHERE contype = 'p' AND conrelid = %s::regclass",
        [table],
    )[0]
    indexes = [
        sql
        for (sql,) in _rows(
            connection,
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary ORDER BY i.indexrelid",
            [table],
        )
    ]
    foreign = [
        f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}"
        for name, definition in _rows(
            connection,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = %s::regclass ORDER BY conname",
            [table],
        )
    ]
    (pk_type,) = _rows(
        connection,
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attname = %s",
        [table, pk],
    )[0]
    return pk_name, indexes, foreign, pk_type


def partition_table(connection, table: str, *, column: str, pk: str, ahead: int = AHEAD) -> None:
    """Rebuilds `table` partitioned by month of `column`, rows and all: a partitioned copy
    with months from the oldest row (at most BACK_LIMIT months back) to `ahead` months from
    now and the default partition, the rows moved, the names swapped, the indexes and foreign
    keys made again under their own names, and the pk given a sequence and the key
    (pk, column). For a migration: it holds the table locked until the migration commits."""
    if connection.vendor != "postgresql" or is_partitioned(connection, table):
        return
    _run(connection, f"LOCK TABLE {_q(table)} IN ACCESS EXCLUSIVE MODE")
    pk_name, indexes, foreign, pk_type = _rebuilt_parts(connection, table, pk)
    # Names only (tables, partitions, columns: from the models, quoted).
    (oldest,) = _rows(connection, f"SELECT min({_q(column)}) FROM {_q(table)}")[0]  # nosec B608
    start = max(
        first_of_month((oldest or timezone.now()).astimezone(datetime.UTC)),
        add_months(this_month(), -BACK_LIMIT),
    )
    new, seq = f"{table}__partitioned", f"{table}_{pk}_seq"
    small = " AS integer" if pk_type == "integer" else ""
    _run(
        connection,
        f"CREATE TABLE {_q(new)} (LIKE {_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        f"INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({_q(column)})",
        f"CREATE SEQUENCE {_q(seq + '__new')}{small}",
        f"ALTER TABLE {_q(new)} ALTER COLUMN {_q(pk)} SET DEFAULT nextval('{seq}__new'::regclass)",
        f"CREATE TABLE {_q(default_name(table))} PARTITION OF {_q(new)} DEFAULT",
    )
    month, last = start, add_months(this_month(), ahead)
    while month <= last:
        _run(
            connection,
            f"CREATE TABLE {_q(month_name(table, month))} PARTITION OF {_q(new)} "
            f"FOR VALUES FROM ({_bound(month)}) TO ({_bound(add_months(month, 1))})",
        )
        month = add_months(month, 1)
    _run(
        connection,
        # Names only (tables, partitions, columns: from the models, quoted).
        f"INSERT INTO {_q(new)} SELECT * FROM {_q(table)}",  # nosec B608
        # Names only (tables, partitions, columns: from the models, quoted).
        f"SELECT setval('{seq}__new', (SELECT coalesce(max({_q(pk)}), 0) + 1 FROM {_q(new)}), "  # nosec B608
        "false)",
        f"DROP TABLE {_q(table)}",
        f"ALTER TABLE {_q(new)} RENAME TO {_q(table)}",
        f"ALTER SEQUENCE {_q(seq + '__new')} RENAME TO {_q(seq)}",
        f"ALTER SEQUENCE {_q(seq)} OWNED BY {_q(table)}.{_q(pk)}",
        f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(pk_name)} PRIMARY KEY ({_q(pk)}, "
        f"{_q(column)})",
        *indexes,
        *foreign,
    )


def unpartition_table(connection, table: str, *, pk: str) -> None:
    """The reverse of partition_table: one plain table again, pk an identity column."""
    if not is_partitioned(connection, table):
        return
    _run(connection, f"LOCK TABLE {_q(table)} IN ACCESS EXCLUSIVE MODE")
    pk_name, indexes, foreign, _type = _rebuilt_parts(connection, table, pk)
    plain = f"{table}__plain"
    _run(
        connection,
        f"CREATE TABLE {_q(plain)} (LIKE {_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        "INCLUDING STORAGE INCLUDING COMMENTS)",
        f"ALTER TABLE {_q(plain)} ALTER COLUMN {_q(pk)} DROP DEFAULT",
        # Names only (tables, partitions, columns: from the models, quoted).
        f"INSERT INTO {_q(plain)} SELECT * FROM {_q(table)}",  # nosec B608
        f"DROP TABLE {_q(table)}",
        f"ALTER TABLE {_q(plain)} RENAME TO {_q(table)}",
        f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(pk_name)} PRIMARY KEY ({_q(pk)})",
        f"ALTER TABLE {_q(table)} ALTER COLUMN {_q(pk)} ADD GENERATED BY DEFAULT AS IDENTITY",
        # Names only (tables, partitions, columns: from the models, quoted).
        f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "  # nosec B608
        f"(SELECT coalesce(max({_q(pk)}), 0) + 1 FROM {_q(table)}), false)",
        *indexes,
        *foreign,
    )
