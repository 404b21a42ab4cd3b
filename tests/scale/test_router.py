"""Dashboard reads go to the read replica when one is configured; nothing else does."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from families.models import SchoolFamily
from scale.routers import DashboardReplicaRouter, dashboard_reads
from tests import factories

both = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


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
