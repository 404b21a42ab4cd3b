"""demo.compass.load: every demo family gets a two-term path, both directions, idempotently."""

import datetime

from django.utils import timezone

from compass.models import Placement
from demo import compass as demo_compass
from demo import schools as demo_schools
from families.models import SchoolFamily
from portal.models import School
from tests import factories


def _demo_families(count):
    demo_schools.load()
    school = School.objects.get(name=demo_schools.SCHOOLS["castlebrae"][0])
    families = []
    for i in range(count):
        sf = factories.SchoolFamilyFactory(school=school, family__name=f"Demo family {i}")
        factories.ParentCarerFactory(family=sf.family)
        factories.ParentCarerFactory(family=sf.family)
        families.append(sf)
    return families


def test_every_demo_family_gets_a_path_over_two_terms(db):
    families = _demo_families(30)
    outside = factories.SchoolFamilyFactory()  # not a demo school: left alone
    demo_compass.load()
    oldest_allowed = timezone.now() - datetime.timedelta(days=demo_compass.PATH_DAYS + 1)
    towards = away = stale = 0
    for sf in families:
        path = list(sf.placements.order_by("placed_at"))
        assert len(path) >= 3
        assert path[0].placed_at >= oldest_allowed
        assert path[0].placed_at < timezone.now() - datetime.timedelta(days=demo_compass.TERM_DAYS)
        stale += path[-1].placed_at < timezone.now() - datetime.timedelta(weeks=13)
        first, last = path[0], path[-1]
        towards += (last.x + last.y) > (first.x + first.y)
        away += (last.x + last.y) < (first.x + first.y)
    assert towards and away
    assert 0 < stale < len(families) / 3  # a few are due for review, most were placed this term
    assert not outside.placements.exists()
    assert Placement.objects.filter(parents__isnull=False).exists()  # some are per parent


def test_loading_twice_changes_nothing(db):
    _demo_families(5)
    demo_compass.load()
    before = list(Placement.objects.order_by("pk").values_list("pk", "region_key", "placed_at"))
    demo_compass.load()
    after = list(Placement.objects.order_by("pk").values_list("pk", "region_key", "placed_at"))
    assert before == after


def test_the_guidance_cases_tell_their_story_per_parent(db):
    from demo import families as demo_families
    from demo.family_cases import CASES

    demo_families.load()
    demo_compass.load()
    exclusions = Placement.objects.filter(family__name=CASES["exclusions"])
    paul = exclusions.filter(parents__first_name="Paul").order_by("placed_at")
    assert [p.region_key for p in paul] == ["south-west", "centre"]
    assert exclusions.latest_per_family().get().parents.count() == 0  # the family view
    for name in CASES.values():
        assert Placement.objects.filter(family__name=name).count() >= 3
    assert not SchoolFamily.objects.filter(placements__isnull=True).exists()
