"""Geometry for the dashboard's server-drawn SVG charts (the templates only place the shapes).

Each chart sits beside a table holding the same numbers, so the drawing is decoration for
sighted readers; the SVG still carries a title and a one-line description.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

LABEL_WIDTH = 210
PLOT_WIDTH = 330
ROW_HEIGHT = 26
BAR_HEIGHT = 18

TONE_COLOURS = {"positive": "#146c43", "neutral": "#6c757d", "concern": "#9a3412"}
FORMALITY_COLOURS = {"formal": "#1d4ed8", "informal": "#7dd3fc"}


@dataclass
class Segment:
    x: float
    width: float
    value: float
    colour: str
    name: str


@dataclass
class BarRow:
    label: str
    y: float
    text_y: float
    segments: list[Segment] = field(default_factory=list)
    value_x: float = 0
    value_text: str = ""
    marker_x: float | None = None  # e.g. a target share


@dataclass
class Chart:
    title: str
    description: str
    width: int
    height: int
    rows: list[BarRow]
    legend: list[tuple[int, int, str, str]] = field(default_factory=list)  # x, y, colour, name
    label_width: int = LABEL_WIDTH


def bars(
    title: str,
    description: str,
    rows: list[tuple[str, list[tuple[str, float, str]], str]],
    *,
    scale_to: float | None = None,
    markers: list[float | None] | None = None,
    legend: list[tuple[str, str]] | None = None,
) -> Chart:
    """Horizontal bars, each made of segments: rows are (label, [(name, value, colour)], text).

    `scale_to` is the value of a full-width bar (default: the largest row); `markers` places a
    tick on each row at that value (e.g. the target share).
    """
    biggest = max([sum(v for _n, v, _c in parts) for _l, parts, _t in rows] + [1])
    full = scale_to or biggest
    unit = PLOT_WIDTH / full if full else 0
    chart_rows = []
    for i, (label, parts, text) in enumerate(rows):
        y = 4 + i * ROW_HEIGHT
        x = float(LABEL_WIDTH)
        row = BarRow(label=label, y=y, text_y=y + BAR_HEIGHT - 4, value_text=text)
        for name, value, colour in parts:
            width = round(value * unit, 1)
            row.segments.append(
                Segment(x=round(x, 1), width=width, value=value, colour=colour, name=name)
            )
            x += width
        row.value_x = round(x + 6, 1)
        marker = markers[i] if markers else None
        if marker is not None:
            row.marker_x = round(LABEL_WIDTH + marker * unit, 1)
        chart_rows.append(row)
    height = 8 + len(rows) * ROW_HEIGHT
    legend = legend or []
    # Legend in two columns under the bars, so long region names do not collide.
    placed = [
        (10 + (i % 2) * 290, height + 6 + (i // 2) * 20, colour, name)
        for i, (colour, name) in enumerate(legend)
    ]
    return Chart(
        title=title,
        description=description,
        width=LABEL_WIDTH + PLOT_WIDTH + 60,
        height=height + 20 * ((len(legend) + 1) // 2) + (6 if legend else 0),
        rows=chart_rows,
        legend=placed,
    )


@dataclass
class Dot:
    cx: float
    cy: float
    r: float
    value: int


@dataclass
class FlowGrid:
    title: str
    description: str
    width: int
    height: int
    columns: list[tuple[float, str]]
    rows: list[tuple[float, str]]
    dots: list[Dot]
    cell: int
    label_y: int  # the baseline of the slanted column labels, clear of the drawing's top


def flow_grid(title: str, description: str, matrix: list[dict], to_labels: list[str]) -> FlowGrid:
    """A from × to grid with a circle per cell, its area in proportion to the families."""
    # The column labels slant up at 30° from just above the grid: a 22-character label rises
    # about 80 px, so the grid starts low enough for the whole label to stay inside the drawing.
    cell, left, top = 64, 200, 100
    biggest = max([n for row in matrix for n in row["cells"]] + [1])
    dots = []
    for i, row in enumerate(matrix):
        for j, n in enumerate(row["cells"]):
            if n:
                dots.append(
                    Dot(
                        cx=left + j * cell + cell / 2,
                        cy=top + i * cell + cell / 2,
                        r=round(4 + 22 * math.sqrt(n / biggest), 1),
                        value=n,
                    )
                )
    return FlowGrid(
        title=title,
        description=description,
        width=left + cell * len(to_labels) + 130,  # room for the slanted column labels
        height=top + cell * len(matrix) + 10,
        columns=[(left + j * cell + cell / 2, label) for j, label in enumerate(to_labels)],
        rows=[(top + i * cell + cell / 2 + 4, row["label"]) for i, row in enumerate(matrix)],
        dots=dots,
        cell=cell,
        label_y=top - 8,
    )
