"""Reads built once and run again with new values (portal.compiled): the same rows as a fresh
build, a shape of their own for each role, and a fresh build wherever keeping would be wrong."""

import datetime

import pytest
from django.db import connections
from django.db.models import F
from django.utils import timezone

from families.models import SchoolFamily
from portal import compiled
from portal.compiled import SCHOOL, SHAPE, USER, Compiled
from tests import factories
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def _names(rows) -> list[str]:
    return sorted(row.family.name for row in rows)


def _visible():
    return Compiled(
        lambda user, school: (
            SchoolFamily.objects.visible_to(user, school)
            .select_related("family")
            .order_by("family__name")
        ),
        user=USER,
        school=SCHOOL,
    )


def test_a_kept_read_gives_each_user_what_a_fresh_build_gives(cast, settings):
    mine = make_family(cast, name="Adair", teacher=cast.teacher)
    make_family(cast, name="Bell")
    read = _visible()
    for user in (cast.teacher, cast.pastoral, cast.teacher, cast.headteacher, cast.pastoral):
        fresh = _names(SchoolFamily.objects.visible_to(user, cast.school).select_related("family"))
        assert _names(read(user=user, school=cast.school)) == fresh
    # A teacher sees the family of the pupil they teach; pastoral staff see both: the roles
    # were kept apart, not given each other's SQL.
    assert _names(read(user=cast.teacher, school=cast.school)) == [mine.family.name]
    assert _names(read(user=cast.pastoral, school=cast.school)) == ["Adair", "Bell"]
    assert len(read._kept) == 3  # a shape for each of the three roles


def test_a_second_user_of_the_same_role_runs_the_kept_sql_with_their_own_id(cast):
    from portal.models import Role
    from tests import factories

    other = factories.UserFactory(username="second-teacher")
    factories.MembershipFactory(user=other, school=cast.school, role=Role.STAFF)
    make_family(cast, name="Adair", teacher=cast.teacher)
    make_family(cast, name="Carr", teacher=other)
    read = _visible()
    assert _names(read(user=cast.teacher, school=cast.school)) == ["Adair"]
    assert _names(read(user=other, school=cast.school)) == ["Carr"]
    assert len(read._kept) == 1  # one shape, two users


def test_a_date_worked_out_inside_the_read_is_built_afresh_every_time(cast):
    make_family(cast, name="Adair")
    read = Compiled(
        lambda school: SchoolFamily.objects.filter(
            school=school, family__created_at__lte=timezone.now() + datetime.timedelta(days=1)
        ).select_related("family"),
        school=SCHOOL,
    )
    assert _names(read(school=cast.school)) == ["Adair"]
    assert [kept.complete for kept in read._kept.values()] == [False]


def test_named_values_and_shapes_reach_the_sql(cast):
    make_family(cast, name="Adair")
    make_family(cast, name="Bell")
    read = Compiled(
        lambda school, name, limit: (
            SchoolFamily.objects.filter(school=school, family__name__gte=name)
            .select_related("family")
            .order_by("family__name")[:limit]
        ),
        school=SCHOOL,
        name=str,
        limit=SHAPE,
    )
    assert _names(read(school=cast.school, name="A", limit=5)) == ["Adair", "Bell"]
    assert _names(read(school=cast.school, name="B", limit=5)) == ["Bell"]
    assert _names(read(school=cast.school, name="A", limit=1)) == ["Adair"]
    exact = Compiled(
        lambda school, name: SchoolFamily.objects.filter(school=school, family__name=name),
        school=SCHOOL,
        name=str,
    )
    assert len(exact(school=cast.school, name="Bell")) == 1
    # None would turn "=" into "IS NULL": such a call is built afresh, not run on kept SQL.
    assert exact(school=cast.school, name=None) == []


def test_a_read_that_differs_from_its_build_is_caught_and_built_afresh(cast, monkeypatch):
    make_family(cast, name="Adair")
    make_family(cast, name="Bell")
    wanted = {"name": "Adair"}
    # A value read from outside the named ones: kept, it would go stale.
    read = Compiled(
        lambda school: SchoolFamily.objects.filter(
            school=school, family__name=wanted["name"]
        ).select_related("family"),
        school=SCHOOL,
    )
    assert _names(read(school=cast.school)) == ["Adair"]
    wanted["name"] = "Bell"
    with pytest.raises(AssertionError):  # the test suite's check, on every call
        read(school=cast.school)
    monkeypatch.setattr(compiled, "VERIFY", False)
    monkeypatch.setattr(compiled, "CHECK_EVERY", 1)  # outside tests: one call in CHECK_EVERY
    assert _names(read(school=cast.school)) == ["Bell"]  # built afresh, and the shape dropped
    assert read._kept == {}
    wanted["name"] = "Adair"
    assert _names(read(school=cast.school)) == ["Adair"]


