"""The "place on compass" form: access per role, validation, and a new point each time."""

import pytest
from django.urls import reverse

from compass.models import LeverStep, Placement
from tests import factories


def _url(school_family):
    return reverse("compass:placement-add", args=[school_family.family_id])


def _data(**overrides):
    data = {
        "communication": "3",
        "access": "2",
        "attitude": "4",
        "evidence": "Dad came to the class assembly and stayed to chat.",
        "level": "enhanced",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_staff_who_work_with_the_family_get_the_form(cast, login, family, role):
    response = login(getattr(cast, role)).get(_url(family))
    assert response.status_code == 200
    assert "Place Amira&#x27;s family on the compass" in response.text


def test_form_shows_the_lever_step_descriptions_beside_the_choices(cast, login, family):
    LeverStep.objects.filter(school=None, lever="attitude", step=4).update(
        description="Seen as the expert on their child."
    )
    text = login(cast.teacher).get(_url(family)).text
    assert "4 — Seen as the expert on their child." in text
    assert 'name="communication" value="4"' in text
    assert "Amira Haddad" in text  # the family's parents to choose from


@pytest.mark.parametrize("method", ["get", "post"])
def test_authority_officer_gets_403(cast, login, family, method):
    response = getattr(login(cast.authority_officer), method)(_url(family), _data())
    assert response.status_code == 403
    assert not Placement.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_teacher_who_does_not_teach_the_family_gets_404(cast, login, family, other_teacher, method):
    response = getattr(login(other_teacher), method)(_url(family), _data())
    assert response.status_code == 404
    assert not Placement.objects.exists()


@pytest.mark.parametrize("role", ["outsider_teacher", "outsider_pastoral", "outsider_headteacher"])
def test_staff_of_another_school_get_404(cast, login, family, role):
    assert login(getattr(cast, role)).post(_url(family), _data()).status_code == 404
    assert not Placement.objects.exists()


def test_anonymous_user_goes_to_login(client, family):
    response = client.post(_url(family), _data())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Placement.objects.exists()


def test_put_is_not_allowed(cast, login, family):
    assert login(cast.teacher).put(_url(family)).status_code == 405


def test_placing_records_a_new_point_and_returns_to_next(cast, login, family):
    amira = family.family.parents.get(first_name="Amira")
    factories.PlacementFactory(school_family=family, placed_by=cast.pastoral)
    response = login(cast.teacher).post(
        _url(family), _data(parents=[amira.pk], next="/families/1/")
    )
    assert response.status_code == 302
    assert response.url == "/families/1/"
    assert Placement.objects.count() == 2  # the earlier one is kept
    placement = Placement.objects.latest("placed_at")
    assert placement.placed_by == cast.teacher
    assert placement.region_key == "north-east"
    assert list(placement.parents.all()) == [amira]
    assert placement.level == "enhanced"


def test_an_outside_next_url_is_ignored(cast, login, family):
    response = login(cast.teacher).post(_url(family), _data(next="https://example.com/"))
    assert response.url == reverse("compass:family-compass", args=[family.family_id])


def test_missing_lever_and_blank_evidence_are_refused_beside_the_fields(cast, login, family):
    response = login(cast.teacher).post(_url(family), _data(attitude="", evidence="   "))
    assert response.status_code == 200
    assert 'id="error_1_id_attitude"><strong>This field is required.' in response.text
    assert 'id="error_1_id_evidence"><strong>This field is required.' in response.text
    assert not Placement.objects.exists()


def test_half_a_parent_view_is_refused(cast, login, family):
    response = login(cast.teacher).post(_url(family), _data(parent_attitude="3"))
    assert "Record the parent&#x27;s view on all three levers" in response.text
    assert not Placement.objects.exists()


def test_a_parent_of_another_family_cannot_be_chosen(cast, login, family):
    stranger = factories.ParentCarerFactory()
    response = login(cast.teacher).post(_url(family), _data(parents=[stranger.pk]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Placement.objects.exists()


def test_the_parents_view_is_stored_apart(cast, login, family):
    login(cast.pastoral).post(
        _url(family),
        _data(
            parent_communication="1",
            parent_access="1",
            parent_attitude="2",
            parent_words="I only hear when something is wrong.",
        ),
    )
    placement = Placement.objects.get()
    assert placement.region_key == "north-east"
    assert placement.parent_region_key == "south-west"
    assert placement.parent_words == "I only hear when something is wrong."


@pytest.mark.parametrize("parents", [2, 6])
def test_form_query_count_does_not_grow_with_parents(
    cast, login, family, django_assert_max_num_queries, parents
):
    for _ in range(parents):
        factories.ParentCarerFactory(family=family.family)
    client = login(cast.teacher)
    with django_assert_max_num_queries(12):
        assert client.get(_url(family)).status_code == 200


def test_administrator_without_a_school_role_gets_404(cast, login, family):
    assert login(cast.admin).post(_url(family), _data()).status_code == 404
    assert not Placement.objects.exists()


def test_a_gap_in_the_schools_regions_is_explained_and_nothing_saved(cast, login, family):
    from compass.models import CompassRegion

    CompassRegion.objects.create(
        school=cast.school, key="west", label="West only", x_max=2.5, order=1
    )
    response = login(cast.teacher).post(_url(family), _data(access="4"))  # x = 3.5: east
    assert response.status_code == 200
    assert "No compass region covers this point" in response.text
    assert not Placement.objects.exists()
