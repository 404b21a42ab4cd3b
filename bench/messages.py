"""`make bench-messages`: how fast the outbox sends, and how fast a year group's preview is drawn.

Run it through scripts/with-postgres.sh (the Makefile does) so it gets a throwaway cluster:

    scripts/with-postgres.sh .venv/bin/python bench/messages.py [--emails 2000] [--families 500]

1. Sending: 2,000 e-mails to parents, queued and due, are sent by ONE database task worker
   (`manage.py db_worker`, a separate process, as in production with
   TASKS_BACKEND=django_tasks_db.DatabaseBackend) to an SMTP server on loopback (aiosmtpd, in
   this process). Timed from the task being queued (the worker is started at the same moment,
   so its start-up counts) until the last e-mail arrived, and until the last was marked sent
   with its contact logged. Target: under 60 s.
2. Preview: the good-news drafts for a whole year group (500 families, a child and a parent who
   prefers e-mail in each), drafted per child with one shared household and one template read,
   as the bulk page does. Target: under 2 s.

Prints the figures and writes bench/results-messages.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"

SEND_TARGET = 60.0  # seconds for 2,000 e-mails, one worker
PREVIEW_TARGET = 2.0  # seconds for a year group's preview
MESSAGE_ID = re.compile(rb"^Message-ID:\s*<([^>]+)>", re.IGNORECASE | re.MULTILINE)


class Sink:
    """An SMTP server on loopback that keeps only each e-mail's Message-ID and when it came."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.lock = threading.Lock()
        self.arrived: dict[str, int] = {}
        self.last_at = 0.0
        self.first_at = 0.0
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.original_content or envelope.content)
        key = found.group(1).decode() if found else "?"
        with self.lock:
            self.arrived[key] = self.arrived.get(key, 0) + 1
            self.last_at = time.perf_counter()
            self.first_at = self.first_at or self.last_at
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return sum(self.arrived.values())


def build(*, emails: int, families: int):
    """A school, its pastoral lead, and `emails` families (a child and a parent who prefers
    e-mail in each); the first `families` children are in year group P6, the rest in P5. Bulk
    inserts: this is the stage, not what is measured."""
    from django.contrib.auth import get_user_model

    from families.models import Child, ChildParent, Family, ParentCarer, SchoolFamily
    from portal.models import Authority, Membership, Role, School
    from reaching_out.models import Kind, MessageTemplate

    authority = Authority.objects.create(name="Bench Council")
    school = School.objects.create(
        name="Bench Primary", authority=authority, stage=School.Stage.PRIMARY
    )
    lead = get_user_model().objects.create_user(
        username="bench-pastoral", first_name="Morag", last_name="Bell", password=None
    )
    Membership.objects.create(user=lead, school=school, role=Role.PASTORAL)
    homes = Family.objects.bulk_create(
        Family(authority=authority, name=f"Family {n}") for n in range(emails)
    )
    SchoolFamily.objects.bulk_create(SchoolFamily(school=school, family=f) for f in homes)
    children = Child.objects.bulk_create(
        Child(
            school=school,
            family=f,
            first_name=f"Pupil{n}",
            last_name="Reid",
            date_of_birth=dt.date(2016, 5, 1),
            year_group="P6" if n < families else "P5",
        )
        for n, f in enumerate(homes)
    )
    parents = ParentCarer.objects.bulk_create(
        ParentCarer(
            family=f,
            first_name=f"Parent{n}",
            last_name="Reid",
            email=f"parent{n}@example.org",
            preferred_channel=ParentCarer.Channel.EMAIL,
        )
        for n, f in enumerate(homes)
    )
    ChildParent.objects.bulk_create(
        ChildParent(child=c, parent=p, relationship=ChildParent.Relationship.MOTHER)
        for c, p in zip(children, parents, strict=True)
    )
    if not MessageTemplate.objects.filter(school=None, kind=Kind.GOOD_NEWS, language="en-gb"):
        MessageTemplate.objects.create(
            school=None,
            kind=Kind.GOOD_NEWS,
            language="en-gb",
            subject="Good news about {child_name}",
            body="Dear {parent_name},\n\n{news}\n\nBest wishes,\n{staff_name}, {school_name}",
        )
    return school, lead


