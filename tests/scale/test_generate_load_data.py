"""The load-data generator: counts and shapes at a small size, and reproducibility."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Sum

from compass.models import CompassRegion, Placement, point_for, region_for
from families.models import Child, Contact, ContactMonthRollup, ParentCarer, SchoolFamily
from meetings.models import ActionPoint, Meeting
from portal.models import Authority, Membership, Role, School

UNTIL = dt.date(2026, 6, 30)
pytestmark = pytest.mark.django_db


def _generate(name="Small authority", seed=3, schools=2, pupils=40, years=1):
    call_command(
        "generate_load_data",
        schools=schools,
        pupils_per_school=pupils,
        years=years,
        seed=seed,
        authority=name,
        until=UNTIL,
        json=True,
    )
    return Authority.objects.get(name=name)


def test_small_authority_has_the_pupils_staff_and_families_asked_for(compass_defaults):
    authority = _generate()
    schools = School.objects.filter(authority=authority)
    assert schools.count() == 2
    pupils = Child.objects.filter(school__authority=authority)
    assert pupils.count() == 80
    for school in schools:
        roles = set(Membership.objects.filter(school=school).values_list("role", flat=True))
        assert roles == {Role.STAFF, Role.PASTORAL, Role.HEADTEACHER, Role.AUTHORITY}
    parents = ParentCarer.objects.filter(family__authority=authority).count()
    assert 1.2 <= parents / pupils.count() <= 1.9  # about one and a half per pupil
    shapes = set(
        SchoolFamily.objects.filter(school__in=schools)
        .annotate(n=Count("family__parents"))
        .values_list("n", flat=True)
    )
    assert len(shapes) >= 3  # single parents, couples, separated families with partners


def test_contacts_placements_and_meetings_have_realistic_numbers(compass_defaults):
    authority = _generate()
    links = SchoolFamily.objects.filter(school__authority=authority)
    contacts = Contact.objects.filter(school__authority=authority)
    per_family = contacts.count() / links.count()
    assert 14 <= per_family <= 26  # about twenty a year
    assert not contacts.filter(parents__isnull=True).exists()
    assert not contacts.exclude(parents__family=F("family")).exists()
    assert not contacts.filter(occurred_at__date__gt=UNTIL).exists()
    # A placement per family per term: three terms in a year.
    per_link = set(links.annotate(n=Count("placements")).values_list("n", flat=True).distinct())
    assert per_link == {3}
    held = Meeting.objects.filter(school__authority=authority)
    assert 0 < held.values("family").distinct().count() <= links.count() * 0.3
    assert ActionPoint.objects.filter(meeting__in=held).exists()


def test_placement_regions_come_from_the_compass_region_data(compass_defaults):
    authority = _generate()
    regions = CompassRegion.objects.for_school(None)
    placements = Placement.objects.filter(school__authority=authority)
    assert placements.exists()
    for p in placements[:200]:
        x, y = point_for(p.communication, p.access, p.attitude)
        assert (p.x, p.y, p.region_key) == (x, y, region_for(regions, x, y).key)


def test_summaries_and_monthly_rollups_agree_with_the_contacts(compass_defaults):
    authority = _generate()
    for link in SchoolFamily.objects.filter(school__authority=authority)[:50]:
        mine = Contact.objects.filter(school=link.school, family=link.family)
        assert link.positive_count == mine.filter(tone="positive").count()
        assert link.concern_count == mine.filter(tone="concern").count()
        assert link.last_contact_at == mine.order_by("-occurred_at").first().occurred_at
    for school in School.objects.filter(authority=authority):
        total = ContactMonthRollup.objects.filter(school=school).aggregate(n=Sum("total"))["n"]
        assert total == Contact.objects.filter(school=school).count()


def _fingerprint(authority):
    school = School.objects.filter(authority=authority).order_by("pk").first()
    children = list(
        Child.objects.filter(school=school).order_by("pk").values_list("first_name", "last_name")
    )
    contacts = list(
        Contact.objects.filter(school=school)
        .order_by("pk")
        .values_list("occurred_at", "tone", "purpose", "summary")
    )
    regions = list(
        Placement.objects.filter(school=school).order_by("pk").values_list("region_key", "x")
    )
    return children, contacts, regions


def test_the_same_seed_gives_the_same_first_school_whatever_the_authority_size(
    compass_defaults,
):
    one = _fingerprint(_generate("One school", seed=5, schools=1, pupils=30))
    three = _fingerprint(_generate("Three schools", seed=5, schools=3, pupils=30))
    other = _fingerprint(_generate("Another seed", seed=6, schools=1, pupils=30))
    assert one == three
    assert one != other


def test_sizes_below_one_are_refused(compass_defaults):
    with pytest.raises(CommandError):
        call_command("generate_load_data", schools=0, pupils_per_school=10, years=1)