def test_a_list_of_ids_is_kept_per_length_and_gives_tuples_from_values_list(cast):
    """IDS: each id a parameter; lists of one length share a kept read, and a values_list()
    read gives tuples, as its queryset does."""
    from portal.compiled import IDS

    ids = [make_family(cast, name=name).school_family.pk for name in ("Adair", "Bell", "Cole")]
    read = Compiled(
        lambda ids: (
            SchoolFamily.objects.filter(pk__in=ids)
            .order_by("family__name")
            .values_list("pk", "family__name")
        ),
        ids=IDS,
    )
    for chosen in ([ids[0], ids[1]], [ids[2], ids[0]], [ids[1]], ids):
        fresh = list(
            SchoolFamily.objects.filter(pk__in=chosen)
            .order_by("family__name")
            .values_list("pk", "family__name")
        )
        got = read(ids=chosen)
        assert got == fresh
        assert all(type(row) is tuple for row in got)
    assert len(read._kept) == 3  # lengths 2, 1 and 3
    # A repeated id (which `__in` drops) or an empty list is built afresh, not kept.
    assert read(ids=[ids[0], ids[0]]) == [(ids[0], "Adair")]
    assert read(ids=[]) == []
    many = list(range(10**6, 10**6 + compiled.MAX_IDS)) + ids  # past the kept lengths
    assert [pk for pk, _ in read(ids=many)] == [ids[0], ids[1], ids[2]]
    assert len(read._kept) == 3


def test_the_columns_converters_are_worked_out_once_per_connection(cast):
    connection = connections["default"]
    make_family(cast, name="Adair", teacher=cast.teacher)
    read = Compiled(
        lambda school: (
            SchoolFamily.objects.filter(school=school)
            .select_related("family")
            .annotate(made=F("family__created_at"))
        ),
        school=SCHOOL,
    )
    runs = [read(school=cast.school) for _ in range(3)]
    # Every run converts as a fresh read does (a time is a time, on SQLite too, where the
    # driver gives text and only the converters make it a datetime).
    fresh = SchoolFamily.objects.select_related("family").get(school=cast.school)
    for (row,) in runs:
        assert row.made == fresh.family.created_at
        assert isinstance(row.made, datetime.datetime)
    (kept,) = read._kept.values()
    assert list(kept._converters) == [(id(connection), kept.compiler.col_count)]
    # Another connection (a new thread's) works them out for itself.
    calls = []
    original = type(kept.compiler).get_converters

    def counting(compiler, expressions):
        calls.append(compiler.connection)
        return original(compiler, expressions)

    kept._converters.clear()
    type(kept.compiler).get_converters = counting
    try:
        read(school=cast.school)
        read(school=cast.school)
    finally:
        type(kept.compiler).get_converters = original
    assert calls == [connection]


def test_a_read_of_a_user_by_id_is_kept(cast):
    # auth_user's id is a 32-bit column: a stand-in id it could not hold would make Django
    # give up on the lookup before writing SQL, and the read would be built every time.
    from django.contrib.auth import get_user_model

    read = Compiled(
        lambda user_id: get_user_model().objects.filter(pk=user_id, is_active=True),
        user_id=int,
    )
    assert [u.pk for u in read(user_id=cast.teacher.pk)] == [cast.teacher.pk]
    assert read(user_id=cast.pastoral.pk) == [cast.pastoral]
    assert read(user_id=2**31 + 5) == []  # past the column: Django's own answer, no rows
    ((kept,),) = [list(read._kept.values())]
    assert kept.complete


def test_a_queryset_is_unfiltered_only_as_its_manager_gives_it():
    assert compiled.unfiltered(SchoolFamily.objects.all())
    assert not compiled.unfiltered(SchoolFamily.objects.filter(school_id=1))
    assert not compiled.unfiltered(SchoolFamily.objects.all()[:3])
    assert not compiled.unfiltered(SchoolFamily.objects.using("default"))


