"""A user's memberships are read in one statement on every page, and each is made into a model
(with its school and authority) only when asked for: an authority officer may hold a role at
each of 150 schools, and a page uses one of them."""

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import access
from portal.models import Membership, Role
from tests import factories


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _officer_of_many():
    north = factories.AuthorityFactory(name="North")
    south = factories.AuthorityFactory(name="South")
    officer = factories.UserFactory(username="officer-of-many")
    schools = [
        factories.SchoolFactory(name=f"{name} School", authority=north)
        for name in ("Cedar", "Alder", "Birch")
    ]
    for school in schools:
        factories.MembershipFactory(user=officer, school=school, role=Role.AUTHORITY)
    teaching = factories.SchoolFactory(name="Dale School", authority=south)
    factories.MembershipFactory(user=officer, school=teaching, role=Role.STAFF)
    ended = factories.SchoolFactory(name="Elm School", authority=south)
    factories.MembershipFactory(user=officer, school=ended, role=Role.STAFF, is_active=False)
    return User.objects.get(pk=officer.pk), north, south, schools, teaching


def test_each_membership_is_made_as_the_orm_makes_it_and_only_when_asked(db):
    officer, north, south, schools, teaching = _officer_of_many()
    with CaptureQueriesContext(connection) as read:
        mine = access.memberships(officer)
    assert len(read) == 1
    # In the order of the schools' names; the ended role is not there.
    assert list(mine) == [schools[1].pk, schools[2].pk, schools[0].pk, teaching.pk]
    assert mine._made == {}  # nothing made yet
    with CaptureQueriesContext(connection) as more:
        places = access.places(officer)
        assert access.authority_ids(officer) == {north.pk}
        assert access.school_ids(officer) == {s.pk for s in schools} | {teaching.pk}
        assert access.needs_two_factor(officer)
        # One place for the authority (its first school by name), one for the school.
        assert [(m.school.name, m.role) for m in places] == [
            ("Alder School", Role.AUTHORITY),
            ("Dale School", Role.STAFF),
        ]
        assert places[0].school.authority.name == "North"
        made = access.membership_in(officer, teaching)
        assert made is places[1]  # made once, kept for the request
    assert len(more) == 0
    assert set(mine._made) == {schools[1].pk, teaching.pk}
    for school_id in mine:
        expected = Membership.objects.select_related("school__authority").get(
            user=officer, school_id=school_id
        )
        got = mine[school_id]
        assert _values(got) == _values(expected)
        assert _values(got.school) == _values(expected.school)
        assert _values(got.school.authority) == _values(expected.school.authority)
        assert not got._state.adding and got._state.db == "default"
    assert access.membership_in(officer, 999999) is None
    assert mine.get(999999) is None


def test_an_officer_of_many_schools_chooses_between_their_authority_and_school(db, login):
    officer, *_ = _officer_of_many()
    client = login(officer)
    page = client.get(reverse("school-switch"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "North" in text and "Dale School" in text
    assert "Birch School" not in text and "Cedar School" not in text  # the authority, once
    chosen = client.post(reverse("school-switch"), {"school": _school_id("Dale School")})
    assert chosen.status_code == 302
    assert "Dale School" in client.get(reverse("home")).content.decode()


def _school_id(name: str) -> int:
    return Membership.objects.get(school__name=name, user__username="officer-of-many").school_id
