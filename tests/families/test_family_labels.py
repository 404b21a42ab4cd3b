"""Families whose names read alike are told apart wherever they are listed or chosen, and a long
family choice is a search field that works with htmx and without JavaScript."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Complaint
from families import choosers
from families.labels import family_label
from families.models import Child
from tests import factories

CHOOSE = reverse("families:family-choose")
COMPLAINT_ADD = reverse("complaints:complaint-add")


def _family(school, name, *children, last_name="Stewart"):
    """A family at `school` with children given as (first name, class group or year, starts)."""
    school_family = factories.SchoolFamilyFactory(school=school, family__name=name)
    for first_name, group, starts_on in children:
        factories.ChildFactory(
            school=school,
            family=school_family.family,
            first_name=first_name,
            last_name=last_name,
            class_group=group if not isinstance(group, str) else None,
            year_group=group if isinstance(group, str) else group.year_group,
            starts_on=starts_on,
        )
    return school_family


@pytest.fixture
def stewarts(cast):
    """Two "Mia Stewart's family" at the cast's school, told apart by class and a brother."""
    p4b = factories.ClassGroupFactory(school=cast.school, name="P4B", year_group="P4")
    p2a = factories.ClassGroupFactory(school=cast.school, name="P2A", year_group="P2")
    p1a = factories.ClassGroupFactory(school=cast.school, name="P1A", year_group="P1")
    p4b.staff.add(cast.teacher)
    first = _family(cast.school, "Mia Stewart's family", ("Mia", p4b, None))
    second = _family(cast.school, "Mia Stewart's family", ("Mia", p2a, None), ("Jack", p1a, None))
    return first, second