def test_attached_rows_are_what_a_prefetch_gives(cast, django_assert_num_queries):
    """attach_related gives each instance its reverse foreign key's rows as prefetch_related
    does: `.all()` without a query, each row's link back set, and a query chained from it
    filtered to the instance (and ordered as the template queryset says)."""
    from families.models import ChildParent, ParentCarer
    from portal.compiled import attach_related

    rowan = make_family(cast, name="Rowan")
    birch = make_family(cast, name="Birch")
    parents = list(ParentCarer.objects.filter(family__in=[rowan.family, birch.family]))
    prefetched = {
        p.pk: sorted(link.pk for link in p.child_links.all())
        for p in ParentCarer.objects.filter(pk__in=[p.pk for p in parents]).prefetch_related(
            "child_links"
        )
    }
    rows = list(ChildParent.objects.filter(parent__in=parents).order_by("-pk"))
    attach_related(parents, "child_links", rows, ChildParent.objects.order_by("-pk"))
    with django_assert_num_queries(0):
        attached = {p.pk: sorted(link.pk for link in p.child_links.all()) for p in parents}
        assert all(link.parent is p for p in parents for link in p.child_links.all())
    assert attached == prefetched
    assert any(attached.values())
    mum = next(p for p in parents if p.pk == rowan.mum.pk)
    with django_assert_num_queries(1):
        chained = list(mum.child_links.filter(lives_with_child=True).values_list("pk", flat=True))
    assert chained == list(
        ChildParent.objects.filter(parent=mum, lives_with_child=True)
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    childless = factories.ParentCarerFactory(family=rowan.family)
    attach_related([childless], "child_links", [])
    with django_assert_num_queries(0):
        assert list(childless.child_links.all()) == []


@pytest.mark.usefixtures("compass_defaults")
def test_instances_read_as_having_none_share_one_empty_queryset(cast, django_assert_num_queries):
    """An instance read with `has_<name>` false (asked_for) is given an empty queryset shared
    with the others like it: nothing from `.all()`, and none from a query chained from it,
    without asking the database; one read as having some is given its own as before."""
    from families.models import ChildParent, ParentCarer
    from portal.compiled import attach_many_to_many, attach_related

    rowan = make_family(cast, name="Rowan")
    lone = factories.ParentCarerFactory(family=rowan.family)
    parents = list(ParentCarer.objects.filter(pk__in=[rowan.mum.pk, lone.pk]).order_by("pk"))
    parents[0].has_child_links, parents[1].has_child_links = True, False
    rows = list(ChildParent.objects.filter(parent=rowan.mum))
    attach_related(parents, "child_links", rows)
    with django_assert_num_queries(0):
        assert list(parents[1].child_links.all()) == []
        assert list(parents[1].child_links.filter(lives_with_child=True)) == []
        assert parents[1].child_links.count() == 0
        assert [link.pk for link in parents[0].child_links.all()] == [rows[0].pk]
    with django_assert_num_queries(1):
        assert list(parents[0].child_links.filter(pk=rows[0].pk)) == rows
    placements = [
        factories.PlacementFactory(school_family=rowan.school_family, placed_by=cast.teacher)
        for _ in range(2)
    ]
    for placement in placements:
        placement.has_parents = False
    attach_many_to_many(placements, "parents", [])
    with django_assert_num_queries(0):
        assert [list(p.parents.all()) for p in placements] == [[], []]
        assert list(placements[0].parents.filter(pk=rowan.mum.pk)) == []
    assert placements[0].parents.all() is placements[1].parents.all()


@pytest.mark.usefixtures("compass_defaults")
def test_attached_many_to_many_rows_are_what_a_prefetch_gives(cast, django_assert_num_queries):
    from compass.models import Placement, with_parents

    rowan = make_family(cast, name="Rowan")
    both = factories.PlacementFactory(
        school_family=rowan.school_family, placed_by=cast.teacher, parents=[rowan.mum, rowan.dad]
    )
    whole = factories.PlacementFactory(school_family=rowan.school_family, placed_by=cast.teacher)
    placements = Placement.objects.filter(pk__in=[both.pk, whole.pk]).order_by("pk")
    read = with_parents(list(placements))
    with django_assert_num_queries(0):
        attached = [[p.pk for p in placement.parents.all()] for placement in read]
    prefetched = [[p.pk for p in pl.parents.all()] for pl in placements.prefetch_related("parents")]
    assert attached == prefetched
    assert sorted(attached[0]) == sorted([rowan.mum.pk, rowan.dad.pk]) and attached[1] == []
    with django_assert_num_queries(1):
        assert list(read[0].parents.filter(pk=rowan.mum.pk)) == [rowan.mum]


def test_a_familys_meetings_carry_what_their_prefetch_gave(cast, django_assert_num_queries):
    """The family page's meetings read their children and amendments with two kept reads
    (meetings.integration._with_related): the same rows, in the same order, as the
    prefetch _meetings still uses for a chosen period."""
    from meetings.integration import _meetings, _with_related
    from meetings.models import MeetingAmendment

    rowan = make_family(cast, name="Rowan")
    sister = factories.ChildFactory(school=cast.school, family=rowan.family, first_name="Ailsa")
    first = factories.MeetingFactory(school=cast.school, family=rowan.family, chair=cast.pastoral)
    first.children.set([rowan.child, sister])
    second = factories.MeetingFactory(school=cast.school, family=rowan.family, chair=cast.pastoral)
    for text in ("Later note.", "First note."):
        MeetingAmendment.objects.create(meeting=first, by=cast.pastoral, text=text, reason="Typo")

    def shown(meetings):
        return [
            ([c.pk for c in m.children.all()], [a.pk for a in m.amendments.all()]) for m in meetings
        ]

    prefetched = shown(_meetings(cast.pastoral, cast.school, rowan.family.pk))
    read = _with_related(
        list(_meetings(cast.pastoral, cast.school, rowan.family.pk, related=False))
    )
    with django_assert_num_queries(0):
        attached = shown(read)
    assert attached == prefetched
    assert {len(children) for children, _ in attached} == {0, 2}
    assert second.pk in [m.pk for m in read]
