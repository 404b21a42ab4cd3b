"""Partitions measured: families_contact partitioned by school year (designed, not built) against
the plain table, and the contacts' edit history by month (built) against a plain copy.

Run it through scripts/with-postgres.sh, which gives it a throwaway cluster:

    scripts/with-postgres.sh .venv/bin/python bench/partitions.py [--schools 10]
        [--pupils-per-school 470] [--years 3] [--seed 1] [--until 2026-07-31]

It migrates, generates one authority (scale.loadgen.generate, the data of `manage.py
generate_load_data` with the same arguments), then builds two copies of families_contact with
the indexes the chronology and the dashboards use: `bench_contact_plain`, and
`bench_contact_by_year`, range-partitioned by school year (1 August) of occurred_at with the key
(id, occurred_at). It times with EXPLAIN (ANALYZE, BUFFERS), median of --reps runs after a
warm-up: one family's chronology, a school's count for a term, and the contacts_named() read of
the edit history (monthly partitions, 36 of them for three years, against a plain copy). Then
it removes the oldest school year from each contacts copy: DELETE against DETACH PARTITION +
DROP, with their time and the WAL they wrote (and the VACUUM the DELETE leaves to do). Prints a
table and writes bench/results-partitions.json. One run takes a few minutes on two cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
for key, value in {
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "SECRET_KEY": "bench-partitions-only-secret-key",
    "DEBUG": "false",
    "LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(key, value)

PLAIN, BY_YEAR = "bench_contact_plain", "bench_contact_by_year"
HISTORY_PLAIN, HISTORY_BY_YEAR = "bench_history_plain", "bench_history_by_year"
COLUMNS = "id, school_id, family_id, occurred_at, withdrawn_at, channel, tone, summary"


def _run(cursor, *statements):
    for sql in statements:
        cursor.execute(sql)


def _one(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.fetchone()


def _school_year(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 8 else day.year - 1, 8, 1)


def build_contacts(cursor) -> list[dt.date]:
    """The two copies of the contacts, with the same indexes; returns the school years made."""
    low, high = _one(cursor, "SELECT min(occurred_at), max(occurred_at) FROM families_contact")
    years, year = [], _school_year(low.date())
    while year <= high.date():
        years.append(year)
        year = dt.date(year.year + 1, 8, 1)
    like = "(LIKE families_contact INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    _run(
        cursor,
        f"CREATE TABLE {PLAIN} {like}",
        f"CREATE TABLE {BY_YEAR} {like} PARTITION BY RANGE (occurred_at)",
        f"CREATE TABLE {BY_YEAR}_default PARTITION OF {BY_YEAR} DEFAULT",
        *(
            f"CREATE TABLE {BY_YEAR}_{y.year} PARTITION OF {BY_YEAR} FOR VALUES FROM "
            f"('{y} 00:00:00+00') TO ('{y.year + 1}-08-01 00:00:00+00')"
            for y in years
        ),
        f"INSERT INTO {PLAIN} SELECT * FROM families_contact",
        f"INSERT INTO {BY_YEAR} SELECT * FROM families_contact",
    )
    for table, key in ((PLAIN, "id"), (BY_YEAR, "id, occurred_at")):
        _run(
            cursor,
            f"ALTER TABLE {table} ADD PRIMARY KEY ({key})",
            # contact_chronology and contact_school_time, as the model declares them.
            f"CREATE INDEX ON {table} (school_id, family_id, occurred_at DESC, id DESC)",
            f"CREATE INDEX ON {table} (school_id, occurred_at)",
        )
    return years


def build_history(cursor) -> int:
    """Edit history for the generated contacts (it has none, as after an import): a creation
    row each, and an edit for one in four, dated when they were written, into the partitioned
    history (its months made from the oldest) and into a plain copy with the same indexes."""
    from audit import partitions

    oldest = _one(cursor, "SELECT min(recorded_at) FROM families_contact")[0]
    partitions.months_ensure(cursor.db, "families_historicalcontact", start=oldest.date())
    cursor.execute(
        "SELECT h.column_name FROM information_schema.columns h "
        "JOIN information_schema.columns c ON c.column_name = h.column_name "
        "AND c.table_name = 'families_contact' "
        "WHERE h.table_name = 'families_historicalcontact' ORDER BY h.ordinal_position"
    )
    shared = ", ".join(name for (name,) in cursor.fetchall())
    _run(
        cursor,
        f"INSERT INTO families_historicalcontact ({shared}, history_username, history_date, "
        "history_type, history_user_id) "
        f"SELECT {', '.join('c.' + n for n in shared.split(', '))}, '', "
        "c.recorded_at + e.after, e.kind, c.staff_id FROM families_contact c "
        "CROSS JOIN (VALUES ('+', interval '0'), ('~', interval '2 days')) e(kind, after) "
        "WHERE e.kind = '+' OR c.id % 4 = 0",
        f"CREATE TABLE {HISTORY_PLAIN} (LIKE families_historicalcontact INCLUDING DEFAULTS "
        "INCLUDING CONSTRAINTS)",
        f"INSERT INTO {HISTORY_PLAIN} SELECT * FROM families_historicalcontact",
        f"ALTER TABLE {HISTORY_PLAIN} ADD PRIMARY KEY (history_id)",
        # The alternative: the same history by school year (a handful of partitions).
        f"CREATE TABLE {HISTORY_BY_YEAR} (LIKE families_historicalcontact INCLUDING DEFAULTS "
        "INCLUDING CONSTRAINTS) PARTITION BY RANGE (history_date)",
        f"CREATE TABLE {HISTORY_BY_YEAR}_default PARTITION OF {HISTORY_BY_YEAR} DEFAULT",
        *(
            f"CREATE TABLE {HISTORY_BY_YEAR}_{y} PARTITION OF {HISTORY_BY_YEAR} FOR VALUES "
            f"FROM ('{y}-08-01 00:00:00+00') TO ('{y + 1}-08-01 00:00:00+00')"
            for y in range(oldest.year - 1, oldest.year + 5)
        ),
        f"INSERT INTO {HISTORY_BY_YEAR} SELECT * FROM families_historicalcontact",
        f"ALTER TABLE {HISTORY_BY_YEAR} ADD PRIMARY KEY (history_id, history_date)",
    )
    # Every index the model declares, on the copies too (the planner weighs them all).
    cursor.execute(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = 'families_historicalcontact'::regclass AND NOT indisprimary"
    )
    for n, (sql,) in enumerate(cursor.fetchall()):
        columns = sql[sql.index(" USING ") :]
        for copy in (HISTORY_PLAIN, HISTORY_BY_YEAR):
            _run(cursor, f"CREATE INDEX {copy}_{n} ON {copy}{columns}")
    return len(partitions.months(cursor.db, "families_historicalcontact"))


def _shape(node) -> str:
    """The plan in short: node types, with the scans' relations counted."""
    scans: dict[str, int] = {}

    def walk(n):
        if "Relation Name" in n:
            kind = n["Node Type"]
            scans[kind] = scans.get(kind, 0) + 1
        for child in n.get("Plans", []):
            walk(child)

    walk(node)
    return f"{node['Node Type']}: " + ", ".join(f"{k} x{v}" for k, v in sorted(scans.items()))