def _complaint_data(cast, family_pk, **overrides):
    data = {
        "family": family_pk,
        "raised_by": "",
        "raised_by_name": "Mia's gran, who collects her",
        "about": "Felt not listened to at the parents' evening.",
        "received_at": "2026-11-17T08:45",
        "received_how": "in_person",
        "point_of_contact": cast.teacher.pk,
        "what_would_help": "A proper conversation with the class teacher.",
        "school_can_offer": "A call this week.",
        "first_response_at": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def many_families(cast, stewarts):
    """More families than a choice list should hold."""
    for n in range(choosers.LONG_LIST):
        _family(cast.school, f"Household {n:02d}", (f"Child{n}", "P5", None), last_name="Brown")
    return stewarts


# --- One label, told apart -------------------------------------------------------------------


def test_the_label_names_the_class_and_a_brother_or_sister_not_in_the_family_name(cast):
    p4b = factories.ClassGroupFactory(school=cast.school, name="P4B")
    p1a = factories.ClassGroupFactory(school=cast.school, name="P1A")
    mia = Child(first_name="Mia", last_name="Stewart", class_group=p4b)
    jack = Child(first_name="Jack", last_name="Stewart", class_group=p1a)
    leo = Child(first_name="Leo", last_name="Stewart", year_group="P1")
    leo.starts_on = dt.date.today() + dt.timedelta(days=30)
    assert family_label("Mia Stewart's family", [mia]) == "Mia Stewart's family (P4B)"
    assert (
        family_label("Mia Stewart's family", [mia, jack])
        == "Mia Stewart's family (P4B, Jack in P1A)"
    )
    assert family_label("Mia Stewart's family", [leo]).startswith(
        "Mia Stewart's family (Leo in P1, starting on "
    )
    assert family_label("Mia Stewart's family", []) == "Mia Stewart's family"


def test_the_family_list_tells_the_two_apart(login, cast, stewarts):
    page = login(cast.pastoral).get(reverse("families:family-list")).text
    assert "Mia Stewart&#x27;s family (P4B)</a>" in page
    assert "Mia Stewart&#x27;s family (P2A, Jack in P1A)</a>" in page


def test_a_short_complaint_family_choice_tells_the_two_apart(login, cast, stewarts):
    page = login(cast.pastoral).get(COMPLAINT_ADD).text
    assert '<select name="family"' in page
    assert "Mia Stewart&#x27;s family (P4B)</option>" in page
    assert "Mia Stewart&#x27;s family (P2A, Jack in P1A)</option>" in page


def test_the_complaint_list_and_meeting_list_tell_the_two_apart(login, cast, stewarts):
    first, second = stewarts
    for link in stewarts:
        factories.ComplaintFactory(school=cast.school, family=link.family)
    page = login(cast.pastoral).get(reverse("complaints:complaint-list")).text
    assert "Mia Stewart&#x27;s family (P4B)</a>" in page
    assert "Mia Stewart&#x27;s family (P2A, Jack in P1A)</a>" in page


@pytest.mark.usefixtures("compass_defaults")
def test_the_dashboard_lists_tell_the_two_apart(login, cast, stewarts):
    page = login(cast.headteacher).get(reverse("dashboards:dashboard-attention")).text
    assert "Mia Stewart&#x27;s family (P4B)" in page
    assert "Mia Stewart&#x27;s family (P2A, Jack in P1A)" in page


# --- A long choice becomes a search -----------------------------------------------------------


def test_a_long_family_choice_is_a_search_field(login, cast, many_families):
    page = login(cast.pastoral).get(COMPLAINT_ADD).text
    assert '<select name="family"' not in page
    assert 'name="family_q"' in page
    assert 'name="family_find"' in page  # the button that searches without JavaScript
    assert f'hx-post="{CHOOSE}"' in page
    assert "Household 00" not in page


def test_without_javascript_find_shows_the_matches_and_saves_nothing(login, cast, many_families):
    first, second = many_families
    data = _complaint_data(cast, "", family_q="Stewart", family_find="1")
    response = login(cast.pastoral).post(COMPLAINT_ADD, data)
    page = response.text
    assert response.status_code == 200
    assert f'type="radio" name="family" id="family_choice_{first.family_id}"' in page
    assert "Mia Stewart&#x27;s family (P2A, Jack in P1A)</label>" in page
    assert "Household" not in page.split('name="family_q"')[1].split("</fieldset>")[0]
    assert "Nothing was saved" not in page
    assert "Mia&#x27;s gran, who collects her" in page  # what was typed is kept
    assert not Complaint.objects.exists()


def test_the_family_chosen_from_the_search_is_recorded(login, cast, many_families):
    _first, second = many_families
    data = _complaint_data(cast, second.family_id, family_q="Jack")
    response = login(cast.pastoral).post(COMPLAINT_ADD, data)
    assert response.status_code == 302
    assert Complaint.objects.get().family == second.family


def test_as_you_type_the_matches_come_back_named_apart(login, cast, many_families):
    first, second = many_families
    response = login(cast.pastoral).post(CHOOSE, {"field": "family", "family_q": "mia stew"})
    assert response.status_code == 200
    assert "Mia Stewart&#x27;s family (P4B)</label>" in response.text
    assert "Mia Stewart&#x27;s family (P2A, Jack in P1A)</label>" in response.text
    assert "Household" not in response.text


def test_the_search_offers_only_families_the_user_may_see(login, cast, stewarts):
    first, second = stewarts
    theirs = _family(cast.other_school, "Mia Stewart's family", ("Mia", "P4", None))
    response = login(cast.teacher).post(CHOOSE, {"field": "family", "family_q": "Stewart"})
    assert f'value="{first.family_id}"' in response.text  # the teacher's own pupil
    assert f'value="{second.family_id}"' not in response.text
    assert f'value="{theirs.family_id}"' not in response.text


def test_no_match_says_so_plainly(login, cast, stewarts):
    response = login(cast.pastoral).post(CHOOSE, {"field": "family", "family_q": "Zebedee"})
    assert "No family you work with matches “Zebedee”" in response.text


@pytest.mark.parametrize("role", ["authority_officer", "admin"])
def test_officers_and_administrators_may_not_search_families(login, cast, role):
    response = login(getattr(cast, role)).post(CHOOSE, {"family_q": "Stewart"})
    assert response.status_code == 403


def test_the_search_goes_by_post_only(login, cast):
    assert login(cast.pastoral).get(CHOOSE, {"family_q": "Stewart"}).status_code == 405


def test_the_search_costs_the_same_queries_for_few_or_many_matches(login, cast):
    client = login(cast.pastoral)
    p4 = factories.ClassGroupFactory(school=cast.school, name="P4C")
    for n in range(2):
        _family(cast.school, f"Few {n}", ("Amy", p4, None), ("Ben", p4, None))
    with CaptureQueriesContext(connection) as few:
        client.post(CHOOSE, {"field": "family", "family_q": "Few"})
    for n in range(12):
        _family(cast.school, f"Many {n}", ("Amy", p4, None), ("Ben", "P2", None))
    with CaptureQueriesContext(connection) as many:
        response = client.post(CHOOSE, {"field": "family", "family_q": "Many"})
    assert response.text.count('type="radio"') == 12
    assert len(many) == len(few)
    assert len(many) <= 8
