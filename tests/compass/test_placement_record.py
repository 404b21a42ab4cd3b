"""compass.services.placement_record and the region computation at the cut-offs."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count

from compass.models import CompassRegion, Placement, point_for, region_for
from compass.services import placement_record
from tests import factories

pytestmark = pytest.mark.usefixtures("compass_defaults")


@pytest.mark.parametrize(
    ("communication", "access", "attitude", "region"),
    [
        (4, 4, 4, "north-east"),
        (1, 1, 1, "south-west"),
        (4, 4, 1, "south-east"),
        (1, 1, 4, "north-west"),
        # The centre box is x 2.0–3.0 and y 2–3, bounds inclusive.
        (2, 2, 2, "centre"),
        (3, 3, 3, "centre"),
        (2, 3, 2, "centre"),
        (3, 3, 2, "centre"),
        # Just outside the centre: x 3.5 goes east, x 1.5 west.
        (3, 4, 3, "north-east"),
        (3, 4, 2, "south-east"),
        (1, 2, 3, "north-west"),
        (2, 1, 2, "south-west"),
        # On the vertical mid-line x = 2.5 outside the centre: east comes first in order.
        (2, 3, 4, "north-east"),
        (2, 3, 1, "south-east"),
        # y 1 and 4 are never central even at x 2.5.
        (1, 4, 1, "south-east"),
    ],
)
def test_region_at_the_cut_offs(communication, access, attitude, region):
    x, y = point_for(communication, access, attitude)
    assert region_for(CompassRegion.objects.for_school(None), x, y).key == region


def test_every_possible_point_falls_in_exactly_one_default_region_in_order():
    regions = CompassRegion.objects.for_school(None)
    for c in range(1, 5):
        for a in range(1, 5):
            for t in range(1, 5):
                assert region_for(regions, *point_for(c, a, t)) is not None


def test_placement_record_stores_point_and_region_label_from_data(cast):
    sf = factories.SchoolFamilyFactory(school=cast.school)
    CompassRegion.objects.filter(key="north-east").update(label="Working together")
    placement = placement_record(
        school=cast.school,
        family=sf.family,
        placed_by=cast.teacher,
        communication=4,
        access=3,
        attitude=4,
        evidence="Mum rang twice to share good news.",
    )
    placement.refresh_from_db()
    assert (placement.x, placement.y) == (Decimal("3.5"), Decimal("4.0"))
    assert placement.region_key == "north-east"
    assert placement.region_label == "Working together"
    assert placement.school_family == sf


def test_a_school_with_its_own_regions_uses_only_those(cast):
    sf = factories.SchoolFamilyFactory(school=cast.school)
    CompassRegion.objects.create(school=cast.school, key="anywhere", label="Our one region")
    placement = factories.PlacementFactory(school_family=sf, placed_by=cast.teacher)
    assert placement.region_label == "Our one region"


def test_parent_view_is_kept_apart_and_given_its_own_region(cast):
    sf = factories.SchoolFamilyFactory(school=cast.school)
    placement = factories.PlacementFactory(
        school_family=sf,
        placed_by=cast.teacher,
        communication=4,
        access=4,
        attitude=1,
        parent_communication=1,
        parent_access=1,
        parent_attitude=4,
        parent_words="Nobody tells me anything, but the teacher is kind.",
    )
    assert placement.region_key == "south-east"
    assert placement.parent_region_key == "north-west"


def test_half_a_parent_view_is_refused_and_nothing_saved(cast):
    sf = factories.SchoolFamilyFactory(school=cast.school)
    with pytest.raises(ValidationError):
        factories.PlacementFactory(school_family=sf, placed_by=cast.teacher, parent_attitude=3)
    assert not Placement.objects.exists()


def test_parents_of_another_family_are_refused(cast):
    sf = factories.SchoolFamilyFactory(school=cast.school)
    stranger = factories.ParentCarerFactory()
    with pytest.raises(ValidationError):
        factories.PlacementFactory(school_family=sf, placed_by=cast.teacher, parents=[stranger])
    assert not Placement.objects.exists()


def test_latest_per_family_takes_the_newest_of_each_family(cast):
    one = factories.SchoolFamilyFactory(school=cast.school)
    two = factories.SchoolFamilyFactory(school=cast.school)
    day = datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC)
    factories.PlacementFactory(school_family=one, placed_by=cast.teacher, placed_at=day)
    newest = factories.PlacementFactory(
        school_family=one,
        placed_by=cast.teacher,
        placed_at=day + datetime.timedelta(days=30),
        communication=4,
        access=4,
        attitude=4,
    )
    other = factories.PlacementFactory(school_family=two, placed_by=cast.teacher, placed_at=day)
    latest = Placement.objects.filter(school=cast.school).latest_per_family()
    assert set(latest) == {newest, other}
    counts = dict(latest.values_list("region_key").annotate(n=Count("pk")))
    assert counts == {"north-east": 1, "centre": 1}
    as_of = Placement.objects.latest_per_family(as_of=day + datetime.timedelta(days=1))
    assert newest not in set(as_of)
    assert len(as_of) == 2


def test_visible_to_follows_who_works_with_the_family(cast):
    group = factories.ClassGroupFactory(school=cast.school)
    group.staff.add(cast.teacher)
    taught = factories.SchoolFamilyFactory(school=cast.school)
    factories.ChildFactory(school=cast.school, family=taught.family, class_group=group)
    not_taught = factories.SchoolFamilyFactory(school=cast.school)
    elsewhere = factories.SchoolFamilyFactory(school=cast.other_school)
    mine = factories.PlacementFactory(school_family=taught, placed_by=cast.pastoral)
    theirs = factories.PlacementFactory(school_family=not_taught, placed_by=cast.pastoral)
    factories.PlacementFactory(school_family=elsewhere, placed_by=cast.outsider_pastoral)

    def seen(user):
        return set(Placement.objects.visible_to(user, cast.school))

    assert seen(cast.teacher) == {mine}
    assert seen(cast.headteacher) == {mine, theirs}
    assert seen(cast.pastoral) == {mine, theirs}
    assert seen(cast.authority_officer) == set()
    assert seen(cast.outsider_headteacher) == set()
