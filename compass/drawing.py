"""The family's compass as data for a server-rendered SVG, with its text alternative.

Geometry: the plot spans lever scale 1–4 on both axes (see compass.models); SVG y grows
downwards, so north (attitude 4) is at the top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models

from compass.models import CompassRegion, Placement
from compass.suggestions import suggestions_for
from portal.lib.staff import staff_name

SIZE = 400
PAD = 60
PLOT = SIZE - 2 * PAD
PATH_LENGTH = 6
# Shapes for parents' points, so they differ by more than colour; each also carries a label.
SHAPES = ("square", "triangle", "diamond", "circle")


LOW, HIGH = 0.5, 4.5  # the plot runs half a step beyond 1 and 4, so no point sits on its edge
MIDDLE = 2.5
X_GRID, Y_GRID = 0.5, 1.0  # x moves in half steps (a mean of two levers), y in whole steps


def _px(x: Decimal | float) -> float:
    return round(PAD + (float(x) - LOW) / (HIGH - LOW) * PLOT, 1)


def _py(y: Decimal | float) -> float:
    return round(PAD + (HIGH - float(y)) / (HIGH - LOW) * PLOT, 1)


def _edge(bound, grid: float, *, upper: bool) -> float:
    """Where to draw a cut-off: open bounds run to the plot's edge; a cut-off that a point can
    sit on is drawn half a grid step outside it, so that point is visibly inside its region.
    The middle line stays on the middle (points on it go to the first region in order)."""
    if bound is None:
        return HIGH if upper else LOW
    value = float(bound)
    if value == MIDDLE or (value / grid) % 1:
        return value
    return value + grid / 2 if upper else value - grid / 2


@dataclass
class Box:
    label: str
    key: str
    is_goal: bool
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    anchor: str


@dataclass
class Point:
    x: float
    y: float
    shape: str
    label: str
    name: str
    placement: Placement
    marker: str = ""  # SVG points for polygons

    @property
    def corner_x(self) -> float:
        return round(self.x - 6, 1)

    @property
    def corner_y(self) -> float:
        return round(self.y - 6, 1)

    @property
    def text_x(self) -> float:
        return round(self.x + 9, 1)

    @property
    def text_y(self) -> float:
        return round(self.y + 4, 1)

    @property
    def below_y(self) -> float:
        """Where the point's caption goes: below it, or above it near the bottom edge."""
        return round(self.y - 14 if self.y > SIZE - PAD - 40 else self.y + 22, 1)


@dataclass
class Arrow:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Drawing:
    size: int
    boxes: list[Box]
    arrows: list[Arrow]
    stops: list[tuple[float, float]]
    now: Point | None
    parents: list[Point]
    summary: str
    last_move: str
    axes: dict = field(default_factory=dict)


def _boxes(regions: list[CompassRegion]) -> list[Box]:
    """Regions drawn last-matched first, so the first in order (e.g. the centre) is on top."""
    boxes = []
    for region in reversed(regions):
        x0, x1 = _edge(region.x_min, X_GRID, upper=False), _edge(region.x_max, X_GRID, upper=True)
        y0, y1 = _edge(region.y_min, Y_GRID, upper=False), _edge(region.y_max, Y_GRID, upper=True)
        left, right, top, bottom = _px(x0), _px(x1), _py(y1), _py(y0)
        middle_x, middle_y = (x0 + x1) / 2, (y0 + y1) / 2
        # Labels sit in the corner farthest from the middle of the compass.
        if abs(middle_x - MIDDLE) < 0.01 and abs(middle_y - MIDDLE) < 0.01:
            label_x, label_y, anchor = (left + right) / 2, top + 14, "middle"
        else:
            east, north = middle_x >= MIDDLE, middle_y >= MIDDLE
            label_x = right - 6 if east else left + 6
            label_y = top + 16 if north else bottom - 8
            anchor = "end" if east else "start"
        boxes.append(
            Box(
                label=region.label,
                key=region.key,
                is_goal=region.is_goal,
                x=left,
                y=top,
                width=round(right - left, 1),
                height=round(bottom - top, 1),
                label_x=round(label_x, 1),
                label_y=round(label_y, 1),
                anchor=anchor,
            )
        )
    return boxes


def _arrow(x1: float, y1: float, x2: float, y2: float, gap: float = 10) -> Arrow:
    """An arrow that stops short of its target point, so the head does not hide the marker."""
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    shrink = max(0.0, (length - gap) / length)
    return Arrow(x1, y1, round(x1 + (x2 - x1) * shrink, 1), round(y1 + (y2 - y1) * shrink, 1))


def _polygon(shape: str, cx: float, cy: float, r: float = 7) -> str:
    if shape == "triangle":
        pts = [(cx, cy - r), (cx + r, cy + r * 0.8), (cx - r, cy + r * 0.8)]
    elif shape == "diamond":
        pts = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
    else:
        return ""
    return " ".join(f"{round(a, 1)},{round(b, 1)}" for a, b in pts)


