"""The compass tells the truth: the family's "Now" is its whole-family
placement, a placement about one parent is theirs, movement words never contradict themselves,
and the dashboard draws the school on the same compass, in the same colours as its bars."""

import datetime
import itertools
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from compass.drawing import last_move, movement
from compass.models import point_for
from dashboards import figures
from families.models import SchoolFamily
from tests import factories
from tests.compass import svg_check
from tests.compass.test_compass_drawing import REGIONS, FakePlacement

NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)


def _compass(school_family):
    return reverse("compass:family-compass", args=[school_family.family_id])


def _place(family, who, days_ago, steps, parents=()):
    c, a, t = steps
    return factories.PlacementFactory(
        school_family=family,
        placed_by=who,
        parents=parents,
        communication=c,
        access=a,
        attitude=t,
        placed_at=NOW - datetime.timedelta(days=days_ago),
    )


@time_machine.travel(NOW, tick=False)
def test_a_placement_about_one_parent_is_not_the_familys_now(cast, login, family):
    amira = family.family.parents.get(first_name="Amira")
    _place(family, cast.pastoral, 10, (4, 4, 4))
    _place(family, cast.pastoral, 2, (1, 1, 1), parents=[amira])
    text = login(cast.pastoral).get(_compass(family)).text
    assert "Now: Positive partners (communication 4, access 4, attitude 4)" in text
    assert "for the family as a whole" in text
    assert "Now: Not yet reached" not in text
    assert "Amira Haddad, shown as a square marked AH: Not yet reached" in text
    # The family's current region (dashboards, lists) stays with the whole-family view.
    family.refresh_from_db()
    assert family.current_region == "north-east"
    assert family.last_placed_at == NOW - datetime.timedelta(days=10)
    (svg,) = svg_check.svgs(text)
    now = next(m for m in svg_check.markers(svg) if m.who == "family")
    assert now.region == "north-east"


@time_machine.travel(NOW, tick=False)
def test_the_last_move_compares_whole_family_placements_only(cast, login, family):
    sami = family.family.parents.get(first_name="Sami")
    _place(family, cast.teacher, 30, (1, 1, 1))
    _place(family, cast.teacher, 20, (4, 4, 4), parents=[sami])
    _place(family, cast.teacher, 5, (3, 3, 3))
    text = login(cast.teacher).get(_compass(family)).text
    assert (
        "Last move: from Not yet reached (21 October 2026) to Getting to know each other, "
        "towards positive partnership." in text
    )
    assert "Positive partners (" not in text.split("Last move:")[-1].split("</p>")[0]


@time_machine.travel(NOW, tick=False)
def test_withdrawing_a_parents_placement_leaves_the_family_where_it_was(cast, family):
    from compass.services import placement_withdraw

    amira = family.family.parents.get(first_name="Amira")
    _place(family, cast.pastoral, 9, (3, 3, 3))
    theirs = _place(family, cast.pastoral, 1, (1, 1, 1), parents=[amira])
    placement_withdraw(placement=theirs, withdrawn_by=cast.pastoral, reason="Wrong family")
    assert SchoolFamily.objects.get(pk=family.pk).current_region == "centre"


@time_machine.travel(NOW, tick=False)
def test_a_parents_placement_is_described_as_theirs_with_who_they_are(cast, login, family):
    amira = family.family.parents.get(first_name="Amira")
    child = family.family.children.get()
    factories.ChildParentFactory(child=child, parent=amira, relationship="mother")
    _place(family, cast.pastoral, 3, (1, 2, 1), parents=[amira])
    text = login(cast.pastoral).get(_compass(family)).text
    assert "The family as a whole has not been placed yet" in text
    (svg,) = svg_check.svgs(text)
    desc = next(el for el in svg.iter() if el.tag.endswith("desc")).text
    assert "Amira Haddad (mother): Not yet reached (communication 1, access 2, attitude 1)" in desc
    family.refresh_from_db()
    assert family.current_region == ""  # not placed as a whole: "Not placed yet" on dashboards


def _fake(x, y, key=None, label=None, days_ago=0):
    p = FakePlacement(Decimal(x), Decimal(y), days_ago=days_ago)
    if key:
        p.region_key, p.region_label = key, label
    return p


POINTS = sorted({point_for(c, a, t) for c, a, t in itertools.product((1, 2, 3, 4), repeat=3)})


