"""Navigation links to the dashboards and the headteacher's home panel."""

import datetime as dt

import pytest
from django.urls import reverse

from dashboards.navigation import register_dashboard
from portal import shell
from tests.dashboards.dashboard_data import NOW, family_at, place

pytestmark = pytest.mark.usefixtures("compass_defaults")


@pytest.fixture(autouse=True)
def _registered(time_machine):
    time_machine.move_to(NOW, tick=False)
    register_dashboard()  # normally from DashboardsConfig.ready(); registering twice is harmless


def _nav(body):
    return body[
        body.index('aria-label="Main"') : body.index("</nav>", body.index('aria-label="Main"'))
    ]


def test_registering_twice_adds_each_link_once():
    register_dashboard()
    labels = [item.label for item in shell._nav]
    assert labels.count("Dashboard") == 1
    assert labels.count("Authority") == 1


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("headteacher", ["Dashboard"], ["Authority", "My contact balance"]),
        ("pastoral", ["Dashboard"], ["Authority", "My contact balance"]),
        ("teacher", ["My contact balance"], ["Dashboard", "Authority"]),
        ("authority_officer", ["Authority"], ["Dashboard", "My contact balance"]),
    ],
)
def test_each_role_sees_its_own_links(login, cast, role, shown, hidden):
    nav = _nav(login(getattr(cast, role)).get(reverse("home")).content.decode())
    for label in shown:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav


def test_headteacher_home_panel_shows_region_counts_and_reviews(login, cast):
    sf = family_at(cast.school)
    place(sf, NOW - dt.timedelta(weeks=20), (4, 4, 4), by=cast.teacher)
    family_at(cast.school)
    body = login(cast.headteacher).get(reverse("home")).content.decode()
    panel = body[body.index('data-testid="compass-panel"') :]
    assert "Positive partners: <strong>1</strong>" in panel
    assert "Not placed yet: <strong>1</strong>" in panel
    assert "<strong>2</strong> placements due for review" in panel


def test_teacher_home_has_no_dashboard_panel(login, cast):
    body = login(cast.teacher).get(reverse("home")).content.decode()
    assert 'data-testid="compass-panel"' not in body


def test_the_panel_counts_what_the_dashboard_counts_as_time_moves_on(login, cast, time_machine):
    """The panel's figures are kept reads (dashboards.figures.school_at_a_glance) whose cut-off
    times are named values: the same read, kept, must count a placement due for review once
    enough time has passed, and agree with the dashboard's own figures at every point."""
    from dashboards import figures
    from families.models import SchoolFamily

    recent = family_at(cast.school)
    place(recent, NOW - dt.timedelta(weeks=2), (4, 4, 4), by=cast.teacher)
    family_at(cast.school)
    for weeks_on in (0, 30):
        when = NOW + dt.timedelta(weeks=weeks_on)
        time_machine.move_to(when, tick=False)
        panel = login(cast.headteacher).get(reverse("home")).content.decode()
        panel = panel[panel.index('data-testid="compass-panel"') :]
        today = when.date()
        families = SchoolFamily.objects.filter(school=cast.school).on_roll(today)
        expected = figures.attention_counts(cast.school, families, today=today)
        assert figures.school_at_a_glance(cast.school, today=today) == (
            figures.region_counts(families),
            expected,
        )
        assert f"<strong>{expected['review_due']}</strong> placements due for review" in panel
        assert expected["review_due"] == (1 if weeks_on == 0 else 2)
