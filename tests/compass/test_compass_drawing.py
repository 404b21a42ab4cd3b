"""The compass drawing read back as SVG: a laptop-sized drawing with readable text, every marker
inside the region of its own point and clear of the region labels, for every point a family or a
parent can be placed on."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

from compass import defaults
from compass.block import compass_block
from compass.drawing import drawing_for
from compass.models import CompassRegion, point_for, region_for
from compass.school_compass import school_drawing
from tests.compass import svg_check

WHEN = datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)
REGIONS = [
    CompassRegion(
        key=key,
        label=label,
        order=order,
        is_goal=is_goal,
        x_min=x_min,
        x_max=x_max,
        y_min=y_min,
        y_max=y_max,
    )
    for key, label, _d, order, is_goal, x_min, x_max, y_min, y_max in defaults.REGIONS
]
LEVERS = list(itertools.product((1, 2, 3, 4), repeat=3))
# Every point a placement can have (x in half steps, y in whole steps).
POINTS = sorted({point_for(c, a, t) for c, a, t in LEVERS})


class _Parents(list):
    def all(self):
        return self


class FakeParent:
    def __init__(self, pk, first, last):
        self.pk, self.first_name, self.last_name = pk, first, last
        self.full_name = f"{first} {last}"


class FakePlacement:
    """What the drawing reads of a placement, without a database."""

    def __init__(self, x, y, *, parents=(), days_ago=0):
        self.x, self.y = Decimal(x), Decimal(y)
        region = region_for(REGIONS, self.x, self.y)
        self.region_key, self.region_label = region.key, region.label
        self.communication = self.access = self.attitude = 2
        self.placed_at = WHEN - datetime.timedelta(days=days_ago)
        self.placed_by = get_user_model()(username="sam", first_name="Sam", last_name="Jones")
        self.parents = _Parents(parents)

    @property
    def is_whole_family(self):
        return not self.parents


PARENTS = [
    FakeParent(1, "Amira", "Haddad"),
    FakeParent(2, "Sami", "Haddad"),
    FakeParent(3, "Nadia", "Haddad"),
    FakeParent(4, "Omar", "Haddad"),
]


class FakeFamily:
    pk = 7
    name = "Amira's family"


def _svg(placements):
    drawing = drawing_for(placements, REGIONS, PARENTS)
    html = compass_block(
        drawing=drawing, family=FakeFamily(), latest=None, suggestions=None, here="/"
    )
    (svg,) = svg_check.svgs(html)
    return svg


def _assert_honest(svg, expected_markers):
    labels = svg_check.label_boxes(svg)
    markers = svg_check.markers(svg)
    assert len(markers) == expected_markers
    placed = []
    for marker in markers:
        own, over = svg_check.visible_region_of(svg, marker)
        assert own.holds(marker.box), f"{marker.who} marker leaves its region {marker.region}"
        assert not any(marker.box.overlaps(box) for box in over), (
            f"{marker.who} marker sits under another region than {marker.region}"
        )
        for label in labels:
            assert not marker.box.overlaps(label), f"{marker.who} marker covers a region label"
            assert not marker.caption.overlaps(label), f"{marker.who} caption covers a label"
        for other in placed:
            assert not marker.box.overlaps(other.box), "two markers cover each other"
            assert not marker.caption.overlaps(other.box), "a caption covers another marker"
        placed.append(marker)


@pytest.mark.parametrize(("x", "y"), POINTS)
def test_now_and_parents_on_one_point_each_sit_inside_its_region_clear_of_labels(x, y):
    placements = [
        FakePlacement(x, y, parents=[PARENTS[0]]),
        FakePlacement(x, y, parents=[PARENTS[1], PARENTS[2]], days_ago=1),
        FakePlacement(x, y, days_ago=2),
        FakePlacement(x, y, parents=[PARENTS[3]], days_ago=3),
    ]
    _assert_honest(_svg(placements), expected_markers=5)


@pytest.mark.parametrize(("x", "y"), POINTS)
def test_each_parent_at_a_neighbouring_point_stays_in_its_own_region(x, y):
    near = [
        (min(x + Decimal("0.5"), 4), y),
        (x, min(y + 1, 4)),
        (max(x - Decimal("0.5"), 1), max(y - 1, 1)),
        (x, y),
    ]
    placements = [FakePlacement(x, y, days_ago=9)] + [
        FakePlacement(px, py, parents=[parent], days_ago=i)
        for i, ((px, py), parent) in enumerate(zip(near, PARENTS, strict=True))
    ]
    _assert_honest(_svg(placements), expected_markers=5)


def test_the_drawing_is_laptop_sized_with_text_of_at_least_12px():
    svg = _svg([FakePlacement(3, 3, parents=[PARENTS[0]]), FakePlacement(2, 2, days_ago=4)])
    assert svg_check.width(svg) >= 480
    assert svg.get("viewBox") == f"0 0 {svg.get('width')} {svg.get('height')}"
    assert min(svg_check.font_sizes(svg)) >= 12


def test_a_long_region_label_wraps_inside_its_region():
    regions = [
        CompassRegion(
            key=r.key,
            label=r.label + " and still finding the words that suit this family",
            order=r.order,
            x_min=r.x_min,
            x_max=r.x_max,
            y_min=r.y_min,
            y_max=r.y_max,
        )
        for r in REGIONS
    ]
    drawing = drawing_for([], regions, [])
    for box in drawing.boxes:
        assert len(box.lines) > 1
        for line in box.lines:
            width = len(line.text) * 12 * 0.62
            if box.anchor == "start":
                assert line.x + width <= box.x + box.width
            elif box.anchor == "end":
                assert line.x - width >= box.x


def test_the_school_compass_uses_the_same_regions_labels_and_sizes():
    counts = {"north-east": 12, "centre": 5, "south-west": 1}
    drawing = school_drawing(REGIONS, counts, total=20)
    html = render_to_string("compass/drawing_parts.html#school", {"drawing": drawing})
    (svg,) = svg_check.svgs(html)
    assert svg_check.width(svg) >= 480
    assert min(svg_check.font_sizes(svg)) >= 12
    assert [key for key, _box in svg_check.regions(svg)] == [
        key for key, _box in svg_check.regions(_svg([]))
    ]
    labels = svg_check.label_boxes(svg)
    texts = {el.get("data-region"): el for el in svg.iter() if el.get("class") == "compass-count"}
    assert texts["north-east"].text == "12 · 60.0%"
    assert texts["south-east"].text == "0 · 0.0%"
    drawn = svg_check.regions(svg)
    for index, (key, own) in enumerate(drawn):
        el = texts[key]
        box = svg_check._text_box(float(el.get("x")), float(el.get("y")), el.text, 13, "middle")
        assert own.holds(box), f"the count of {key} leaves its region"
        assert not any(box.overlaps(label) for label in labels)
        assert not any(box.overlaps(over) for _k, over in drawn[index + 1 :])


def test_the_paths_last_arrow_points_at_the_now_marker_where_it_is_drawn():
    # (2.5, 4) lies on the middle line: its marker is nudged east, into its own region.
    svg = _svg([FakePlacement(Decimal("2.5"), 4), FakePlacement(1, 2, days_ago=30)])
    (now,) = [m for m in svg_check.markers(svg) if m.who == "family"]
    (arrow,) = [el for el in svg.iter() if el.get("class") == "compass-arrow"]
    centre_x = (now.box.left + now.box.right) / 2
    centre_y = (now.box.top + now.box.bottom) / 2
    x1, y1 = float(arrow.get("x1")), float(arrow.get("y1"))
    x2, y2 = float(arrow.get("x2")), float(arrow.get("y2"))
    # The arrow's end lies on the line from its start to the marker's centre, just short of it.
    cross = (x2 - x1) * (centre_y - y1) - (y2 - y1) * (centre_x - x1)
    assert abs(cross) / ((centre_x - x1) ** 2 + (centre_y - y1) ** 2) ** 0.5 < 1.5
    assert ((centre_x - x2) ** 2 + (centre_y - y2) ** 2) ** 0.5 <= 14
