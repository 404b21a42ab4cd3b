"""`make bench`: generate two data sizes in one PostgreSQL database and measure the key pages.

Run it through scripts/with-postgres.sh (the Makefile does) so it gets a throwaway cluster:

    scripts/with-postgres.sh .venv/bin/python bench/run.py [--pupils 470] [--years 3] [--reps 15]

Prints a Markdown table (pasted into docs/scale-and-performance.md) and writes bench/results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The test client speaks plain HTTP to "testserver"; the pages themselves are unchanged.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=470, help="pupils in each school")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10, help="schools in the larger authority")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure authorities an earlier run left in DATABASE_URL instead of generating them",
    )
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("The benchmark needs PostgreSQL: run it with scripts/with-postgres.sh.")
        return 2
    # Serve static file URLs without a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)

    from bench import pages

    made = pages.build_sizes(
        pupils=args.pupils,
        years=args.years,
        seed=args.seed,
        scale=args.scale,
        progress=print,
        reuse=args.reuse,
    )
    if not args.reuse:
        # Freshly loaded tables have no visibility map until autovacuum has been by, so every
        # index-only scan still reads the table; a live database is vacuumed. Measure one.
        print("vacuuming the generated data")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    sizes = [pages.size_for(label, result.authority_id) for label, (result, _) in made.items()]
    samples = pages.measure(sizes, reps=args.reps, progress=print)
    summary = pages.summarise(samples, sizes)
    labels = [s.label for s in sizes]
    text = pages.table(summary, labels)
    print()
    print(text)

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    storage = _storage(connection)
    rollup = _rollup_seconds(sizes)
    print(f"\nStorage: {storage}\nRollup refresh: {rollup}")
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": pg_version,
            "load_average": os.getloadavg(),
        },
        "settings": vars(args),
        "generation": {
            label: {"seconds": seconds, "phases": result.seconds, "counts": result.counts}
            for label, (result, seconds) in made.items()
        },
        "pages": summary,
        "storage": storage,
        "rollup_refresh_seconds": rollup,
        "table": text,
    }
    Path(args.out).write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nWrote {args.out}")
    return 0


def _storage(connection) -> dict:
    """Database size, and bytes per contact with its links and indexes, for the sizing."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_database_size(current_database()), "
            "pg_total_relation_size('families_contact') "
            "+ pg_total_relation_size('families_contact_parents') "
            "+ pg_total_relation_size('families_contact_children'), "
            "(SELECT count(*) FROM families_contact)"
        )
        database, contact_bytes, contacts = cursor.fetchone()
    return {
        "database_mb": round(database / 2**20),
        "contacts": contacts,
        "bytes_per_contact_with_links_and_indexes": round(contact_bytes / max(contacts, 1)),
    }


def _rollup_seconds(sizes) -> dict:
    """How long the monthly rollup refresh takes for one school, and for the larger authority."""
    import time

    from families.rollups import rollup_refresh
    from portal.models import School

    out = {}
    for size in sizes:
        began = time.perf_counter()
        for school in School.objects.filter(authority_id=size.authority_id):
            rollup_refresh(school=school)
        out[size.label] = round(time.perf_counter() - began, 2)
    return out


if __name__ == "__main__":
    sys.exit(main())
