"""An authority officer's home page speaks of the authority, not of one school."""

import pytest
from django.urls import reverse

from portal import shell
from portal.models import Role
from tests import factories


@pytest.fixture
def authority_of_three(cast):
    """The cast's authority with a second and third school."""
    for name in ("Brookside High", "Meadow Nursery"):
        factories.SchoolFactory(name=name, authority=cast.school.authority)
    return cast.school.authority


def test_officer_home_names_the_authority_and_its_schools(login, cast, authority_of_three):
    response = login(cast.authority_officer).get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Riverside Council" in body
    assert "3 schools" in body
    assert f'href="{reverse("dashboards:authority")}"' in body
    # Not one school's page: the school the role was given at is named nowhere.
    assert "Riverside Primary" not in body
    assert "your school" not in body.lower()


def test_officer_home_shows_no_school_panels(login, cast, authority_of_three):
    asked = []

    def _school_panel(request):
        asked.append(request.school)  # a panel of the current school, whoever looks

    panel = shell.HomePanel(template="unused.html", render=_school_panel, order=99)
    shell._panels.append(panel)
    try:
        body = login(cast.authority_officer).get(reverse("home")).content.decode()
        asked_of_headteacher = len(asked)
        login(cast.headteacher).get(reverse("home"))
    finally:
        shell._panels.remove(panel)
    assert asked_of_headteacher == 0
    assert len(asked) == 1  # the same panel is asked for a school's staff
    assert "Nothing needs your attention" not in body


def test_officer_at_every_school_of_the_authority_is_not_asked_to_choose(
    login, cast, authority_of_three
):
    officer = cast.authority_officer
    for school in authority_of_three.schools.exclude(pk=cast.school.pk):
        factories.MembershipFactory(user=officer, school=school, role=Role.AUTHORITY)
    client = login(officer)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    body = home.content.decode()
    assert "not linked to a school" not in body
    assert "Riverside Council" in body and "3 schools" in body
    assert "Switch school" not in body
    assert client.get(reverse("dashboards:authority")).status_code == 200


def test_officer_header_shows_the_authority(login, cast):
    body = login(cast.authority_officer).get(reverse("home")).content.decode()
    header = body.split("</header>")[0]
    assert "Riverside Council" in header
    assert "Riverside Primary" not in header


def test_school_staff_still_see_their_school(login, cast):
    body = login(cast.headteacher).get(reverse("home")).content.decode()
    assert "Headteacher at Riverside Primary" in body
    assert "Open the authority dashboard" not in body


def test_officer_home_reads_a_fixed_number_of_queries(
    login, cast, authority_of_three, django_assert_max_num_queries
):
    officer = cast.authority_officer
    for school in authority_of_three.schools.exclude(pk=cast.school.pk):
        factories.MembershipFactory(user=officer, school=school, role=Role.AUTHORITY)
    client = login(officer)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("home")).status_code == 200
