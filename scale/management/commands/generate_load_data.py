"""Generate a realistic authority's worth of data for benchmarks and load tests."""

import datetime as dt
import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from scale.loadgen import generate


class Command(BaseCommand):
    help = (
        "Create one authority of generated schools, staff, families, contacts, placements and "
        "meetings with bulk inserts (COPY on PostgreSQL). The same seed and --until give the "
        "same data. Generated staff sign in with scale.loadgen.PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=2)
        parser.add_argument("--pupils-per-school", type=int, default=100)
        parser.add_argument("--years", type=int, default=1)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--authority", help="The authority's name (default from the seed).")
        parser.add_argument(
            "--until", type=dt.date.fromisoformat, help="Last day of data (default today)."
        )
        parser.add_argument("--json", action="store_true", help="Print counts and timings.")

    def handle(self, *args, **o):
        if min(o["schools"], o["pupils_per_school"], o["years"]) < 1:
            raise CommandError("Schools, pupils per school and years must each be at least 1.")
        began = time.perf_counter()
        result = generate(
            schools=o["schools"],
            pupils_per_school=o["pupils_per_school"],
            years=o["years"],
            seed=o["seed"],
            authority=o["authority"],
            until=o["until"],
            progress=None if o["json"] else self.stdout.write,
        )
        seconds = round(time.perf_counter() - began, 1)
        if o["json"]:
            report = {
                "database": connection.vendor,
                "seconds": seconds,
                "phases": result.seconds,
                "counts": result.counts,
                "authority_id": result.authority_id,
            }
            self.stdout.write(json.dumps(report, indent=2))
            return
        for name, n in sorted(result.counts.items()):
            self.stdout.write(f"  {name:<28} {n:>10,}")
        self.stdout.write(self.style.SUCCESS(f"Done in {seconds} s on {connection.vendor}."))