def preview(school, lead, *, year_group: str = "P6") -> dict:
    """The bulk page's good-news preview for a year group: timed, with its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from families.models import Child, ParentCarer
    from reaching_out import planning, services

    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        children = list(Child.objects.filter(school=school, year_group=year_group).order_by("pk"))
        ids = [c.pk for c in children]
        everyone = list(ParentCarer.objects.filter(child_links__child_id__in=ids).distinct())
        home = planning.household(everyone)
        templates = services.templates_for(school, "good_news")
        by_family: dict[int, list] = {}
        for parent in everyone:
            by_family.setdefault(parent.family_id, []).append(parent)
        drafts = refused = 0
        for child in children:
            made = services.drafting(
                school=school,
                sender=lead,
                kind="good_news",
                parents=by_family.get(child.family_id, []),
                children=[child],
                words=f"{child.first_name} helped a new classmate settle in this week.",
                home=home,
                templates=templates,
            )
            drafts += len(made.drafts)
            refused += len(made.refused)
    seconds = time.perf_counter() - began
    return {
        "children": len(children),
        "drafts": drafts,
        "refused": refused,
        "seconds": round(seconds, 3),
        "queries": len(queries),
        "target_seconds": PREVIEW_TARGET,
        "met": seconds < PREVIEW_TARGET,
    }


def queue_all(school, lead) -> int:
    """Every parent an e-mail, queued and due now (as services.queue leaves them)."""
    from django.utils import timezone

    from families.models import ChildParent
    from reaching_out.models import Channel, Kind, Message

    now = timezone.now()
    links = ChildParent.objects.filter(child__school=school).select_related("parent", "child")
    rows, kids = [], []
    for link in links:
        parent, child = link.parent, link.child
        rows.append(
            Message(
                school=school,
                family_id=parent.family_id,
                parent=parent,
                kind=Kind.GOOD_NEWS,
                channel=Channel.EMAIL,
                subject=f"Good news about {child.first_name}",
                body=f"Dear {parent.full_name},\n\n{child.first_name} read to the class.",
                to=parent.email,
                sent_by=lead,
                send_after=now,
            )
        )
        kids.append(child)
    made = Message.objects.bulk_create(rows)
    Message.children.through.objects.bulk_create(
        Message.children.through(message_id=m.pk, child_id=c.pk)
        for m, c in zip(made, kids, strict=True)
    )
    return len(made)


def send(total: int, *, deadline: float) -> dict:
    """ONE database worker sends everything queued to the sink; timed."""
    from reaching_out.models import Message
    from reaching_out.tasks import messages_send_due

    sink = Sink()
    sink.controller.start()
    env = {
        **os.environ,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "MESSAGES_EMAIL_VIA": "smtp",
    }
    log = tempfile.NamedTemporaryFile(prefix="worker-messages-", suffix=".log", delete=False)  # noqa: SIM115
    began = time.perf_counter()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    messages_send_due.enqueue()
    try:
        while sink.count() < total and time.perf_counter() - began < deadline:
            if worker.poll() is not None:
                raise SystemExit(f"The worker stopped: see {log.name}")
            time.sleep(0.05)
        arrived_seconds = (sink.last_at or time.perf_counter()) - began
        left = Message.objects.exclude(state=Message.State.SENT)
        while left.exists() and time.perf_counter() - began < deadline:
            time.sleep(0.05)
        recorded_seconds = time.perf_counter() - began
    finally:
        cpu = None
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            # The worker's own CPU time (its user and system seconds), which a busy machine
            # does not inflate as it does the wall-clock time.
            _, status, usage = os.wait4(worker.pid, 0)
            worker.returncode = os.waitstatus_to_exitcode(status)
            cpu = round(usage.ru_utime + usage.ru_stime, 2)
        sink.controller.stop()
        log.close()
    arrived = sink.count()
    return {
        "emails": total,
        "arrived": arrived,
        "arrived_twice": sum(1 for n in sink.arrived.values() if n > 1),
        "sent_in_database": Message.objects.filter(state=Message.State.SENT).count(),
        "first_arrival_seconds": round(sink.first_at - began, 2) if sink.first_at else None,
        "seconds_to_last_arrival": round(arrived_seconds, 2),
        "seconds_to_all_marked_sent": round(recorded_seconds, 2),
        "per_second": round(arrived / max(arrived_seconds, 1e-9), 1),
        "worker_cpu_seconds": cpu,
        "worker_cpu_ms_per_email": round(cpu * 1000 / total, 1) if cpu else None,
        "target_seconds": SEND_TARGET,
        "met": arrived == total and arrived_seconds < SEND_TARGET,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--families", type=int, default=500, help="the year group previewed")
    parser.add_argument("--deadline", type=float, default=300, help="give up after (s)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-messages.json"))
    args = parser.parse_args(argv)

    import logging

    import django

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("The benchmark needs PostgreSQL: run it with scripts/with-postgres.sh.")
        return 2
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    school, lead = build(emails=args.emails, families=args.families)
    print(f"Built {args.emails} families in {time.perf_counter() - started:.1f} s")

    shown = preview(school, lead)
    print(
        f"Preview of good news for {shown['children']} children: {shown['seconds']} s, "
        f"{shown['queries']} queries ({shown['drafts']} drafts; target < {PREVIEW_TARGET} s)"
    )
    total = queue_all(school, lead)
    sending = send(total, deadline=args.deadline)
    print(
        f"{sending['arrived']} of {total} e-mails arrived in "
        f"{sending['seconds_to_last_arrival']} s "
        f"({sending['per_second']}/s; all marked sent with their contacts at "
        f"{sending['seconds_to_all_marked_sent']} s; target < {SEND_TARGET} s); the worker "
        f"used {sending['worker_cpu_seconds']} s of CPU, start-up included"
    )

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": pg_version,
            "load_average": os.getloadavg(),
        },
        "settings": vars(args),
        "worker": "manage.py db_worker, one process (django_tasks_db.DatabaseBackend)",
        "sending": sending,
        "preview": shown,
    }
    Path(args.out).write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"Wrote {args.out}")
    met = sending["met"] and shown["met"] and sending["arrived_twice"] == 0
    print("Targets met." if met else "A target was missed: see above.")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
