"""The school on one compass, for the dashboard: the family drawing's regions, labels and
colours, each region shaded by how many families are in it now."""

from __future__ import annotations

from compass.drawing import LABEL_FONT, SIZE, Box, Drawing, Rect, _axes, _boxes, _text_rect
from compass.models import CompassRegion


def school_drawing(regions: list[CompassRegion], counts: dict[str, int], *, total: int) -> Drawing:
    """The school on one compass: each region shaded by how many families are in it, with the
    count and share (of `total`, as in the table) written in it. The same figures as the bars
    beside it, and nothing finer: no family's own point is drawn."""
    boxes = _boxes(regions)
    biggest = max([counts.get(box.key, 0) for box in boxes] + [1])
    taken = [r for box in boxes for r in box.label_rects()]
    for index, box in enumerate(boxes):
        box.count = counts.get(box.key, 0)
        box.percent = round(100 * box.count / total, 1) if total else 0.0
        box.opacity = round(0.06 + 0.34 * box.count / biggest, 2)
        # The count sits in the part of the box no region above it covers, clear of labels.
        over = [b.rect for b in boxes[index + 1 :] if b.rect.overlaps(box.rect)]
        box.count_x, box.count_y = _free_spot(box, over + taken)
    return Drawing(
        size=SIZE,
        boxes=boxes,
        arrows=[],
        stops=[],
        now=None,
        parents=[],
        summary="",
        last_move="",
        axes=_axes(),
    )


def _free_spot(box: Box, avoid: list[Rect]) -> tuple[float, float]:
    """A baseline point for the box's count text, inside the box and clear of `avoid`."""
    text = "000 · 100%"
    r = box.rect
    spots = [
        ((r.left + r.right) / 2, (r.top + r.bottom) / 2 + LABEL_FONT / 2),
        ((r.left + r.right) / 2, r.top + (r.bottom - r.top) * 0.3),
        ((r.left + r.right) / 2, r.top + (r.bottom - r.top) * 0.75),
        (r.left + (r.right - r.left) * 0.3, (r.top + r.bottom) / 2),
        (r.left + (r.right - r.left) * 0.7, (r.top + r.bottom) / 2),
        (r.left + (r.right - r.left) * 0.25, r.top + (r.bottom - r.top) * 0.25),
        (r.left + (r.right - r.left) * 0.75, r.top + (r.bottom - r.top) * 0.25),
        (r.left + (r.right - r.left) * 0.25, r.top + (r.bottom - r.top) * 0.75),
        (r.left + (r.right - r.left) * 0.75, r.top + (r.bottom - r.top) * 0.75),
    ]
    for x, y in spots:
        rect = _text_rect(x, y, text, LABEL_FONT, "middle")
        if r.holds(rect) and not any(rect.overlaps(a) for a in avoid):
            return round(x, 1), round(y, 1)
    return round(spots[0][0], 1), round(spots[0][1], 1)
