"""Reading a server-drawn compass SVG back: its regions, labels, markers and text sizes, so the
tests check what a browser would draw rather than the numbers that went into it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

NS = "{http://www.w3.org/2000/svg}"
CHAR_WIDTH = 0.62  # a little wider than the drawing assumes: a check, not an echo


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def holds(self, other: Box) -> bool:
        return (
            self.left <= other.left
            and other.right <= self.right
            and self.top <= other.top
            and other.bottom <= self.bottom
        )


def svgs(html: str) -> list[ET.Element]:
    """Every compass SVG in a page, parsed."""
    found = re.findall(r'<svg class="compass-svg".*?</svg>', html, flags=re.S)
    return [ET.fromstring(s.replace("&nbsp;", " ")) for s in found]


def _tag(el) -> str:
    return el.tag.replace(NS, "")


def _all(svg, tag: str):
    return [el for el in svg.iter() if _tag(el) == tag]


def regions(svg) -> list[tuple[str, Box]]:
    """The region rectangles in drawing order (later ones are drawn over earlier ones)."""
    out = []
    for el in _all(svg, "rect"):
        if el.get("class") == "compass-region":
            x, y = float(el.get("x")), float(el.get("y"))
            w, h = float(el.get("width")), float(el.get("height"))
            out.append((el.get("data-region"), Box(x, y, x + w, y + h)))
    return out


def _text_box(x: float, y: float, text: str, size: float, anchor: str) -> Box:
    width = len(text) * size * CHAR_WIDTH
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor or "start"]
    return Box(left, y - size, left + width, y + size * 0.25)


def label_boxes(svg) -> list[Box]:
    """The space each line of each region label takes."""
    out = []
    for el in _all(svg, "text"):
        if el.get("class") != "compass-label":
            continue
        size = float(el.get("font-size"))
        for span in el:
            out.append(
                _text_box(
                    float(span.get("x")),
                    float(span.get("y")),
                    span.text or "",
                    size,
                    el.get("text-anchor"),
                )
            )
    return out


@dataclass
class Marker:
    who: str
    region: str
    box: Box
    caption: Box


def markers(svg) -> list[Marker]:
    out = []
    for g in _all(svg, "g"):
        if g.get("class") != "compass-marker":
            continue
        x, y, r = float(g.get("data-x")), float(g.get("data-y")), float(g.get("data-r"))
        shape = next(el for el in g if _tag(el) in ("rect", "circle", "polygon"))
        if _tag(shape) == "circle":
            cx, cy, rr = float(shape.get("cx")), float(shape.get("cy")), float(shape.get("r"))
            drawn = Box(cx - rr, cy - rr, cx + rr, cy + rr)
        elif _tag(shape) == "rect":
            sx, sy = float(shape.get("x")), float(shape.get("y"))
            drawn = Box(sx, sy, sx + float(shape.get("width")), sy + float(shape.get("height")))
        else:
            pts = [tuple(map(float, p.split(","))) for p in shape.get("points").split()]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            drawn = Box(min(xs), min(ys), max(xs), max(ys))
        assert Box(x - r - 0.1, y - r - 0.1, x + r + 0.1, y + r + 0.1).holds(drawn)
        text = next(el for el in g if _tag(el) == "text")
        caption = _text_box(
            float(text.get("x")),
            float(text.get("y")),
            text.text or "",
            float(text.get("font-size")),
            text.get("text-anchor"),
        )
        out.append(Marker(g.get("data-who"), g.get("data-region"), drawn, caption))
    return out


def font_sizes(svg) -> list[float]:
    return [float(el.get("font-size")) for el in _all(svg, "text")]


def width(svg) -> float:
    return float(svg.get("width"))


def visible_region_of(svg, marker: Marker) -> tuple[Box, list[Box]]:
    """The rectangle of the marker's own region, and those drawn over it."""
    drawn = regions(svg)
    index = next(i for i, (key, _box) in enumerate(drawn) if key == marker.region)
    return drawn[index][1], [box for _key, box in drawn[index + 1 :]]
