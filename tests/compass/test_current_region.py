"""SchoolFamily.current_region and last_placed_at: kept with each placement, and recomputed."""

import datetime

import pytest

from compass.services import current_regions_refresh, school_family_region_refresh
from families.models import SchoolFamily
from tests import factories

pytestmark = pytest.mark.usefixtures("compass_defaults")

DAY = datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC)


def _place(sf, by, when, steps):
    c, a, t = steps
    return factories.PlacementFactory(
        school_family=sf, placed_by=by, placed_at=when, communication=c, access=a, attitude=t
    )


def test_a_placement_sets_the_familys_current_region_in_the_same_write(cast):
    sf = factories.SchoolFamilyFactory(school=cast.school)
    assert (sf.current_region, sf.last_placed_at) == ("", None)
    _place(sf, cast.teacher, DAY, (4, 4, 4))
    sf.refresh_from_db()
    assert (sf.current_region, sf.last_placed_at) == ("north-east", DAY)


def test_a_placement_dated_before_the_latest_leaves_the_current_region_alone(cast):
    sf = factories.SchoolFamilyFactory(school=cast.school)
    _place(sf, cast.teacher, DAY, (4, 4, 4))
    _place(sf, cast.teacher, DAY - datetime.timedelta(days=40), (1, 1, 1))
    sf.refresh_from_db()
    assert (sf.current_region, sf.last_placed_at) == ("north-east", DAY)


def test_the_refresh_recomputes_from_the_placements_that_remain(cast):
    sf = factories.SchoolFamilyFactory(school=cast.school)
    _place(sf, cast.teacher, DAY - datetime.timedelta(days=40), (1, 1, 1))
    latest = _place(sf, cast.teacher, DAY, (4, 4, 4))
    latest.delete()  # as withdrawing it would
    school_family_region_refresh(school_family=sf)
    sf.refresh_from_db()
    assert (sf.current_region, sf.last_placed_at) == (
        "south-west",
        DAY - datetime.timedelta(days=40),
    )
    sf.placements.all().delete()
    school_family_region_refresh(school_family=sf)
    sf.refresh_from_db()
    assert (sf.current_region, sf.last_placed_at) == ("", None)


def test_the_school_wide_refresh_fills_every_family_after_a_bulk_load(cast):
    placed = factories.SchoolFamilyFactory(school=cast.school)
    never = factories.SchoolFamilyFactory(school=cast.school)
    _place(placed, cast.teacher, DAY, (3, 3, 3))
    SchoolFamily.objects.update(current_region="stale", last_placed_at=None)
    assert current_regions_refresh(school=cast.school) == 2
    placed.refresh_from_db()
    never.refresh_from_db()
    assert (placed.current_region, placed.last_placed_at) == ("centre", DAY)
    assert (never.current_region, never.last_placed_at) == ("", None)