def explain(cursor, sql, params, reps) -> dict:
    """Median planning and execution ms and the shared buffers of `reps` runs after one."""
    runs, shape = [], ""
    for _ in range(reps + 1):
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0][0]
        top = plan["Plan"]
        shape = _shape(top)
        runs.append(
            (
                plan["Planning Time"],
                plan["Execution Time"],
                top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0),
                top.get("Actual Rows"),
            )
        )
    runs = runs[1:]
    return {
        "planning_ms": round(statistics.median(r[0] for r in runs), 3),
        "execution_ms": round(statistics.median(r[1] for r in runs), 3),
        "buffers": statistics.median(r[2] for r in runs),
        "rows": runs[0][3],
        "plan": shape,
    }


def _wal(cursor) -> int:
    return _one(cursor, "SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")[0]


def remove_a_year(cursor, year: dt.date) -> dict:
    """The oldest school year out of each copy: DELETE against DETACH + DROP."""
    found = {}
    end = dt.date(year.year + 1, 8, 1)
    rows = _one(
        cursor,
        f"SELECT count(*) FROM {PLAIN} WHERE occurred_at >= %s AND occurred_at < %s",
        [year, end],
    )[0]
    for label, statements in (
        (
            "DELETE",
            [f"DELETE FROM {PLAIN} WHERE occurred_at >= '{year}' AND occurred_at < '{end}'"],
        ),
        (
            "DETACH + DROP",
            [
                f"ALTER TABLE {BY_YEAR} DETACH PARTITION {BY_YEAR}_{year.year}",
                f"DROP TABLE {BY_YEAR}_{year.year}",
            ],
        ),
    ):
        wal, began = _wal(cursor), time.perf_counter()
        _run(cursor, *statements)
        found[label] = {
            "ms": round((time.perf_counter() - began) * 1000, 1),
            "wal_bytes": int(_wal(cursor) - wal),
            "rows": rows,
        }
    began = time.perf_counter()
    _run(cursor, f"VACUUM {PLAIN}")
    found["DELETE"]["vacuum_after_ms"] = round((time.perf_counter() - began) * 1000, 1)
    return found


