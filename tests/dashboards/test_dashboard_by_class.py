"""The dashboard by class: each class's families on the compass with small
numbers hidden, the balance of contacts with them; and a class teacher's own class's balance."""

import datetime as dt

import pytest
from django.urls import reverse

from dashboards.authority import HIDDEN
from tests import factories
from tests.dashboards.dashboard_data import NOW, contact, family_at, place

pytestmark = pytest.mark.usefixtures("compass_defaults")
DASHBOARD = reverse("dashboards:dashboard")
MINE = reverse("dashboards:my-contacts")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _class(cast, name, *, staff=None):
    group = factories.ClassGroupFactory(school=cast.school, name=name, year_group=name[:2])
    if staff is not None:
        group.staff.add(staff)
    return group


def _families(cast, group, n, steps, *, name=None):
    made = []
    for i in range(n):
        school_family = family_at(
            cast.school, class_group=group, name=f"{name or group.name} family {i}"
        )
        place(school_family, NOW - dt.timedelta(days=10), steps, by=cast.pastoral)
        made.append(school_family)
    return made


def _rows(response):
    return {row.label: row for row in response.context["by_class"]["rows"]}


def test_regions_and_contact_balance_by_class_with_small_numbers_hidden(login, cast):
    oak, ash = _class(cast, "P5 Oak"), _class(cast, "P6 Ash")
    in_oak = _families(cast, oak, 6, (4, 4, 4))
    _families(cast, ash, 7, (4, 4, 4))
    _families(cast, ash, 2, (1, 1, 1), name="Ash south-west")
    contact(in_oak[0], NOW - dt.timedelta(days=3), staff=cast.teacher, tone="positive")
    contact(in_oak[1], NOW - dt.timedelta(days=3), staff=cast.teacher, tone="positive")
    contact(in_oak[2], NOW - dt.timedelta(days=3), staff=cast.teacher, tone="concern")
    response = login(cast.headteacher).get(DASHBOARD)
    assert response.status_code == 200
    columns = [c.key for c in response.context["by_class"]["columns"]]
    rows = _rows(response)
    assert rows["P5 Oak"].regions[columns.index("north-east")] == 6
    assert rows["P5 Oak"].families == 6
    # Two families in the south-west of P6 Ash: hidden, as on the authority's figures.
    assert rows["P6 Ash"].regions[columns.index("south-west")] is None
    assert rows["P6 Ash"].regions[columns.index("north-east")] == 7
    assert (rows["P5 Oak"].positive, rows["P5 Oak"].concern) == (2, 1)
    assert (rows["P6 Ash"].positive, rows["P6 Ash"].concern) == (0, 0)
    body = response.content.decode()
    assert 'data-testid="by-class"' in body
    assert HIDDEN in body


def test_the_table_shows_every_class_whatever_the_filters(login, cast):
    oak, ash = _class(cast, "P5 Oak"), _class(cast, "P6 Ash")
    _families(cast, oak, 5, (4, 4, 4))
    _families(cast, ash, 5, (4, 4, 4))
    client = login(cast.headteacher)
    rows = _rows(client.get(DASHBOARD + f"?class_group={oak.pk}"))
    assert (rows["P5 Oak"].families, rows["P6 Ash"].families) == (5, 5)
    # A filter's quick repaint (htmx) leaves the table, outside the figures, alone.
    repaint = client.get(DASHBOARD + f"?class_group={oak.pk}", HTTP_HX_REQUEST="true")
    assert "by_class" not in repaint.context
    assert 'data-testid="by-class"' not in repaint.text


def test_no_classes_yet_says_so(login, cast):
    assert "No classes are set up yet" in login(cast.headteacher).get(DASHBOARD).text


def test_query_count_does_not_grow_with_classes(login, cast, django_assert_max_num_queries):
    client = login(cast.headteacher)
    for n in range(2):
        _families(cast, _class(cast, f"P{n} Class"), 2, (4, 4, 4))
    with django_assert_max_num_queries(19):
        client.get(DASHBOARD)
    for n in range(2, 8):
        group = _class(cast, f"P{n} Class")
        for school_family in _families(cast, group, 2, (1, 1, 1)):
            contact(school_family, NOW - dt.timedelta(days=1), staff=cast.teacher)
    with django_assert_max_num_queries(19):
        response = client.get(DASHBOARD)
    assert len(response.context["by_class"]["rows"]) == 8


def test_a_class_teacher_sees_their_own_class_balance(login, cast):
    mine, other = _class(cast, "P4 Elm", staff=cast.teacher), _class(cast, "P7 Yew")
    ours = family_at(cast.school, class_group=mine, name="Elm family")
    theirs = family_at(cast.school, class_group=other, name="Yew family")
    # Good news from a colleague counts: the balance is the class's, not only the teacher's.
    contact(ours, NOW - dt.timedelta(days=2), staff=cast.pastoral, tone="positive")
    contact(ours, NOW - dt.timedelta(days=1), staff=cast.teacher, tone="concern")
    contact(theirs, NOW - dt.timedelta(days=1), staff=cast.pastoral, tone="concern")
    # A confidential contact the teacher may not read is not counted, not even as a number.
    contact(
        ours,
        NOW - dt.timedelta(days=1),
        staff=cast.pastoral,
        tone="concern",
        confidentiality="pastoral",
        confidentiality_reason="Family illness",
    )
    response = login(cast.teacher).get(MINE)
    assert response.status_code == 200
    assert [(r["label"], r["positive"], r["concern"]) for r in response.context["my_classes"]] == [
        ("P4 Elm", 1, 1)
    ]
    assert 'data-testid="my-classes"' in response.text


def test_a_member_of_staff_with_no_class_sees_no_class_section(login, cast):
    _class(cast, "P7 Yew")
    response = login(cast.pastoral).get(MINE)
    assert response.context["my_classes"] == []
    assert 'data-testid="my-classes"' not in response.text


def test_a_brother_or_sister_still_to_start_counts_in_no_class(login, cast):
    """A family with one pupil in P5 Oak and a younger child recorded before they start in P1
    Elm counts in Oak only, until the start date."""
    oak, elm = _class(cast, "P5 Oak"), _class(cast, "P1 Elm")
    families = _families(cast, oak, 5, (4, 4, 4))
    for school_family in families:
        factories.ChildFactory(
            school=cast.school,
            family=school_family.family,
            class_group=elm,
            starts_on=(NOW + dt.timedelta(days=40)).date(),
        )
    contact(families[0], NOW - dt.timedelta(days=3), staff=cast.teacher, tone="positive")
    rows = _rows(login(cast.headteacher).get(DASHBOARD))
    assert (rows["P5 Oak"].families, rows["P5 Oak"].positive) == (5, 1)
    # None: a class with no families shows its empty count hidden, like any small number.
    assert rows["P1 Elm"].families in (0, None)
    assert rows["P1 Elm"].positive == 0
