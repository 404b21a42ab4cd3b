"""Dashboard reads go to the read replica when one is configured; nothing else does."""

import threading
import time

import pytest
from django.db import OperationalError, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from families.models import SchoolFamily
from scale import routers
from scale.routers import DashboardReplicaRouter, dashboard_reads
from tests import factories

both = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def healthy_replica():
    """Each test starts with the replica checked and found healthy (as a running process
    would after its first background check); what a process knows is forgotten after."""
    routers.forget()
    routers._health["replica"] = routers.Health(True, 0.0, time.monotonic())
    yield
    routers.forget()


def _requests(client, url):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(url)
    return response, [q["sql"] for q in primary], [q["sql"] for q in replica]


def _a_placed_family(cast):
    link = factories.SchoolFamilyFactory(school=cast.school)
    factories.PlacementFactory(school_family=link, placed_by=cast.headteacher)
    return link


@both
def test_the_school_dashboard_reads_from_the_replica(settings, cast, login, compass_defaults):
    settings.DASHBOARD_READ_DATABASE = "replica"
    _a_placed_family(cast)
    response, primary, replica = _requests(login(cast.headteacher), reverse("dashboards:dashboard"))
    assert response.status_code == 200
    # The regions come from each family's current region (families_schoolfamily).
    assert any("current_region" in sql for sql in replica)
    assert not any("current_region" in sql for sql in primary)
    # The session is read and saved on the primary: a lagging replica never signs anyone out.
    assert any("django_session" in sql for sql in primary)
    assert not any("django_session" in sql for sql in replica)


@both
def test_family_pages_stay_on_the_primary(settings, cast, login, compass_defaults):
    settings.DASHBOARD_READ_DATABASE = "replica"
    _a_placed_family(cast)
    response, primary, replica = _requests(login(cast.pastoral), reverse("families:family-list"))
    assert response.status_code == 200
    assert replica == []
    assert any("families_schoolfamily" in sql for sql in primary)


@both
def test_without_a_replica_dashboards_read_the_primary(settings, cast, login, compass_defaults):
    settings.DASHBOARD_READ_DATABASE = None
    _a_placed_family(cast)
    response, primary, replica = _requests(login(cast.headteacher), reverse("dashboards:dashboard"))
    assert response.status_code == 200
    assert replica == []
    assert any("current_region" in sql for sql in primary)


def test_the_router_only_moves_reads_inside_a_dashboard(settings):
    router = DashboardReplicaRouter()
    settings.DASHBOARD_READ_DATABASE = "replica"
    assert router.db_for_read(SchoolFamily) is None
    with dashboard_reads():
        assert router.db_for_read(SchoolFamily) == "replica"
        assert router.db_for_write(SchoolFamily) is None
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) is None
    assert router.db_for_read(SchoolFamily) is None
    assert router.allow_migrate("replica", "families") is False


@both
def test_a_replica_found_down_sends_dashboards_to_the_primary(
    settings, cast, login, compass_defaults
):
    settings.DASHBOARD_READ_DATABASE = "replica"
    _a_placed_family(cast)
    routers._health["replica"] = routers.Health(False, None, time.monotonic(), "refused")
    response, primary, replica = _requests(login(cast.headteacher), reverse("dashboards:dashboard"))
    assert response.status_code == 200
    assert replica == []
    assert any("current_region" in sql for sql in primary)


@both
def test_a_replica_that_fails_mid_page_is_left_and_the_page_drawn_from_the_primary(
    settings, cast, login, compass_defaults, monkeypatch
):
    settings.DASHBOARD_READ_DATABASE = "replica"
    _a_placed_family(cast)
    client = login(cast.headteacher)

    def refused():
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(connections["replica"], "ensure_connection", refused)
    with CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    assert any("current_region" in q["sql"] for q in primary)
    assert routers.usable("replica") is False  # until a check finds it back


@both
def test_a_replica_further_behind_than_allowed_is_not_used(settings):
    settings.DASHBOARD_READ_DATABASE = "replica"
    settings.REPLICA_MAX_LAG_SECONDS = 30
    found = routers.check("replica")
    assert found.usable and found.lag_seconds == 0
    # The same real check, with a limit no replica can meet: 0 s behind is too far.
    settings.REPLICA_MAX_LAG_SECONDS = -1
    found = routers.check("replica")
    assert not found.usable and "behind" in found.why
    assert routers.usable("replica") is False


def test_an_unreachable_replica_is_not_used(monkeypatch):
    default = connections["default"]
    gone = {**default.settings_dict, "NAME": "/nonexistent/folder/db.sqlite3"}
    if default.vendor == "postgresql":
        gone.update(HOST="127.0.0.1", PORT="1", OPTIONS={"connect_timeout": 2})
    monkeypatch.setattr(
        connections, "create_connection", lambda alias: default.__class__(gone, alias)
    )
    began = time.monotonic()
    found = routers.check("gone")
    assert time.monotonic() - began < 5
    assert not found.usable and found.why


def test_the_health_check_runs_in_the_background_and_no_request_waits(settings, monkeypatch):
    settings.REPLICA_CHECK_SECONDS = 5
    routers.forget()
    release = threading.Event()

    def slow_probe(alias):
        release.wait(10)  # a replica that does not answer
        return routers.Health(True, 0.0, time.monotonic())

    monkeypatch.setattr(routers, "probe", slow_probe)
    began = time.monotonic()
    assert routers.usable("replica") is False  # nothing known yet: the primary
    assert routers.usable("replica") is False  # one check at a time, still no answer
    assert time.monotonic() - began < 1
    release.set()
    for _ in range(100):
        if routers.usable("replica"):
            break
        time.sleep(0.02)
    assert routers.usable("replica") is True
    # An answer older than the check interval is asked again, still in the background.
    routers._health["replica"] = routers.Health(True, 0.0, time.monotonic() - 6)
    assert routers.usable("replica") is True
    assert "replica" in routers._checking or routers._health["replica"].checked_at > began


def test_an_answer_older_than_two_checks_is_not_trusted(settings, monkeypatch):
    """A process that served no dashboard for a while does not read a replica on an answer from
    before it fell behind: the primary, while the new check runs."""
    settings.REPLICA_CHECK_SECONDS = 5
    routers.forget()
    release = threading.Event()

    def slow_probe(alias):
        release.wait(10)
        return routers.Health(False, 12.0, time.monotonic(), "12.0 s behind (limit 5 s)")

    monkeypatch.setattr(routers, "probe", slow_probe)
    routers._health["replica"] = routers.Health(True, 0.0, time.monotonic() - 10.5)
    assert routers.usable("replica") is False  # healthy ten seconds ago is not healthy now
    assert "replica" in routers._checking  # ... and it is asked again
    release.set()
    for _ in range(100):
        if "replica" not in routers._checking:
            break
        time.sleep(0.02)
    assert routers._health["replica"].lag_seconds == 12.0
    assert routers.usable("replica") is False