def _size(cursor, table) -> int:
    return _one(
        cursor,
        "SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) "
        "FROM pg_partition_tree(%s::regclass)), pg_total_relation_size(%s::regclass))",
        [table, table],
    )[0]


def links(cursor) -> dict:
    """What points at a contact: the rows that would have to carry occurred_at as well."""
    return {
        table: _one(cursor, f"SELECT count(*) FROM {table}")[0]
        for table in (
            "families_contact_parents",
            "families_contact_children",
            "families_contact_named_staff",
            "families_contactamendment",
        )
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--pupils-per-school", type=int, default=470)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    # The end of a school year, so the data is three whole school years.
    parser.add_argument("--until", type=dt.date.fromisoformat, default=dt.date(2026, 7, 31))
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-partitions.json"))
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from scale.loadgen import generate

    if connection.vendor != "postgresql":
        print("The benchmark needs PostgreSQL: run it with scripts/with-postgres.sh.")
        return 2
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    generate(
        schools=args.schools,
        pupils_per_school=args.pupils_per_school,
        years=args.years,
        seed=args.seed,
        until=args.until,
    )
    print(f"Generated in {time.perf_counter() - began:.0f} s")
    result: dict = {"args": {k: str(v) for k, v in vars(args).items() if k != "out"}}
    with connection.cursor() as cursor:
        years = build_contacts(cursor)
        result["history_months"] = build_history(cursor)
        for table in (PLAIN, BY_YEAR, HISTORY_PLAIN, HISTORY_BY_YEAR, "families_historicalcontact"):
            _run(cursor, f"VACUUM ANALYZE {table}")
        result["rows"] = {
            t: _one(cursor, f"SELECT count(*) FROM {t}")[0]
            for t in (PLAIN, "families_historicalcontact")
        }
        result["bytes"] = {t: _size(cursor, t) for t in (PLAIN, BY_YEAR)}
        result["links"] = links(cursor)
        school, family, n = _one(
            cursor,
            "SELECT school_id, family_id, count(*) FROM families_contact "
            "GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT 1",
        )
        term = (dt.date(years[-1].year, 8, 1), dt.date(years[-1].year + 1, 1, 1))
        cursor.execute(
            "SELECT id FROM families_contact WHERE school_id = %s AND family_id = %s "
            "ORDER BY occurred_at DESC LIMIT 50",
            [school, family],
        )
        ids = [r[0] for r in cursor.fetchall()]
        oldest_written = _one(
            cursor, "SELECT min(recorded_at) FROM families_contact WHERE id = ANY(%s)", [ids]
        )[0]
        queries = {
            "chronology of one family": (
                f"SELECT {COLUMNS} FROM {{t}} WHERE school_id = %s AND family_id = %s "
                "AND withdrawn_at IS NULL ORDER BY occurred_at DESC, id DESC",
                [school, family],
                (PLAIN, BY_YEAR),
            ),
            "a school's contacts in a term": (
                "SELECT count(*) FROM {t} WHERE school_id = %s AND occurred_at >= %s "
                "AND occurred_at < %s AND withdrawn_at IS NULL",
                [school, *term],
                (PLAIN, BY_YEAR),
            ),
            "last edits of 50 contacts (history)": (
                "SELECT id, history_date, history_user_id, history_username FROM {t} "
                "WHERE id = ANY(%s) AND history_type = '~' ORDER BY history_date, history_id",
                [ids],
                (HISTORY_PLAIN, "families_historicalcontact", HISTORY_BY_YEAR),
            ),
            # The same, bounded below by the oldest of the contacts' recorded_at (an edit never
            # comes before the contact was written): the months before are pruned when planned.
            "last edits of 50 contacts (history, from their oldest)": (
                "SELECT id, history_date, history_user_id, history_username FROM {t} "
                "WHERE id = ANY(%s) AND history_type = '~' AND history_date >= %s "
                "ORDER BY history_date, history_id",
                [ids, oldest_written],
                (HISTORY_PLAIN, "families_historicalcontact", HISTORY_BY_YEAR),
            ),
        }
        result["family_contacts"] = n
        result["term"] = [str(d) for d in term]
        result["queries"] = {
            name: {t: explain(cursor, sql.format(t=t), params, args.reps) for t in tables}
            for name, (sql, params, tables) in queries.items()
        }
        result["remove_oldest_year"] = {"year": str(years[0]), **remove_a_year(cursor, years[0])}
    print(json.dumps(result, indent=2, default=str))
    Path(args.out).write_text(json.dumps(result, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
