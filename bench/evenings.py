"""`make bench-evenings`: the 18:00 rush. 300 parents book a parents' evening in its first
minute, against gunicorn on loopback; no slot is given twice, and every booking a parent was told
they had is stored once.

Run it through scripts/with-postgres.sh (the Makefile does) so it gets a throwaway cluster:

    scripts/with-postgres.sh .venv/bin/python bench/evenings.py [--parents 300] [--over 60]

The stage (not measured): a primary school of 300 families (360 pupils: 60 families have two),
12 classes of 30 with a teacher each, and the headteacher, whom any family may book. The evening
has two sittings (15:30–17:30 and 18:00–19:30) of 5-minute appointments: 42 slots per member of
staff, for about 30 families each. Booking opens as the run starts; each parent has their own
evening link, and the school lets parents answer the second check with a child's birth date.

The rush (measured): the parents arrive at random over the first `--over` seconds (bounded:
each arrives once, each thread ends when its parent is done). Each, on their own connection with
their own cookies, opens their link, answers the second check, opens the page for choosing a
time and books an appointment for each child, with the child's teacher, taking 1-3 s on each
page (--think; `--think 0 0` for a stress test); one in ten also asks for the headteacher. Most
want the same few times: six in ten the first evening slot (18:00), the rest straight after
school (15:30), then the nearest free time. A parent with two children asks for the second one
at the time next to the first; one family in three first asks for the very same time (the page
must refuse: they already have an appointment then). A refused booking is read (409, with
words) and one of the three nearest wanted times that page offers again is tried.

Afterwards, in the database: no slot held by two live bookings, no parent in two places at once,
each acknowledged booking (a redirect) stored exactly once, and nothing stored that was not
acknowledged. Prints a table of latencies per request (p50, p95, max) and status counts, and
writes bench/results-evenings.json. Targets: zero doubles, zero 5xx, p95 <= 500 ms.

`--direct` races the same plan through evenings.services.booking_make from threads in this
process instead (no web server): the database alone refusing doubles.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import http.client
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "SECRET_KEY": "bench-evenings-only-secret-key",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
    # As in production: confirmations are queued for the task worker (not run here), not sent
    # inside the parent's request.
    "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
}
for key, value in ENV.items():
    os.environ.setdefault(key, value)

TRACE = bool(os.environ.get("BENCH_TRACE"))  # each request printed, to debug the harness
P95_TARGET_MS = 500.0
CLASSES = 12
SLOT_MINUTES = 5
WARM = 6  # families who only open their pages first, so each server thread has drawn them once
MAX_TRIES = 8  # bookings tried per appointment before a parent gives up (phones the school)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
SLOT_INPUT = re.compile(r'<input\b[^>]*\bname="slot"[^>]*>')
VALUE = re.compile(r'\bvalue="(\d+)"')
TAKEN_WORDS = "Someone has just booked that time"
BUSY_WORDS = "You already have an appointment at that time"


# The stage --------------------------------------------------------------------------------


@dataclass
class Want:
    """One appointment a parent wants: for these children, with this member of staff, at one
    of these slots (best first)."""

    child: int  # the child whose page it is (?child=)
    children: list[int]  # whom the appointment is about
    staff_id: int
    slots: list[int]
    same_time_first: bool = False  # a second appointment first asked for at the held time


@dataclass
class Plan:
    n: int
    parent_id: int
    path: str  # the link's path, /p/<token>/
    birth_date: str
    wants: list[Want] = field(default_factory=list)


def build(*, parents: int, seed: int):
    """The school, the evening, and each parent's plan. Bulk inserts where it is only data; the
    evening is set up through the services, as the setting-up pages do."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from evenings import services
    from evenings.messages import link_until
    from evenings.models import Evening, Sitting, Slot
    from families.models import Child, ChildParent, Family, ParentCarer, SchoolFamily
    from family_voice.models import Purpose
    from family_voice.services import link_create
    from portal.models import Authority, ClassGroup, Membership, Role, School

    rng = random.Random(seed)
    users = get_user_model()
    authority = Authority.objects.create(name="Bench Council")
    school = School.objects.create(
        name="Bench Primary",
        authority=authority,
        stage=School.Stage.PRIMARY,
        parent_check_by_birth_date=True,
    )
    head = users.objects.create_user(
        username="bench-head", first_name="Fiona", last_name="Grant", password=None
    )
    Membership.objects.create(user=head, school=school, role=Role.HEADTEACHER)
    classes, teachers = [], []
    for n in range(CLASSES):
        year = f"P{n // 2 + 1}"
        teacher = users.objects.create_user(
            username=f"bench-teacher-{n}", first_name="Teacher", last_name=f"No{n}", password=None
        )
        Membership.objects.create(user=teacher, school=school, role=Role.STAFF)
        group = ClassGroup.objects.create(
            school=school, name=f"{year} {'AB'[n % 2]}", year_group=year
        )
        group.staff.add(teacher)
        classes.append(group)
        teachers.append(teacher)

    # Families: one child each, and 60 (one in five) with a second child in another year.
    twos = parents // 5
    seats = [c for c in classes for _ in range(-(-(parents + twos) // CLASSES))]
    rng.shuffle(seats)
    homes = Family.objects.bulk_create(
        Family(authority=authority, name=f"Family {n}") for n in range(parents)
    )
    SchoolFamily.objects.bulk_create(SchoolFamily(school=school, family=f) for f in homes)
    pupils = []
    for n, home in enumerate(homes):
        mine = [seats.pop()]
        if n < twos:
            other = next(i for i, c in enumerate(seats) if c.year_group != mine[0].year_group)
            mine.append(seats.pop(other))
        for k, group in enumerate(mine):
            pupils.append(
                Child(
                    school=school,
                    family=home,
                    first_name=f"Pupil{n}x{k}",
                    last_name="Reid",
                    date_of_birth=dt.date(2016, 1, 1) + dt.timedelta(days=(n * 7 + k) % 2000),
                    class_group=group,
                    year_group=group.year_group,
                )
            )
    pupils = Child.objects.bulk_create(pupils)
    adults = ParentCarer.objects.bulk_create(
        ParentCarer(
            family=f,
            first_name=f"Parent{n}",
            last_name="Reid",
            email=f"parent{n}@example.org",
            preferred_channel=ParentCarer.Channel.EMAIL,
        )
        for n, f in enumerate(homes)
    )
    parent_of = {p.family_id: p for p in adults}
    ChildParent.objects.bulk_create(
        ChildParent(child=c, parent=parent_of[c.family_id], relationship="mother") for c in pupils
    )

    now = timezone.now()
    day = timezone.localdate(now) + dt.timedelta(days=7)

    def at(hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    evening = services.evening_save(
        evening=Evening(
            school=school,
            name="Spring parents' evening",
            slot_minutes=SLOT_MINUTES,
            opens_at=now - dt.timedelta(seconds=5),
            changes_until=at(12),
            year_groups=sorted({c.year_group for c in classes}),
        ),
        by=head,
    )
    services.taking_set(evening=evening, staff=[*teachers, head], for_everyone=[head])
    for starts, ends in ((at(15, 30), at(17, 30)), (at(18), at(19, 30))):
        services.sitting_add(
            evening=evening,
            sitting=Sitting(starts_at=starts, ends_at=ends, in_person=True, phone=True),
        )
    run = services.invitations_make(evening=evening)
    if run.invited != parents:
        raise SystemExit(f"Expected {parents} parents invited, got {run.invited}: {run}")

    # The times each member of staff offers, in the order the two kinds of parent want them.
    grid: dict[int, list[tuple[dt.datetime, int]]] = {}
    for slot in Slot.objects.filter(evening=evening).order_by("starts_at"):
        grid.setdefault(slot.staff_id, []).append((slot.starts_at, slot.pk))
    evening_first = at(18)

    def order(staff_id: int, after_work: bool) -> list[int]:
        times = grid[staff_id]
        if not after_work:
            return [pk for _, pk in times]
        later = [pk for t, pk in times if t >= evening_first]
        sooner = [pk for t, pk in reversed(times) if t < evening_first]
        return later + sooner

    by_family: dict[int, list] = {}
    for child in pupils:
        by_family.setdefault(child.family_id, []).append(child)
    until = link_until(evening)
    teacher_of = {c.pk: t.pk for c, t in zip(classes, teachers, strict=True)}
    plans = []
    for n, parent in enumerate(adults):
        made = link_create(
            school=school, parent=parent, purpose=Purpose.EVENING, created_by=head, until=until
        )
        kids = by_family[parent.family_id]
        after_work = rng.random() < 0.6
        plan = Plan(
            n=n,
            parent_id=parent.pk,
            path=urlsplit(made.url).path,
            birth_date=kids[0].date_of_birth.isoformat(),
        )
        for k, child in enumerate(kids):
            staff_id = teacher_of[child.class_group_id]
            plan.wants.append(
                Want(
                    child=child.pk,
                    children=[child.pk],
                    staff_id=staff_id,
                    slots=order(staff_id, after_work),
                    same_time_first=k > 0 and n % 3 == 0,
                )
            )
        if rng.random() < 0.1:
            plan.wants.append(
                Want(
                    child=kids[0].pk,
                    children=[c.pk for c in kids],
                    staff_id=head.pk,
                    slots=order(head.pk, True),
                )
            )
        plans.append(plan)
    starts_of = {pk: t for times in grid.values() for t, pk in times}
    return evening, plans, starts_of


# The parents ------------------------------------------------------------------------------


class Log:
    """Each request: what it was, how long it took, its status."""

    def __init__(self, at_once: int):
        self.lock = threading.Lock()
        # At most so many parents at once (--direct: each holds a database connection).
        self.gate = threading.BoundedSemaphore(at_once)
        self.rows: list[tuple[str, float, int | str]] = []
        self.booked: list[tuple[int, int]] = []  # (parent, slot) acknowledged
        self.refused: Counter[str] = Counter()
        self.gave_up = 0
        self.problems: Counter[str] = Counter()

    def add(self, kind: str, ms: float, status) -> None:
        with self.lock:
            self.rows.append((kind, ms, status))


class Browser:
    """One parent's phone: one kept-alive connection and its cookies. Cookies are kept by hand
    so that those marked Secure (the CSRF cookie in production settings) are sent on loopback."""

    def __init__(self, port: int, log: Log):
        self.port = port
        self.log = log
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, kind: str, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        try:
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()  # a kept-alive connection closed under us: a GET is resent
                if method != "GET":
                    raise
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (http.client.HTTPException, OSError) as exc:
            self.conn.close()
            self.log.add(kind, (time.perf_counter() - began) * 1000, type(exc).__name__)
            raise
        self.log.add(kind, (time.perf_counter() - began) * 1000, response.status)
        if TRACE:
            print(method, path[:40], response.status, response.getheader("Location", ""))
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), text

    def csrf(self, text: str) -> str:
        found = CSRF_INPUT.search(text)
        return found.group(1) if found else self.cookies.get("csrftoken", "")


class PageParent:
    """A parent through the pages, as a browser without JavaScript would go."""

    def __init__(self, plan: Plan, evening_id: int, port: int, log: Log, think=(0.0, 0.0)):
        self.plan = plan
        self.browser = Browser(port, log)
        self.evening_path = f"{plan.path}evening/{evening_id}/"
        self.token = ""
        self.think = think
        self.rng = random.Random(plan.n)

    def pause(self) -> None:
        """Reading a page, typing a date, choosing a time: people take a moment."""
        time.sleep(self.rng.uniform(*self.think))

    def arrive(self) -> bool:
        b = self.browser
        status, _, text = b.request("link (second check)", "GET", self.plan.path)
        if status != 200:
            return False
        self.pause()
        form = {"birth_date": self.plan.birth_date, "csrfmiddlewaretoken": b.csrf(text)}
        status, where, _ = b.request("answer the check", "POST", self.plan.path + "check/", form)
        if status != 302:
            return False
        b.request("link page", "GET", urlsplit(where).path or self.plan.path)
        self.pause()
        return True

    def _read(self, text: str) -> set[int] | None:
        """The free times a page offers (slot ids), and its form's CSRF token."""
        self.token = self.browser.csrf(text)
        found = {int(m.group(1)) for i in SLOT_INPUT.findall(text) for m in [VALUE.search(i)] if m}
        return found or None

    def offered(self, want: Want) -> set[int] | None:
        """The page for choosing a time with this member of staff about this child."""
        status, _, text = self.browser.request(
            "choose a time", "GET", f"{self.evening_path}?staff={want.staff_id}&child={want.child}"
        )
        return self._read(text) if status == 200 else None

    def book(self, slot_id: int, want: Want) -> tuple[str, str, set[int] | None]:
        """Book; a refusal's page (409) says why and offers the free times again."""
        self.pause()
        form = {
            "csrfmiddlewaretoken": self.token,
            "staff": want.staff_id,
            "child": want.child,
            "slot": slot_id,
            "children": want.children,
            "way": "in_person",
            "interpreter": "",
            "supporter": "",
            "note": f"Rush {self.plan.n}",
        }
        status, where, text = self.browser.request(
            "book", "POST", f"{self.evening_path}book/", form
        )
        if status in (302, 303):
            after = urlsplit(where)
            self.browser.request("after booking", "GET", f"{after.path}?{after.query}")
            return "booked", "", None
        if status == 409:
            words = html.unescape(text)
            offered = self._read(text)
            if TAKEN_WORDS in words:
                return "taken", "", offered
            if BUSY_WORDS in words:
                return "busy", "", offered
            return "refused", "409 without the expected words", offered
        return "failed", f"book: {status}", None


class DirectParent:
    """The same parent through evenings.services.booking_make, no web server (--direct)."""

    def __init__(self, plan: Plan, evening_id: int, port: int, log: Log, think=None):
        self.plan = plan
        self.evening_id = evening_id
        self.log = log

    def arrive(self) -> bool:
        return True

    def offered(self, want: Want) -> set[int] | None:
        from evenings.models import Evening, Slot
        from evenings.services import _booked

        began = time.perf_counter()
        found = set(
            Slot.objects.filter(evening_id=self.evening_id, blocked=False)
            .filter(staff_id=want.staff_id)
            .exclude(_booked())
            .values_list("pk", flat=True)
        )
        self.evening = Evening.objects.get(pk=self.evening_id)
        self.log.add("free slots (query)", (time.perf_counter() - began) * 1000, 200)
        return found

    def book(self, slot_id: int, want: Want) -> tuple[str, str, None]:
        from evenings import services
        from evenings.models import Slot
        from families.models import Child, ParentCarer

        began = time.perf_counter()
        try:
            services.booking_make(
                evening=self.evening,
                slot=Slot.objects.select_related("sitting").get(pk=slot_id),
                parent=ParentCarer.objects.get(pk=self.plan.parent_id),
                children=list(Child.objects.filter(pk__in=want.children)),
                note=f"Rush {self.plan.n}",
            )
        except services.BookingRefused as refused:
            self.log.add("booking_make", (time.perf_counter() - began) * 1000, 409)
            words = " ".join(refused.messages)
            if TAKEN_WORDS in words:
                return "taken", "", None
            if BUSY_WORDS in words:
                return "busy", "", None
            return "refused", words, None
        except Exception as exc:  # noqa: BLE001 (counted and reported, as a 5xx would be)
            self.log.add("booking_make", (time.perf_counter() - began) * 1000, 500)
            return "failed", f"booking_make: {type(exc).__name__}: {exc}", None
        self.log.add("booking_make", (time.perf_counter() - began) * 1000, 302)
        return "booked", "", None


def rush(plan: Plan, who, log: Log, starts_of: dict, at: float, started: float) -> None:
    """One parent: arrive at their moment, then book each appointment they want."""
    from django.db import connection

    time.sleep(max(0.0, started + at - time.perf_counter()))
    with log.gate:
        _rush(plan, who, log, starts_of)
    connection.close()


def _rush(plan: Plan, who, log: Log, starts_of: dict) -> None:
    rng = random.Random(plan.n)
    try:
        if not who.arrive():
            with log.lock:
                log.problems["could not pass the check"] += 1
            return
        held: list[dt.datetime] = []
        for want in plan.wants:
            step = dt.timedelta(minutes=SLOT_MINUTES)
            near = {h + step for h in held} | {h - step for h in held}
            wanted = sorted(want.slots, key=lambda pk: starts_of[pk] not in near)
            if want.same_time_first and held:
                wanted = [pk for pk in want.slots if starts_of[pk] == held[0]] + wanted
            tried: set[int] = set()
            offered = None
            done = False
            for n in range(MAX_TRIES):
                if n == 0 or offered is None:
                    offered = who.offered(want)
                left = [
                    pk for pk in wanted if pk not in tried and (offered is None or pk in offered)
                ]
                # First their first choice; after a refusal, one of the three nearest to what
                # they wanted (people do not all pick the same next time).
                choice = (left[0] if n == 0 else rng.choice(left[:3])) if left else None
                # The deliberate clash is tried even though the page does not offer it.
                if want.same_time_first and held and not tried:
                    choice = wanted[0]
                if choice is None:
                    break
                tried.add(choice)
                outcome, problem, offered = who.book(choice, want)
                with log.lock:
                    if outcome == "booked":
                        log.booked.append((plan.parent_id, choice))
                    elif problem:
                        log.problems[problem] += 1
                    else:
                        log.refused[outcome] += 1
                if outcome == "booked":
                    held.append(starts_of[choice])
                    done = True
                    break
                if outcome == "failed":
                    return
            if not done:
                with log.lock:
                    log.gave_up += 1
    except (http.client.HTTPException, OSError) as exc:
        with log.lock:
            log.problems[f"connection: {type(exc).__name__}"] += 1


# The server -------------------------------------------------------------------------------


def serve(args) -> tuple[subprocess.Popen, Path]:
    log = Path(tempfile.mkstemp(prefix="bench-evenings-gunicorn-", suffix=".log")[1])
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--keep-alive",
            "75",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped: {log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            return server, log
        except OSError:
            time.sleep(0.25)
    raise SystemExit("gunicorn did not answer within 30 s")


def warm_up(plans: list[Plan], evening_id: int, port: int) -> None:
    """A production server has drawn its pages before 18:00: a few families not in the rush
    open theirs, several times over, so every worker has (not measured)."""

    def look(plan: Plan) -> None:
        for _ in range(3):
            parent = PageParent(plan, evening_id, port, Log(1))
            if parent.arrive():
                parent.offered(plan.wants[0])

    threads = [threading.Thread(target=look, args=(p,)) for p in plans]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def server_cpu(server: subprocess.Popen | None) -> float | None:
    """The CPU seconds gunicorn and its workers have used so far (Linux /proc), so the cost of
    a request can be read apart from how busy the machine is."""
    if server is None:
        return None
    try:
        pids = [server.pid]
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        pids += [int(c) for c in children]
        ticks = 0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


# Afterwards -------------------------------------------------------------------------------


def check(evening, log: Log) -> dict:
    """What the database holds, against what the parents were told."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from evenings.messages import TOPIC
    from evenings.models import Booking
    from reaching_out.models import Kind, Message

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT slot_id, count(*) FROM evenings_booking WHERE cancelled_at IS NULL"
            " AND evening_id = %s GROUP BY slot_id HAVING count(*) > 1",
            [evening.pk],
        )
        slot_doubles = cursor.fetchall()
        cursor.execute(
            "SELECT parent_id, starts_at, count(*) FROM evenings_booking"
            " WHERE cancelled_at IS NULL AND evening_id = %s"
            " GROUP BY parent_id, starts_at HAVING count(*) > 1",
            [evening.pk],
        )
        parent_doubles = cursor.fetchall()
    stored = Counter(
        Booking.objects.filter(evening=evening, cancelled_at=None).values_list("parent_id", "slot")
    )
    told = Counter(log.booked)
    return {
        "slots_given_twice": len(slot_doubles),
        "parents_in_two_places": len(parent_doubles),
        "bookings_acknowledged": sum(told.values()),
        "bookings_stored": sum(stored.values()),
        "acknowledged_stored_exactly_once": all(stored.get(k) == 1 for k in told),
        "stored_not_acknowledged": sum(1 for k in stored if k not in told),
        "acknowledged_twice": sum(1 for n in told.values() if n > 1),
        # Each booking's confirmation is a task for the worker (evenings.tasks), none run here.
        "confirmations_queued": Message.objects.filter(
            topic=TOPIC.format(evening.pk), kind=Kind.EVENING_BOOKED
        ).count()
        + DBTaskResult.objects.filter(task_path="evenings.tasks.evening_confirmation_send").count(),
    }


def table(rows) -> dict:
    kinds = sorted({k for k, _, _ in rows})
    out = {}
    for kind in [*kinds, "all"]:
        picked = [(ms, s) for k, ms, s in rows if kind in ("all", k)]
        times = sorted(ms for ms, _ in picked)
        statuses = Counter(s for _, s in picked)
        out[kind] = {
            "requests": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[round(0.95 * (len(times) - 1))], 1),
            "max_ms": round(times[-1], 1),
            "2xx": sum(n for s, n in statuses.items() if isinstance(s, int) and s < 300),
            "3xx": sum(n for s, n in statuses.items() if isinstance(s, int) and 300 <= s < 400),
            "409": statuses.get(409, 0),
            "other_4xx": sum(
                n for s, n in statuses.items() if isinstance(s, int) and 400 <= s < 500 and s != 409
            ),
            "5xx": sum(n for s, n in statuses.items() if isinstance(s, int) and s >= 500),
            "no_answer": sum(n for s, n in statuses.items() if not isinstance(s, int)),
        }
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=300)
    parser.add_argument("--over", type=float, default=60, help="arrivals over so many seconds")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar="S",
        help="seconds a parent takes on each page before the next step (0 0: a stress test)",
    )
    parser.add_argument("--direct", action="store_true", help="booking_make from threads")
    parser.add_argument(
        "--at-once", type=int, default=0, help="most parents at once (default: all; --direct 40)"
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-evenings.json"))
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("The benchmark needs PostgreSQL: run it with scripts/with-postgres.sh.")
        return 2
    call_command("migrate", verbosity=0)
    if not args.direct:
        call_command("collectstatic", interactive=False, verbosity=0)
    began = time.perf_counter()
    evening, plans, starts_of = build(parents=args.parents + WARM, seed=args.seed)
    plans, warm = plans[: args.parents], plans[args.parents :]
    wanted = sum(len(p.wants) for p in plans)
    print(
        f"Built {len(plans)} families, {len(starts_of)} slots, {wanted} appointments wanted "
        f"in {time.perf_counter() - began:.1f} s"
    )
    connection.close()  # the threads and the server have their own

    rng = random.Random(args.seed)
    arrivals = sorted(rng.uniform(0, args.over) for _ in plans)
    log = Log(args.at_once or (40 if args.direct else len(plans)))
    server = server_log = None
    if not args.direct:
        server, server_log = serve(args)
    who = DirectParent if args.direct else PageParent
    try:
        if server is not None:
            warm_up(warm, evening.pk, args.port)
        cpu_before = server_cpu(server)
        client_before = time.process_time()
        load_before = os.getloadavg()
        started = time.perf_counter()
        threads = [
            threading.Thread(
                target=rush,
                args=(
                    p,
                    who(p, evening.pk, args.port, log, tuple(args.think)),
                    log,
                    starts_of,
                    at,
                    started,
                ),
            )
            for p, at in zip(plans, arrivals, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        cpu_after = server_cpu(server)
        client_cpu = round(time.process_time() - client_before, 1)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)

    held = check(evening, log)
    rows = table(log.rows)
    cpu = (
        round(cpu_after - cpu_before, 1)
        if cpu_before is not None and cpu_after is not None
        else None
    )
    cpu_ms = round(cpu * 1000 / rows["all"]["requests"], 1) if cpu is not None else None
    print(
        f"\n{len(plans)} parents arrived over {args.over:.0f} s; done in {seconds:.1f} s "
        f"(load average {load_before[0]:.1f} as it began, {os.getloadavg()[0]:.1f} at the end)"
    )
    print(f"{'request':<22}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}", end="")
    print(f"{'2xx':>6}{'3xx':>6}{'409':>6}{'4xx':>5}{'5xx':>5}{'none':>6}")
    for kind, r in rows.items():
        print(
            f"{kind:<22}{r['requests']:>6}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['max_ms']:>9}"
            f"{r['2xx']:>6}{r['3xx']:>6}{r['409']:>6}{r['other_4xx']:>5}{r['5xx']:>5}"
            f"{r['no_answer']:>6}"
        )
    if cpu is not None:
        print(
            f"The server used {cpu} s of CPU in the rush ({cpu_ms} ms a request on average); "
            f"the parents' side {client_cpu} s"
        )
    print(
        f"\nBooked {held['bookings_acknowledged']} of {wanted} wanted; refused "
        f"{dict(log.refused)}; gave up {log.gave_up}; problems {dict(log.problems) or 'none'}"
    )
    print(
        f"Slots given twice: {held['slots_given_twice']}; parents in two places: "
        f"{held['parents_in_two_places']}; stored {held['bookings_stored']}, each acknowledged "
        f"one once: {held['acknowledged_stored_exactly_once']}, stored but not acknowledged: "
        f"{held['stored_not_acknowledged']}; confirmations queued "
        f"{held['confirmations_queued']}"
    )

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": pg_version,
            # Other work on the machine (1, 5, 15 minutes) as the rush began and as it ended.
            "load_average_before": load_before,
            "load_average": os.getloadavg(),
        },
        "settings": vars(args),
        "server": "direct (no web server)"
        if args.direct
        else f"gunicorn gthread, {args.workers} workers x {args.threads} threads, on loopback",
        "parents": len(plans),
        "appointments_wanted": wanted,
        "seconds": round(seconds, 1),
        "requests": rows,
        "server_cpu_seconds": cpu,
        "server_cpu_ms_per_request": cpu_ms,
        "client_cpu_seconds": client_cpu,
        "refused": dict(log.refused),
        "gave_up": log.gave_up,
        "problems": dict(log.problems),
        "database": held,
        "target_p95_ms": P95_TARGET_MS,
    }
    Path(args.out).write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"Wrote {args.out}")
    if server_log is not None and rows["all"]["5xx"]:
        print(f"Server errors: see {server_log}")
    met = (
        held["slots_given_twice"] == 0
        and held["parents_in_two_places"] == 0
        and held["acknowledged_stored_exactly_once"]
        and held["stored_not_acknowledged"] == 0
        and rows["all"]["5xx"] == 0
        and rows["all"]["no_answer"] == 0
        and not log.problems
        and (args.direct or rows["all"]["p95_ms"] <= P95_TARGET_MS)
    )
    print("Targets met." if met else "A target was missed: see above.")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
