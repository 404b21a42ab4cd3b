"""The compass block on the family page and placements in the family's chronology."""

import datetime

import pytest
from django.urls import reverse

from compass.suggestions import IDEAS, suggestions_for
from tests import factories
from tests.reads import page_and_reads

NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)


def _family_url(school_family):
    return reverse("families:family-detail", args=[school_family.family_id])


def test_family_page_shows_the_compass_and_a_place_link(cast, login, family):
    factories.PlacementFactory(
        school_family=family, placed_by=cast.teacher, communication=4, access=4, attitude=4
    )
    response = login(cast.teacher).get(_family_url(family))
    assert response.status_code == 200
    text = response.text
    assert 'role="img"' in text
    assert "Now: Positive partners" in text
    assert reverse("compass:placement-add", args=[family.family_id]) in text


def test_placements_appear_in_the_chronology(cast, login, family):
    amira = family.family.parents.get(first_name="Amira")
    factories.PlacementFactory(
        school_family=family,
        placed_by=cast.pastoral,
        parents=[amira],
        evidence="Amira phoned to say the new routine is working.",
    )
    text = login(cast.teacher).get(_family_url(family) + "?kind=placement").text
    assert "Compass placement · Getting to know each other" in text
    assert "Amira phoned to say the new routine is working." in text


def test_a_placements_parents_are_read_only_where_some_are_about_parents(cast, login, family):
    """Most placements are about the family as a whole: the placements' read says which are
    about parents, and only theirs are read."""
    import re

    from compass.models import Placement

    client = login(cast.pastoral)
    factories.PlacementFactory(school_family=family, placed_by=cast.pastoral)

    def parent_reads():
        return page_and_reads(client, _family_url(family), Placement.parents.through)

    text, reads = parent_reads()
    assert reads == [] and "Compass placement" in text
    amira = family.family.parents.get(first_name="Amira")
    about = factories.PlacementFactory(
        school_family=family, placed_by=cast.pastoral, parents=[amira], evidence="Amira's own."
    )
    text, reads = parent_reads()
    assert len(reads) == 1 and "Amira's own." in text.replace("&#x27;", "'")
    asked = re.search(r'"placement_id" IN \(([\d, ]+)\)', reads[0]).group(1)
    assert {int(pk) for pk in asked.split(",")} == {about.pk}
    assert "Amira" in text


def test_another_schools_placements_never_show(cast, login, family):
    other = factories.SchoolFamilyFactory(school=cast.other_school)
    factories.PlacementFactory(
        school_family=other, placed_by=cast.outsider_pastoral, evidence="Elsewhere entirely."
    )
    text = login(cast.teacher).get(_family_url(family)).text
    assert "Elsewhere entirely." not in text


def test_authority_officer_cannot_open_the_family_page(cast, login, family):
    assert login(cast.authority_officer).get(_family_url(family)).status_code == 403


@pytest.mark.parametrize("placements", [2, 8])
def test_family_page_query_count_does_not_grow_with_placements(
    cast, login, family, django_assert_max_num_queries, placements
):
    parents = list(family.family.parents.all())
    for i in range(placements):
        factories.PlacementFactory(
            school_family=family,
            placed_by=cast.teacher,
            parents=parents[: i % 3],
            attitude=1 + i % 4,
            placed_at=NOW - datetime.timedelta(days=placements - i),
        )
    client = login(cast.teacher)
    with django_assert_max_num_queries(40):
        assert client.get(_family_url(family)).status_code == 200


@pytest.mark.parametrize("level", ["general", "enhanced", "intensive"])
@pytest.mark.parametrize(
    ("steps", "lever"),
    [
        ((1, 3, 3), "communication"),
        ((3, 1, 3), "access"),
        ((3, 3, 1), "attitude"),
        ((2, 2, 2), "attitude"),  # ties go to attitude first
        ((2, 2, 3), "access"),
    ],
)
def test_suggestions_come_from_the_weakest_lever_at_the_familys_level(
    cast, family, level, steps, lever
):
    c, a, t = steps
    placement = factories.PlacementFactory(
        school_family=family,
        placed_by=cast.teacher,
        communication=c,
        access=a,
        attitude=t,
        level=level,
    )
    found = suggestions_for(placement)
    assert found.lever == lever
    assert found.ideas == IDEAS[lever][level]
    assert len(found.habits) == 2