def movement(before: Placement, after: Placement) -> str:
    """In words: did the relationship move towards positive partners (north-east) or away?"""
    change = (after.x + after.y) - (before.x + before.y)
    if change > 0:
        return "towards positive partnership"
    if change < 0:
        return "away from positive partnership"
    if (after.x, after.y) != (before.x, before.y):
        return "sideways"
    return "no change"


def _about(p: Placement) -> str:
    names = [parent.full_name for parent in p.parents.all()]
    return f" with {', '.join(names)}" if names else ""


def _describe(p: Placement) -> str:
    return (
        f"{p.region_label}{_about(p)} (communication {p.communication}, access {p.access}, "
        f"attitude {p.attitude}), placed on {p.placed_at:%-d %B %Y} by "
        f"{staff_name(p.placed_by)}"
    )


def drawing_for(placements: list[Placement], regions: list[CompassRegion], parents) -> Drawing:
    """The drawing of one family's placements (newest first), with per-parent points."""
    boxes = _boxes(regions)
    if not placements:
        return Drawing(
            size=SIZE,
            boxes=boxes,
            arrows=[],
            stops=[],
            now=None,
            parents=[],
            summary="This family has not been placed on the compass yet.",
            last_move="",
            axes=_axes(),
        )
    path = list(reversed(placements[:PATH_LENGTH]))
    arrows = [
        _arrow(_px(a.x), _py(a.y), _px(b.x), _py(b.y))
        for a, b in zip(path, path[1:], strict=False)
        if (a.x, a.y) != (b.x, b.y)
    ]
    latest = placements[0]
    now = Point(_px(latest.x), _py(latest.y), "star", "Now", "Latest placement", latest)
    points = []
    for index, parent in enumerate(parents):
        mine = next((p for p in placements if parent in p.parents.all()), None)
        if mine is None:
            continue
        shape = SHAPES[index % len(SHAPES)]
        # A small offset per parent keeps coinciding points readable.
        cx, cy = _px(mine.x) + 10 * (index + 1), _py(mine.y) - 10 * (index + 1)
        initials = "".join(part[:1] for part in parent.full_name.split()[:2]).upper()
        points.append(
            Point(
                round(cx, 1),
                round(cy, 1),
                shape,
                initials,
                parent.full_name,
                mine,
                _polygon(shape, cx, cy),
            )
        )
    summary = f"Now: {_describe(latest)}."
    last_move = ""
    if len(placements) > 1:
        before = placements[1]
        if before.region_key == latest.region_key:
            last_move = (
                f"Last move: within {latest.region_label} since {before.placed_at:%-d %B %Y} "
                f"({movement(before, latest)})."
            )
        else:
            last_move = (
                f"Last move: from {before.region_label}{_about(before)} "
                f"({before.placed_at:%-d %B %Y}) to "
                f"{latest.region_label}, {movement(before, latest)}."
            )
    return Drawing(
        size=SIZE,
        boxes=boxes,
        arrows=arrows,
        stops=[(_px(p.x), _py(p.y)) for p in path[:-1]],
        now=now,
        parents=points,
        summary=summary,
        last_move=last_move,
        axes=_axes(),
    )


def _axes() -> dict:
    middle = SIZE / 2
    return {
        "north": (middle, PAD - 12),
        "south": (middle, SIZE - PAD + 22),
        "west": (PAD - 8, middle),
        "west_word": middle + 14,
        "east": (SIZE - PAD + 8, middle),
        "left": PAD,
        "right": SIZE - PAD,
        "top": PAD,
        "bottom": SIZE - PAD,
        "middle": middle,
    }


SECTION_LIMIT = 50  # placements the family page's compass block reads


def compass_context(school_family, *, limit: int = 50, placements=None, parents=None) -> dict:
    """Everything the compass block shows for one family, in a fixed number of queries."""
    if placements is None:
        placements = list(Placement.objects.for_family_page(school_family)[:limit])
    regions = CompassRegion.objects.for_school(school_family.school)
    if parents is None:
        parents = list(school_family.family.parents.fetch_mode(models.FETCH_RAISE))
    drawing = drawing_for(placements, regions, parents)
    latest = placements[0] if placements else None
    return {
        "school_family": school_family,
        "family": school_family.family,
        "drawing": drawing,
        "latest": latest,
        "recent": placements[:PATH_LENGTH],
        "suggestions": suggestions_for(latest) if latest else None,
    }


def section_context(request, school_family) -> dict:
    """The family page's compass block (the family page has already checked access)."""
    from compass.timeline import family_placements
    from families.extensions import family_parents

    return compass_context(
        school_family,
        placements=family_placements(request, school_family, SECTION_LIMIT),
        parents=family_parents(request, school_family),
    )
