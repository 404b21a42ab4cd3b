"""The family's compass, and the school's, as data for a server-rendered SVG with its text
alternative.

Geometry: the plot spans lever scale 1–4 on both axes (see compass.models); SVG y grows
downwards, so north (attitude 4) is at the top. The family's "Now" is its latest placement
about the family as a whole; a placement about some of its parents is drawn and described as
theirs. Every marker sits inside the drawn region of its own point, clear of the region
labels and of the other markers; the templates only place what is worked out here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from compass.block import compass_block
from compass.colours import region_colours
from compass.models import CompassRegion, Placement, placements_as_read_by, region_for
from compass.suggestions import suggestions_for
from portal.lib.staff import staff_name

SIZE = 560  # drawn at this width on a laptop: region labels read at 12 px or more
PAD = 70
PLOT = SIZE - 2 * PAD
PATH_LENGTH = 6
FONT = 12  # the smallest text in the drawing
LABEL_FONT = 13
CHAR_WIDTH = 0.62  # a generous average glyph width for a sans-serif font, in ems
TEXT_MARGIN = 3  # px kept clear around text, for fonts wider than the average
NOW_RADIUS = 9
MARKER_RADIUS = 8
# Shapes for parents' points, so they differ by more than colour; each also carries a label.
SHAPES = ("square", "triangle", "diamond", "circle")
PARENT_COLOURS = ("#6d28d9", "#0f766e", "#b45309", "#be123c")
NOW_COLOUR = "#1d4ed8"


LOW, HIGH = 0.5, 4.5  # the plot runs half a step beyond 1 and 4, so no point sits on its edge
MIDDLE = 2.5
X_GRID, Y_GRID = 0.5, 1.0  # x moves in half steps (a mean of two levers), y in whole steps
GOAL = (Decimal(4), Decimal(4))  # the north-east corner: positive partners at their closest


def _px(x: Decimal | float) -> float:
    return round(PAD + (float(x) - LOW) / (HIGH - LOW) * PLOT, 1)


def _py(y: Decimal | float) -> float:
    return round(PAD + (HIGH - float(y)) / (HIGH - LOW) * PLOT, 1)


def _edge(bound, grid: float, *, upper: bool) -> float:
    """Where to draw a cut-off: open bounds run to the plot's edge; a cut-off that a point can
    sit on is drawn half a grid step outside it, so that point is visibly inside its region.
    The middle line stays on the middle (points on it go to the first region in order, and
    their markers are nudged into it)."""
    if bound is None:
        return HIGH if upper else LOW
    value = float(bound)
    if value == MIDDLE or (value / grid) % 1:
        return value
    return value + grid / 2 if upper else value - grid / 2


def text_width(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR_WIDTH


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Rect) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def holds(self, other: Rect) -> bool:
        return (
            self.left <= other.left
            and other.right <= self.right
            and self.top <= other.top
            and other.bottom <= self.bottom
        )


def _text_rect(x: float, y: float, text: str, size: float, anchor: str) -> Rect:
    """The space a line of text takes, from its baseline point and anchor (with a descent)."""
    width = text_width(text, size)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    m = TEXT_MARGIN
    return Rect(left - m, y - size - m, left + width + m, y + size * 0.3 + m)


@dataclass
class Line:
    x: float
    y: float
    text: str


@dataclass
class Box:
    label: str
    key: str
    is_goal: bool
    x: float
    y: float
    width: float
    height: float
    anchor: str
    colour: str = "#6c757d"
    lines: list[Line] = field(default_factory=list)
    # The school compass: how many families are here now, and the shading that shows it.
    count: int | None = None
    percent: float = 0.0
    opacity: float = 0.12
    count_x: float = 0
    count_y: float = 0

    @property
    def rect(self) -> Rect:
        return Rect(self.x, self.y, self.x + self.width, self.y + self.height)

    def label_rects(self) -> list[Rect]:
        return [_text_rect(ln.x, ln.y, ln.text, FONT, self.anchor) for ln in self.lines]


@dataclass
class Point:
    x: float
    y: float
    shape: str
    label: str
    name: str
    placement: Placement
    colour: str = NOW_COLOUR
    radius: float = MARKER_RADIUS
    marker: str = ""  # SVG points for polygons
    caption_x: float = 0
    caption_y: float = 0
    caption_anchor: str = "start"
    description: str = ""

    @property
    def corner_x(self) -> float:
        return round(self.x - self.radius + 1, 1)

    @property
    def corner_y(self) -> float:
        return round(self.y - self.radius + 1, 1)

    @property
    def side(self) -> float:
        return round(2 * self.radius - 2, 1)

    @property
    def rect(self) -> Rect:
        return Rect(
            self.x - self.radius, self.y - self.radius, self.x + self.radius, self.y + self.radius
        )

    @property
    def caption_rect(self) -> Rect:
        return _text_rect(self.caption_x, self.caption_y, self.label, FONT, self.caption_anchor)


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
    font: int = FONT
    label_font: int = LABEL_FONT

    @property
    def regions_svg(self) -> SafeString:
        """The regions in their colours with their labels, and the axes, as SVG: the part the
        family compass and the school compass share (compass/drawing_parts.html#regions).
        Drawn here rather than by a template: every figure in it is worked out here, and the
        template language took 5 ms a family page over its hundred-odd numbers. The same
        figures always make the same SVG, which is kept (a school's regions seldom change)."""
        return _regions_svg(
            tuple(
                (
                    _region_args(box),
                    box.key,
                    box.anchor,
                    tuple((line.x, line.y, line.text) for line in box.lines),
                )
                for box in self.boxes
            ),
            self.font,
            self.label_font,
            tuple(_axes_args(self.axes).items()),
        )


@functools.lru_cache(maxsize=64)
def _regions_svg(boxes: tuple, font: int, label_font: int, axes: tuple) -> SafeString:
    """Drawing.regions_svg, from its figures: the same figures draw the same SVG."""
    return format_html(
        "{}{}{}",
        format_html_join("\n", _REGION, (region for region, *_ in boxes)),
        format_html_join(
            "\n",
            _LABEL,
            ((key, anchor, font, _label_lines_svg(lines)) for _, key, anchor, lines in boxes),
        ),
        format_html(_AXES, font=font, label_font=label_font, **dict(axes)),
    )


_REGION = (
    '<rect class="compass-region" data-region="{}" x="{}" y="{}" width="{}" height="{}" '
    'fill="#ffffff" stroke="#6b7280" stroke-width="1"></rect>\n'
    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="{}" stroke="{}" '
    'stroke-width="{}"></rect>'
)
_LABEL = (
    '<text class="compass-label" data-region="{}" text-anchor="{}" font-size="{}" '
    'font-weight="600" fill="#111827">{}</text>'
)
_AXES = (
    '\n<line x1="{middle}" y1="{top}" x2="{middle}" y2="{bottom}" stroke="#6b7280" '
    'stroke-dasharray="4 4"></line>\n'
    '<line x1="{left}" y1="{middle}" x2="{right}" y2="{middle}" stroke="#6b7280" '
    'stroke-dasharray="4 4"></line>\n'
    '<text x="{north_x}" y="{north_y}" text-anchor="middle" font-size="{label_font}" '
    'font-weight="bold" fill="#1f2937">N · trust, partners</text>\n'
    '<text x="{south_x}" y="{south_y}" text-anchor="middle" font-size="{label_font}" '
    'font-weight="bold" fill="#1f2937">S · strained</text>\n'
    '<text x="{west_x}" y="{west_y}" text-anchor="end" font-size="{label_font}" '
    'font-weight="bold" fill="#1f2937">W</text>\n'
    '<text x="{west_x}" y="{west_word}" text-anchor="end" font-size="{font}" '
    'fill="#1f2937">distant</text>\n'
    '<text x="{east_x}" y="{east_y}" text-anchor="start" font-size="{label_font}" '
    'font-weight="bold" fill="#1f2937">E</text>\n'
    '<text x="{east_x}" y="{west_word}" text-anchor="start" font-size="{font}" '
    'fill="#1f2937">close</text>\n'
)


def _region_args(box: Box) -> tuple:
    shading = box.opacity if box.count is not None else 0.12
    place = (box.x, box.y, box.width, box.height)
    return (box.key, *place, *place, box.colour, shading, box.colour, 2 if box.is_goal else 1)


def _label_lines_svg(lines: tuple) -> SafeString:
    """A region's label, a <tspan> a line, from each line's (x, y, text)."""
    return format_html_join("", '<tspan x="{}" y="{}">{}</tspan>', lines)


def _axes_args(axes: dict) -> dict:
    named = {name: axes[name] for name in ("middle", "top", "bottom", "left", "right")}
    for side in ("north", "south", "west", "east"):
        named[f"{side}_x"], named[f"{side}_y"] = axes[side]
    return named | {"west_word": axes["west_word"]}


def _label_lines(text: str, room: float) -> list[str]:
    """The label in as few lines as fit `room` px (a word too long for a line stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}") <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _boxes(regions: list[CompassRegion]) -> list[Box]:
    """Regions drawn last-matched first, so the first in order (e.g. the centre) is on top."""
    colours = region_colours(regions)
    boxes = []
    for region in reversed(regions):
        x0, x1 = _edge(region.x_min, X_GRID, upper=False), _edge(region.x_max, X_GRID, upper=True)
        y0, y1 = _edge(region.y_min, Y_GRID, upper=False), _edge(region.y_max, Y_GRID, upper=True)
        left, right, top, bottom = _px(x0), _px(x1), _py(y1), _py(y0)
        middle_x, middle_y = (x0 + x1) / 2, (y0 + y1) / 2
        lines = _label_lines(region.label, right - left - 12)
        step = FONT + 3
        # Labels sit in the corner farthest from the middle of the compass.
        if abs(middle_x - MIDDLE) < 0.01 and abs(middle_y - MIDDLE) < 0.01:
            label_x, first_y, anchor = (left + right) / 2, top + FONT + 4, "middle"
        else:
            east, north = middle_x >= MIDDLE, middle_y >= MIDDLE
            label_x = right - 6 if east else left + 6
            first_y = top + FONT + 5 if north else bottom - 8 - step * (len(lines) - 1)
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
                anchor=anchor,
                colour=colours[region.key],
                lines=[
                    Line(round(label_x, 1), round(first_y + i * step, 1), text)
                    for i, text in enumerate(lines)
                ],
            )
        )
    return boxes


def _arrow(x1: float, y1: float, x2: float, y2: float, gap: float = 12) -> Arrow:
    """An arrow that stops short of its target point, so the head does not hide the marker."""
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    shrink = max(0.0, (length - gap) / length) if length else 0.0
    return Arrow(x1, y1, round(x1 + (x2 - x1) * shrink, 1), round(y1 + (y2 - y1) * shrink, 1))


def _polygon(shape: str, cx: float, cy: float, r: float = MARKER_RADIUS) -> str:
    if shape == "triangle":
        pts = [(cx, cy - r), (cx + r, cy + r), (cx - r, cy + r)]
    elif shape == "diamond":
        pts = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
    else:
        return ""
    return " ".join(f"{round(a, 1)},{round(b, 1)}" for a, b in pts)


# Where to try a marker, around its point (px): the point itself first, then nearby.
_RING = [(0, 0)] + [
    (round(r * dx / 10), round(r * dy / 10))
    for r in (18, 30, 44, 58, 74, 90)
    for dx, dy in ((10, 0), (-10, 0), (0, 10), (0, -10), (7, 7), (-7, 7), (7, -7), (-7, -7))
]


class _Layout:
    """Places markers one by one: each inside the drawn region of its own point, clear of the
    region labels, of the regions drawn over it and of the markers already placed."""

    def __init__(self, boxes: list[Box], regions: list[CompassRegion]):
        self.boxes = {box.key: (i, box) for i, box in enumerate(boxes)}
        self.all_boxes = boxes
        self.regions = regions
        self.taken: list[Rect] = [r for box in boxes for r in box.label_rects()]
        self.plot = Rect(PAD, PAD, SIZE - PAD, SIZE - PAD)

    def box_for(self, x: Decimal, y: Decimal) -> Box | None:
        region = region_for(self.regions, x, y)
        return (
            self.boxes[region.key][1] if region is not None and region.key in self.boxes else None
        )

    def _room(self, box: Box | None) -> tuple[Rect, list[Rect]]:
        """The box a marker must stay in, and the boxes drawn over it that it must avoid."""
        if box is None:
            return self.plot, []
        index = self.boxes[box.key][0]
        over = [b.rect for b in self.all_boxes[index + 1 :] if b.rect.overlaps(box.rect)]
        return box.rect, over

    def place(self, point: Point, x: Decimal, y: Decimal) -> Point:
        """Put the marker at its point, or as near as it can be inside its own region with
        room for its caption; clamped into the region whatever happens."""
        box = self.box_for(x, y)
        room, over = self._room(box)
        margin = point.radius + 2
        fallback = None
        for dx, dy in _RING:
            # Nudged into its region: a point on the middle line belongs to one side only.
            tx = min(max(point.x + dx, room.left + margin), room.right - margin)
            ty = min(max(point.y + dy, room.top + margin), room.bottom - margin)
            rect = Rect(tx - point.radius, ty - point.radius, tx + point.radius, ty + point.radius)
            if any(rect.overlaps(o) for o in [*over, *self.taken]):
                continue
            caption = self._caption_spot(point, tx, ty, [*self.taken, rect])
            if caption is not None:
                break
            fallback = fallback or (tx, ty)
        else:
            tx, ty = fallback or (
                min(max(point.x, room.left + margin), room.right - margin),
                min(max(point.y, room.top + margin), room.bottom - margin),
            )
            caption = (tx + point.radius + 4, ty + FONT * 0.35, "start")
        point.x, point.y = round(tx, 1), round(ty, 1)
        if point.shape in ("triangle", "diamond"):
            point.marker = _polygon(point.shape, point.x, point.y, point.radius)
        point.caption_x, point.caption_y = round(caption[0], 1), round(caption[1], 1)
        point.caption_anchor = caption[2]
        self.taken += [point.rect, point.caption_rect]
        return point

    def _caption_spot(self, point: Point, x: float, y: float, taken: list[Rect]):
        """Where the marker's caption goes: right, left, below or above, whichever is first
        inside the plot and clear of labels and markers; None if none is."""
        gap = point.radius + 4
        spots = [
            (x + gap, y + FONT * 0.35, "start"),
            (x - gap, y + FONT * 0.35, "end"),
            (x, y + gap + FONT, "middle"),
            (x, y - gap, "middle"),
        ]
        for spot in spots:
            rect = _text_rect(spot[0], spot[1], point.label, FONT, spot[2])
            if self.plot.holds(rect) and not any(rect.overlaps(t) for t in taken):
                return spot
        return None


def _distance(p: Placement) -> Decimal:
    """How far the point is from positive partners at their closest (squared, as the
    dashboard's movement figures measure it)."""
    return (GOAL[0] - p.x) ** 2 + (GOAL[1] - p.y) ** 2


def movement(before: Placement, after: Placement) -> str:
    """In words, the way the point moved: towards positive partnership (closer to the
    north-east corner), away from it, sideways (as far as before), or not at all."""
    if (after.x, after.y) == (before.x, before.y):
        return "no change"
    change = _distance(after) - _distance(before)
    if change < 0:
        return "towards positive partnership"
    if change > 0:
        return "away from positive partnership"
    return "sideways"


def _day(p: Placement) -> str:
    return f"{p.placed_at:%-d %B %Y}"


def last_move(before: Placement, after: Placement) -> str:
    """The latest move between two placements of the same point of view, in words that never
    contradict themselves: a move says "moved", a region kept says "still", a point kept says
    "no change", and a region renamed under the same point says so."""
    direction = movement(before, after)
    same_region = before.region_key == after.region_key
    if direction == "no change" and same_region:
        return (
            f"Placed again on {_day(after)}: still {after.region_label}, with no change "
            f"since {_day(before)}."
        )
    if direction == "no change":
        return (
            f"Placed again on {_day(after)} on the same point as on {_day(before)}: the "
            f"region it falls in is now called {after.region_label} (it was "
            f"{before.region_label}); the relationship itself did not move."
        )
    if same_region:
        step = {
            "towards positive partnership": "a step towards positive partnership",
            "away from positive partnership": "a step away from positive partnership",
            "sideways": "a step sideways, neither closer to nor further from positive partnership",
        }[direction]
        return f"Since {_day(before)}: still {after.region_label}, {step}."
    if direction == "sideways":
        return (
            f"Last move: from {before.region_label} ({_day(before)}) to {after.region_label}, "
            f"sideways (neither closer to nor further from positive partnership)."
        )
    return (
        f"Last move: from {before.region_label} ({_day(before)}) to {after.region_label}, "
        f"{direction}."
    )


def parent_title(parent) -> str:
    """A parent or carer as the compass names them: with who they are to the children, where
    their links to the children are read already (e.g. "Amira Haddad (mother)")."""
    links = getattr(parent, "_prefetched_objects_cache", {}).get("child_links")
    kinds = sorted({link.get_relationship_display().lower() for link in links or ()})
    return f"{parent.full_name} ({', '.join(kinds)})" if kinds else parent.full_name


def _steps(p: Placement) -> str:
    return f"communication {p.communication}, access {p.access}, attitude {p.attitude}"


def _describe(p: Placement) -> str:
    return f"{p.region_label} ({_steps(p)}), placed on {_day(p)} by {staff_name(p.placed_by)}"


def _whole_family(placements: list[Placement]) -> list[Placement]:
    return [p for p in placements if p.is_whole_family]


def drawing_for(placements: list[Placement], regions: list[CompassRegion], parents) -> Drawing:
    """The drawing of one family's placements (newest first): the path and "Now" of the family
    as a whole, and each parent's or carer's own latest point."""
    boxes = _boxes(regions)
    layout = _Layout(boxes, regions)
    family_path = _whole_family(placements)
    path = list(reversed(family_path[:PATH_LENGTH]))
    arrows = [
        _arrow(_px(a.x), _py(a.y), _px(b.x), _py(b.y))
        for a, b in zip(path, path[1:], strict=False)
        if (a.x, a.y) != (b.x, b.y)
    ]
    latest = family_path[0] if family_path else None
    now = None
    if latest is not None:
        now = Point(
            _px(latest.x),
            _py(latest.y),
            "circle",
            "Now",
            "The family as a whole",
            latest,
            radius=NOW_RADIUS,
        )
        layout.place(now, latest.x, latest.y)
        if arrows and path[-1] is latest:
            # The last leg ends at the marker where it is drawn (nudged into its region).
            last = arrows[-1]
            arrows[-1] = _arrow(last.x1, last.y1, now.x, now.y, gap=NOW_RADIUS + 3)
    # Each parent's or carer's own latest placement: the placements are newest first, and those
    # read as about the family as a whole are not asked for their parents.
    own: dict[int, Placement] = {}
    for placement in placements:
        if getattr(placement, "has_parents", True) is not False:
            for who in placement.parents.all():
                own.setdefault(who.pk, placement)
    points = []
    for index, parent in enumerate(parents):
        mine = own.get(parent.pk)
        if mine is None:
            continue
        shape = SHAPES[index % len(SHAPES)]
        initials = "".join(part[:1] for part in parent.full_name.split()[:2]).upper()
        point = Point(
            _px(mine.x),
            _py(mine.y),
            shape,
            initials,
            parent_title(parent),
            mine,
            colour=PARENT_COLOURS[index % len(PARENT_COLOURS)],
        )
        point.description = f"{point.name}: {_describe(mine)}"
        points.append(layout.place(point, mine.x, mine.y))
    if latest is not None:
        summary = f"Now: {_describe(latest)}, for the family as a whole."
    elif points:
        summary = (
            "The family as a whole has not been placed yet; each parent's or carer's own "
            "placement is shown below."
        )
    else:
        summary = "This family has not been placed on the compass yet."
    moved = last_move(family_path[1], latest) if len(family_path) > 1 else ""
    return Drawing(
        size=SIZE,
        boxes=boxes,
        arrows=arrows,
        stops=[(_px(p.x), _py(p.y)) for p in path[:-1]],
        now=now,
        parents=points,
        summary=summary,
        last_move=moved,
        axes=_axes(),
    )


def _axes() -> dict:
    middle = SIZE / 2
    return {
        "north": (middle, PAD - 14),
        "south": (middle, SIZE - PAD + 26),
        "west": (PAD - 8, middle),
        "west_word": middle + 16,
        "east": (SIZE - PAD + 8, middle),
        "left": PAD,
        "right": SIZE - PAD,
        "top": PAD,
        "bottom": SIZE - PAD,
        "middle": middle,
    }


def compass_context(
    school_family,
    *,
    limit: int = 50,
    placements=None,
    parents=None,
    request=None,
    blanked: bool = False,
) -> dict:
    """Everything the compass block shows for one family, in a fixed number of queries; with
    `request`, what is written is blanked where the user's role and a placement's level
    leave them out (`blanked`: the placements given were read so for this request already)."""
    if placements is None:
        placements = list(Placement.objects.for_family_page(school_family)[:limit])
    if request is not None and not blanked:
        placements = placements_as_read_by(request.user, request.school, placements)
    regions = CompassRegion.objects.for_school(school_family.school)
    if parents is None:
        parents = list(
            school_family.family.parents.prefetch_related("child_links").fetch_mode(
                models.FETCH_RAISE
            )
        )
    drawing = drawing_for(placements, regions, parents)
    family_path = _whole_family(placements)
    latest = family_path[0] if family_path else None
    suggestions = suggestions_for(latest) if latest else None
    return {
        "school_family": school_family,
        "family": school_family.family,
        "drawing": drawing,
        "latest": latest,
        "recent": placements[:PATH_LENGTH],
        "suggestions": suggestions,
        "compass_block": compass_block(
            drawing=drawing,
            family=school_family.family,
            latest=latest,
            suggestions=suggestions,
            here=request.get_full_path() if request is not None else "/",
        ),
    }


def section_context(request, school_family) -> dict:
    """The family page's compass block (the family page has already checked access)."""
    from compass.timeline import SECTION_LIMIT, family_placements
    from families.extensions import family_parents

    return compass_context(
        school_family,
        # Read as this user may read them (compass.timeline), shared with the chronology.
        placements=family_placements(request, school_family, SECTION_LIMIT),
        parents=family_parents(request, school_family),
        request=request,
        blanked=True,
    )
