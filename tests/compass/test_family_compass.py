"""The family's compass page: access per role, the drawing, per-parent and family views."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests import factories

NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)


def _url(school_family):
    return reverse("compass:family-compass", args=[school_family.family_id])


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_staff_who_work_with_the_family_see_its_compass(cast, login, family, role):
    response = login(getattr(cast, role)).get(_url(family))
    assert response.status_code == 200
    assert "Amira&#x27;s family on the Parent Compass" in response.text
    assert "not been placed on the compass yet" in response.text


def test_authority_officer_gets_403(cast, login, family):
    assert login(cast.authority_officer).get(_url(family)).status_code == 403


def test_teacher_who_does_not_teach_the_family_gets_404(cast, login, family, other_teacher):
    assert login(other_teacher).get(_url(family)).status_code == 404


@pytest.mark.parametrize(
    "role",
    ["outsider_teacher", "outsider_pastoral", "outsider_headteacher", "outsider_authority_officer"],
)
def test_staff_of_another_school_get_404(cast, login, family, role):
    assert login(getattr(cast, role)).get(_url(family)).status_code == 404


def test_administrator_without_a_school_role_gets_404(cast, login, family):
    assert login(cast.admin).get(_url(family)).status_code == 404


def test_anonymous_user_goes_to_login(client, family):
    response = client.get(_url(family))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_post_is_not_allowed(cast, login, family):
    assert login(cast.pastoral).post(_url(family)).status_code == 405


@time_machine.travel(NOW, tick=False)
def test_drawing_has_a_text_alternative_naming_region_and_last_move(cast, login, family):
    factories.PlacementFactory(
        school_family=family,
        placed_by=cast.teacher,
        placed_at=NOW - datetime.timedelta(days=60),
        communication=1,
        access=1,
        attitude=1,
    )
    factories.PlacementFactory(
        school_family=family,
        placed_by=cast.teacher,
        placed_at=NOW - datetime.timedelta(days=5),
        communication=3,
        access=3,
        attitude=3,
    )
    text = login(cast.teacher).get(_url(family)).text
    assert 'role="img"' in text
    assert "<title id=" in text and "<desc id=" in text
    assert "Now: Getting to know each other" in text
    assert (
        "Last move: from Not yet reached (21 September 2026) to Getting to know each other, "
        "towards positive partnership." in text
    )
    assert text.count('class="compass-arrow"') == 1


@time_machine.travel(NOW, tick=False)
def test_each_parent_has_own_point_with_shape_and_label(cast, login, family):
    amira, sami = family.family.parents.order_by("first_name")
    factories.PlacementFactory(
        school_family=family,
        placed_by=cast.pastoral,
        parents=[amira],
        communication=4,
        access=4,
        attitude=4,
        placed_at=NOW - datetime.timedelta(days=3),
    )
    factories.PlacementFactory(
        school_family=family,
        placed_by=cast.pastoral,
        parents=[sami],
        communication=1,
        access=2,
        attitude=1,
        placed_at=NOW - datetime.timedelta(days=2),
    )
    text = login(cast.pastoral).get(_url(family)).text
    # Placements about one parent are theirs: none of them is the family's "Now" (this test
    # used to expect Sami's placement as the family's Now).
    assert "Now:" not in text
    assert "The family as a whole has not been placed yet" in text
    assert "Amira Haddad, shown as a square marked AH: Positive partners" in text
    assert "Sami Haddad, shown as a triangle marked SH: Not yet reached" in text


def test_lever_suggestions_follow_the_weakest_lever_and_level(cast, login, family):
    factories.PlacementFactory(
        school_family=family,
        placed_by=cast.teacher,
        communication=3,
        access=1,
        attitude=3,
        level="intensive",
    )
    text = login(cast.teacher).get(_url(family)).text
    assert "Ideas for opportunities for access (step 1, the lowest lever)" in text
    assert "Offer to meet at home or in a place the parent chooses." in text


@pytest.mark.parametrize("placements", [2, 8])
def test_query_count_does_not_grow_with_placements(
    cast, login, family, django_assert_max_num_queries, placements
):
    parents = list(family.family.parents.all())
    for i in range(placements):
        factories.PlacementFactory(
            school_family=family,
            placed_by=cast.teacher,
            parents=parents[: i % 3],
            communication=1 + i % 4,
            placed_at=NOW - datetime.timedelta(days=placements - i),
        )
    client = login(cast.teacher)
    with django_assert_max_num_queries(13):
        assert client.get(_url(family)).status_code == 200
