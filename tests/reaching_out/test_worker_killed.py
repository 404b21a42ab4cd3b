"""The outbox's promise when the worker is killed part-way through a batch: a real database task
worker (`manage.py db_worker`, a separate process, as in production) sends 200 e-mails to a real
SMTP server on loopback and is killed (SIGKILL, no goodbye) after some tens have arrived; a new
worker finishes the batch. No e-mail arrives twice, none is lost: each is sent (arrived once, one
contact in the family's chronology) or, for the one the killed worker had in hand, "may have
gone" for the sender to check with the parent."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from families.models import Child, ChildParent, Contact, Family, ParentCarer, SchoolFamily
from reaching_out.models import Channel, Kind, Message
from reaching_out.tasks import messages_send_due
from tests import factories
from tests.reaching_out.smtp_server import SMTPServer

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = 100  # two parents each: 200 e-mails
KILL_AFTER = 30  # e-mails arrived before the first worker is killed
CLAIM_SECONDS = 1
DEADLINE = 60  # seconds for each wait; the whole test takes well under 30 s on a quiet machine
State = Message.State

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The worker is another process: it must reach the test database through a server. The
    # SQLite test database is in this process's memory, out of any other process's reach; CI
    # (`make test`) runs this on PostgreSQL.
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: a worker process cannot open the in-memory SQLite test database",
    ),
]


def _database_url() -> str:
    """This test's own database (each xdist worker has its own), for the worker process."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    if host.startswith("/"):  # a socket folder
        return f"postgres://{user}{password}@/{quote(db['NAME'])}?host={quote(host, safe='/')}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'])}"


def _worker(smtp: SMTPServer, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_URL": f"smtp://{smtp.host}:{smtp.port}",
        "MESSAGES_EMAIL_VIA": "smtp",
        "MESSAGES_CLAIM_SECONDS": str(CLAIM_SECONDS),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DEBUG": os.environ.get("DEBUG", "false"),
        "CONN_MAX_AGE": "0",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed as one
    )


def _wait_for(what: str, check, worker: subprocess.Popen, log: Path):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        assert worker.poll() is None, f"The worker stopped: {log.read_text()[-3000:]}"
        time.sleep(0.02)
    raise AssertionError(f"Gave up waiting for {what}. Worker log: {log.read_text()[-3000:]}")


def _stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    worker.wait(timeout=30)


@pytest.fixture
def smtp():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def outbox(cast):
    """200 e-mails to parents, queued and due, from the pastoral lead (who works with families,
    so each can be logged as a contact). Built by the factories, saved in bulk for speed."""
    school = cast.school
    families = Family.objects.bulk_create(
        factories.FamilyFactory.build(authority=school.authority) for _ in range(FAMILIES)
    )
    SchoolFamily.objects.bulk_create(SchoolFamily(school=school, family=f) for f in families)
    children = Child.objects.bulk_create(
        factories.ChildFactory.build(school=school, family=f) for f in families
    )
    parents = ParentCarer.objects.bulk_create(
        factories.ParentCarerFactory.build(family=f, email=f"parent{n}-{m}@example.org")
        for n, f in enumerate(families)
        for m in range(2)
    )
    child_of = {c.family_id: c for c in children}
    ChildParent.objects.bulk_create(
        factories.ChildParentFactory.build(child=child_of[p.family_id], parent=p) for p in parents
    )
    now = timezone.now()
    made = Message.objects.bulk_create(
        Message(
            school=school,
            family_id=parent.family_id,
            parent=parent,
            kind=Kind.GOOD_NEWS,
            channel=Channel.EMAIL,
            subject=f"Good news about {child_of[parent.family_id].first_name}",
            body=f"Dear {parent.first_name},\n\n{child_of[parent.family_id].first_name} read "
            "to the class today.",
            to=parent.email,
            sent_by=cast.pastoral,
            send_after=now - dt.timedelta(seconds=1),
        )
        for parent in parents
    )
    link = Message.children.through
    link.objects.bulk_create(link(message_id=m.pk, child_id=child_of[m.family_id].pk) for m in made)
    return {str(m.reference): m.pk for m in made}


def _arrived(smtp: SMTPServer) -> Counter:
    """How many times each Message-ID arrived."""
    return Counter(str(r.message["Message-ID"]).strip().strip("<>") for r in smtp.received)


def test_a_killed_worker_neither_loses_nor_repeats_an_email(settings, cast, smtp, outbox, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    log = tmp_path / "worker.log"

    first = _worker(smtp, log)
    try:
        messages_send_due.enqueue()
        _wait_for("some tens of e-mails", lambda: len(smtp.received) >= KILL_AFTER, first, log)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        _stop(first, signal.SIGKILL)
    arrived_at_kill = len(smtp.received)
    assert arrived_at_kill < len(outbox), "the worker finished before it could be killed"
    left = Message.objects.filter(state__in=[State.QUEUED, State.SENDING]).count()
    assert left > 0

    # The new worker takes back what the killed one had in hand once its claim has run out,
    # then sends the rest (the killed worker's task stays "running" for ever, so it is asked).
    stalled = Message.objects.filter(state=State.SENDING).values_list("claimed_at", flat=True)
    assert len(stalled) <= 1  # one message in hand at a time
    after = max(stalled, default=timezone.now()) + dt.timedelta(seconds=CLAIM_SECONDS + 0.2)
    messages_send_due.using(run_after=after).enqueue()
    second = _worker(smtp, log)
    try:
        _wait_for(
            "the outbox to empty",
            lambda: not Message.objects.filter(state__in=[State.QUEUED, State.SENDING]).exists(),
            second,
            log,
        )
    finally:
        _stop(second)

    arrived = _arrived(smtp)
    twice = {ref: n for ref, n in arrived.items() if n > 1}
    assert not twice, f"e-mails that arrived more than once: {twice}"
    by_reference = {ref.split("@")[0]: n for ref, n in arrived.items()}
    assert set(by_reference) <= set(outbox), "an e-mail arrived that was never queued"

    states = dict(Message.objects.values_list("reference", "state"))
    counts = Counter(states.values())
    assert set(counts) <= {State.SENT, State.UNSURE}, counts
    assert counts[State.UNSURE] <= 1  # one kill, one message in hand at most
    for reference, state in states.items():
        times = by_reference.get(str(reference), 0)
        if state == State.SENT:
            assert times == 1, f"{reference} is marked sent but arrived {times} times"
        else:
            assert times in (0, 1)
    assert counts[State.SENT] + counts[State.UNSURE] == len(outbox)
    assert len(by_reference) - counts[State.UNSURE] <= counts[State.SENT] <= len(by_reference)

    # Each sent e-mail is one contact in its family's chronology, with the parent it went to.
    sent = Message.objects.filter(state=State.SENT)
    assert sent.filter(contact__isnull=True).count() == 0
    assert Contact.objects.count() == counts[State.SENT]
    assert (
        Contact.objects.filter(message__state=State.SENT, parents=F("message__parent"))
        .distinct()
        .count()
        == counts[State.SENT]
    )
    # ... and counted in the family's contact balance: good news is a positive contact.
    positive = dict(
        SchoolFamily.objects.filter(school=cast.school).values_list("family_id", "positive_count")
    )
    per_family = Counter(sent.values_list("family_id", flat=True))
    assert positive == {family: per_family[family] for family in positive}
    assert sum(positive.values()) == counts[State.SENT]