@pytest.mark.parametrize(("before", "after"), list(itertools.product(POINTS, POINTS)))
def test_movement_words_never_contradict_the_move(before, after):
    old, new = _fake(*before, days_ago=30), _fake(*after)
    words = last_move(old, new)
    same_point = before == after
    same_region = old.region_key == new.region_key
    assert ("no change" in words) == same_point
    assert ("still" in words) == same_region
    assert words.startswith("Last move: from") == (not same_region and not same_point)
    distance = [(4 - x) ** 2 + (4 - y) ** 2 for x, y in (before, after)]
    assert ("towards positive partnership" in words) == (distance[1] < distance[0])
    assert ("away from positive partnership" in words) == (distance[1] > distance[0])
    if not same_region:
        assert f"to {new.region_label}" in words or "now called" in words


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # Same point, same region.
        (
            (2, 2),
            (2, 2),
            "Placed again on 2 November 2026: still Getting to know each other, "
            "with no change since 3 October 2026.",
        ),
        # Same region, a step each way and sideways.
        (
            (2, 2),
            (3, 3),
            "Since 3 October 2026: still Getting to know each other, a step "
            "towards positive partnership.",
        ),
        (
            (3, 3),
            (2, 2),
            "Since 3 October 2026: still Getting to know each other, a step away "
            "from positive partnership.",
        ),
        (
            (3, 4),
            (4, 3),
            "Since 3 October 2026: still Positive partners, "
            "a step sideways, neither closer to nor further from positive partnership.",
        ),
        # Region changed, towards, away and sideways.
        (
            (1, 1),
            (3, 3),
            "Last move: from Not yet reached (3 October 2026) to Getting to know "
            "each other, towards positive partnership.",
        ),
        (
            (4, 4),
            (1, 1),
            "Last move: from Positive partners (3 October 2026) to Not yet "
            "reached, away from positive partnership.",
        ),
        (
            (1, 4),
            (4, 1),
            "Last move: from Well-disposed but distant (3 October 2026) to In "
            "close contact, under strain, sideways (neither closer to nor further from positive "
            "partnership).",
        ),
    ],
)
def test_movement_words_for_each_kind_of_move(before, after, expected):
    assert last_move(_fake(*before, days_ago=30), _fake(*after)) == expected


def test_the_same_point_under_a_renamed_region_says_it_did_not_move():
    old = _fake(2, 2, key="middle", label="Finding our feet", days_ago=30)
    new = _fake(2, 2)
    words = last_move(old, new)
    assert "did not move" in words and "Last move" not in words
    assert "towards" not in words and "away" not in words


def test_the_family_page_and_the_dashboard_agree_on_towards_and_away():
    # Sums of x and y said "away" here; the dashboard measures distance to the goal corner.
    old, new = _fake(1, 4, days_ago=30), _fake(Decimal("2.5"), 2)
    assert movement(old, new) == "towards positive partnership"


@pytest.mark.usefixtures("compass_defaults")
@time_machine.travel(NOW, tick=False)
def test_the_dashboard_draws_the_school_compass_beside_its_bars_in_the_same_colours(
    cast, login, django_assert_max_num_queries
):
    def family(steps, parents_too=False):
        sf = factories.SchoolFamilyFactory(school=cast.school)
        _place(sf, cast.pastoral, 5, steps)
        if parents_too:
            parent = factories.ParentCarerFactory(family=sf.family)
            _place(sf, cast.pastoral, 1, (1, 1, 1), parents=[parent])
        return sf

    for _ in range(3):
        family((4, 4, 4), parents_too=True)
    family((2, 2, 2))
    factories.SchoolFamilyFactory(school=cast.school)  # never placed
    client = login(cast.headteacher)
    with django_assert_max_num_queries(40):
        text = client.get(reverse("dashboards:dashboard")).text
    section = text[text.index('data-testid="school-compass"') :]
    (svg,) = svg_check.svgs(section)
    counts = {
        el.get("data-region"): el.text for el in svg.iter() if el.get("class") == "compass-count"
    }
    # Parents' own placements (in the south-west) do not move their families there.
    assert counts["north-east"] == "3 · 60.0%"
    assert counts["centre"] == "1 · 20.0%"
    assert counts["south-west"] == "0 · 0.0%"
    # One source of colours: each region's tint on the compass is its bar's colour.
    tints = {}
    for el in svg.iter():
        if el.tag.endswith("rect") and el.get("fill-opacity"):
            tints.setdefault(el.get("stroke"), float(el.get("fill-opacity")))
    rows = figures.region_rows(REGIONS, {})
    bar_colours = {row.key: row.colour for row in rows}
    for key, _box in svg_check.regions(svg):
        assert f'fill="{bar_colours[key]}"' in text  # the bar of that region, same colour
    north_east = bar_colours["north-east"]
    assert tints[north_east] > tints[bar_colours["south-west"]]  # more families, darker
