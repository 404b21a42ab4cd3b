"""The 18:00 rush, short: 40 parents race for the same two times through the real pages, on a
live server, each on their own connection, all pressing "book" at once. Each time is given once,
no one gets an error page, each parent told "booked" holds it exactly once, and every other one
is told in words (409) that someone has just booked it, with free times offered again. Also: the
service itself, from 20 threads at one slot, gives it once.

PostgreSQL only (CI's `make test`): the race is for the database's unique constraints under
real concurrent transactions, and the in-memory SQLite test database is out of other threads'
reach. The whole rush (300 parents in a minute, latencies) is `make bench-evenings`.
"""

from __future__ import annotations

import datetime as dt
import html
import http.client
import re
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection, connections
from django.utils import timezone

from evenings import services
from evenings.models import Booking, Evening, Sitting, Slot
from family_voice import services as link_services
from family_voice.models import Purpose
from tests import factories

PARENTS = 40
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent transactions racing for the unique constraints",
    ),
]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
SLOT_INPUT = re.compile(r'<input\b[^>]*\bname="slot"[^>]*\bvalue="(\d+)"')


class Phone:
    """One parent's browser: its own connection and cookies (kept by hand, so the CSRF cookie,
    marked Secure outside DEBUG, is sent on plain-HTTP loopback)."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookies: dict[str, str] = {}

    def go(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), text


@pytest.fixture
def server(transactional_db, settings, monkeypatch):
    """A live server started after the test settings apply (as tests/browser does), with no
    database connection kept past a request, so the test database can be dropped."""
    from pytest_django.live_server_helper import LiveServer

    for alias in connections:
        monkeypatch.setitem(connections.settings[alias], "CONN_MAX_AGE", 0)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    live = LiveServer("localhost")
    Phone(live.url).go("GET", "/accounts/login/")  # warm: the first request imports the views
    yield live
    live.stop()


@pytest.fixture
def rush(cast):
    """An open evening (real time: the server's clock is not the test's) for one class of 40,
    each family one child and one parent, with a link; the school checks by birth date."""
    school = cast.school
    school.parent_check_by_birth_date = True
    school.save()
    group = factories.ClassGroupFactory(school=school, name="P4 Elm", year_group="P4")
    group.staff.add(cast.teacher)
    now = timezone.now()
    day = timezone.localdate(now) + dt.timedelta(days=7)
    evening = services.evening_save(
        evening=Evening(
            school=school,
            name="Rush evening",
            slot_minutes=10,
            opens_at=now - dt.timedelta(minutes=1),
            changes_until=now + dt.timedelta(days=5),
            year_groups=["P4"],
        ),
        by=cast.headteacher,
    )
    services.taking_set(evening=evening, staff=[cast.teacher])
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(18)))
    services.sitting_add(
        evening=evening,
        sitting=Sitting(starts_at=starts, ends_at=starts + dt.timedelta(hours=2), place="Hall"),
    )
    families = []
    for n in range(PARENTS):
        child = factories.ChildFactory(
            school=school,
            family=factories.SchoolFamilyFactory(school=school).family,
            class_group=group,
            year_group="P4",
            date_of_birth=dt.date(2017, 1, 1) + dt.timedelta(days=n),
        )
        parent = factories.ParentCarerFactory(family=child.family, email=f"p{n}@example.org")
        factories.ChildParentFactory(child=child, parent=parent)
        families.append((parent, child))
    services.invitations_make(evening=evening)
    plans = []
    for parent, child in families:
        made = link_services.link_create(
            school=school,
            parent=parent,
            purpose=Purpose.EVENING,
            created_by=cast.headteacher,
            until=now + dt.timedelta(days=9),
        )
        plans.append((parent, child, urlsplit(made.url).path))
    popular = list(Slot.objects.filter(evening=evening).order_by("starts_at")[:2])
    return evening, plans, popular, cast.teacher


def _live_doubles(evening) -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT slot_id, count(*) FROM evenings_booking WHERE cancelled_at IS NULL"
            " AND evening_id = %s GROUP BY slot_id HAVING count(*) > 1",
            [evening.pk],
        )
        slots = cursor.fetchall()
        cursor.execute(
            "SELECT parent_id, starts_at, count(*) FROM evenings_booking"
            " WHERE cancelled_at IS NULL AND evening_id = %s"
            " GROUP BY parent_id, starts_at HAVING count(*) > 1",
            [evening.pk],
        )
        return slots, cursor.fetchall()


def test_forty_parents_pressing_book_at_once_get_each_time_once(server, rush):
    evening, plans, popular, teacher = rush
    ready = threading.Barrier(PARENTS, timeout=120)
    results: list[tuple] = []
    failures: list[str] = []
    lock = threading.Lock()

    def parent_rushes(n, parent, child, path):
        try:
            phone = Phone(server.url)
            status, _, text = phone.go("GET", path)
            assert status == 200, f"the link opened with {status}"
            token = CSRF_INPUT.search(text).group(1)
            answer = {"birth_date": child.date_of_birth.isoformat(), "csrfmiddlewaretoken": token}
            status, _, _ = phone.go("POST", path + "check/", answer)
            assert status == 302, f"the second check answered {status}"
            page = f"{path}evening/{evening.pk}/"
            status, _, text = phone.go("GET", f"{page}?staff={teacher.pk}&child={child.pk}")
            assert status == 200, f"the evening's page answered {status}"
            slot = popular[n % 2]
            assert str(slot.pk) in SLOT_INPUT.findall(text)
            form = {
                "csrfmiddlewaretoken": CSRF_INPUT.search(text).group(1),
                "staff": teacher.pk,
                "child": child.pk,
                "slot": slot.pk,
                "children": [child.pk],
                "way": "in_person",
                "interpreter": "",
                "supporter": "",
                "note": f"Rush {n}",
            }
            ready.wait()  # everyone has the page with the same two times free: now, book
            status, _, text = phone.go("POST", f"{page}book/", form)
            with lock:
                results.append((parent.pk, slot.pk, status, html.unescape(text)))
        except Exception as exc:  # noqa: BLE001 (reported by the test, with which parent)
            ready.abort()
            with lock:
                failures.append(f"parent {n}: {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=parent_rushes, args=(n, parent, child, path))
        for n, (parent, child, path) in enumerate(plans)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not failures, failures
    statuses = sorted({status for _, _, status, _ in results})
    assert statuses == [303, 409], statuses  # no error pages: booked (303) or refused (409)
    booked = [(parent, slot) for parent, slot, status, _ in results if status == 303]
    assert sorted(slot for _, slot in booked) == sorted(s.pk for s in popular)
    for _, slot, status, words in results:
        if status == 409:
            assert "Someone has just booked that time. Please choose another." in words
            offered = SLOT_INPUT.findall(words)
            assert offered and str(slot) not in offered  # other times, not the one taken
    slots_twice, parents_twice = _live_doubles(evening)
    assert slots_twice == [] and parents_twice == []
    stored = list(Booking.objects.filter(evening=evening).values_list("parent_id", "slot_id"))
    assert sorted(stored) == sorted(booked)  # each one told "booked" holds it, once; no others


def test_twenty_threads_at_one_slot_through_the_service_give_it_once(rush):
    evening, plans, popular, _teacher = rush
    slot = popular[0]
    ready = threading.Barrier(20, timeout=60)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(parent, child):
        try:
            ready.wait()
            services.booking_make(
                evening=Evening.objects.get(pk=evening.pk),
                slot=Slot.objects.select_related("sitting").get(pk=slot.pk),
                parent=parent,
                children=[child],
                confirm=False,
            )
            outcome = "booked"
        except services.BookingRefused as refused:
            outcome = refused.messages[0]
        except Exception as exc:  # noqa: BLE001 (an error, not a refusal: the test says which)
            outcome = f"{type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=book, args=(p, c)) for p, c, _path in plans[:20]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes.count("booked") == 1
    assert outcomes.count(services.TAKEN) == 19
    assert Booking.objects.filter(slot=slot, cancelled_at=None).count() == 1
