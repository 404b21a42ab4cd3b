"""A family's compass block (the drawing, why it is there, what will change next, ideas), drawn
here rather than by the template language: on the family page and the family's own compass
page.

Every figure in the drawing is worked out by compass.drawing; the template language still took
two milliseconds of the family page to put its hundred-odd numbers and words in place. Change
the markup here, and its test (`tests/compass/test_block.py`) compares it with the template it
replaced. What staff wrote is escaped (`escaped`); numbers and the drawing's own words are put
in as the template put them inside `{% localize off %}`.
"""

from __future__ import annotations

from urllib.parse import quote

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from portal.lib.markup import escaped, joined, shown
from portal.templatetags.fast_date import date

_ARROW_HEAD = (
    '<marker id="compass-arrow-{pk}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto-start-reverse">\n'
    '<path d="M0,0 L10,5 L0,10 z" fill="#1f2937"></path>\n'
    "</marker>"
)


def _n(value) -> str:
    """A number as `{{ value }}` draws it inside `{% localize off %}`."""
    return shown(value, localised=False)


def _marker(point, drawing) -> str:
    who = (
        f'<g class="compass-marker" data-who="parent" '
        f'data-region="{escaped(point.placement.region_key)}" data-x="{_n(point.x)}" '
        f'data-y="{_n(point.y)}" data-r="{_n(point.radius)}">\n'
    )
    colour = escaped(point.colour)
    if point.shape == "square":
        shape = (
            f'<rect x="{_n(point.corner_x)}" y="{_n(point.corner_y)}" width="{_n(point.side)}" '
            f'height="{_n(point.side)}" fill="#ffffff" stroke="{colour}" stroke-width="3"></rect>'
        )
    elif point.shape == "circle":
        shape = (
            f'<circle cx="{_n(point.x)}" cy="{_n(point.y)}" r="{_less_one(point.radius)}" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="3"></circle>'
        )
    else:
        shape = (
            f'<polygon points="{escaped(point.marker)}" fill="#ffffff" stroke="{colour}" '
            'stroke-width="3"></polygon>'
        )
    return (
        f"{who}{shape}\n"
        f'<text class="compass-caption" x="{_n(point.caption_x)}" y="{_n(point.caption_y)}" '
        f'text-anchor="{escaped(point.caption_anchor)}" font-size="{_n(drawing.font)}" '
        f'font-weight="bold" fill="{colour}">{escaped(point.label)}</text>\n</g>'
    )


def _less_one(value) -> str:
    """`{{ value|add:-1 }}`: the filter adds whole numbers (a radius of 9.5 gives 8)."""
    try:
        return _n(int(value) - 1)
    except (ValueError, TypeError):
        return ""


def _now(now, drawing) -> str:
    if now is None:
        return ""
    colour = escaped(now.colour)
    return (
        f'<g class="compass-marker" data-who="family" '
        f'data-region="{escaped(now.placement.region_key)}" data-x="{_n(now.x)}" '
        f'data-y="{_n(now.y)}" data-r="{_n(now.radius)}">\n'
        f'<circle cx="{_n(now.x)}" cy="{_n(now.y)}" r="{_n(now.radius)}" fill="{colour}" '
        'stroke="#ffffff" stroke-width="2"></circle>\n'
        f'<text class="compass-caption" x="{_n(now.caption_x)}" y="{_n(now.caption_y)}" '
        f'text-anchor="{escaped(now.caption_anchor)}" font-size="{_n(drawing.font)}" '
        f'font-weight="bold" fill="{colour}">Now</text>\n</g>'
    )


def _figure(drawing, family) -> str:
    pk = _n(family.pk)
    size = _n(drawing.size)
    described = " ".join(f"{escaped(point.description)}." for point in drawing.parents)
    svg = (
        f'<svg class="compass-svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
        f'role="img" aria-labelledby="compass-title-{pk} compass-desc-{pk}" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">\n'
        f'<title id="compass-title-{pk}">Parent Compass for {escaped(family.name)}</title>\n'
        f'<desc id="compass-desc-{pk}">{escaped(drawing.summary)} '
        f"{escaped(drawing.last_move)}{' ' if described else ''}{described}</desc>\n"
        f"<defs>\n{_ARROW_HEAD.format(pk=pk)}\n</defs>\n"
        f"{drawing.regions_svg}\n"
        + "".join(
            f'<circle class="compass-stop" cx="{_n(x)}" cy="{_n(y)}" r="4" '
            'fill="#6b7280"></circle>\n'
            for x, y in drawing.stops
        )
        + "".join(
            f'<line class="compass-arrow" x1="{_n(a.x1)}" y1="{_n(a.y1)}" x2="{_n(a.x2)}" '
            f'y2="{_n(a.y2)}" stroke="#1f2937" stroke-width="2" '
            f'marker-end="url(#compass-arrow-{pk})"></line>\n'
            for a in drawing.arrows
        )
        + "".join(f"{_marker(point, drawing)}\n" for point in drawing.parents)
        + f"{_now(drawing.now, drawing)}\n</svg>\n"
    )
    caption = [f'<p class="mb-1">{escaped(drawing.summary)}</p>\n']
    if drawing.last_move:
        caption.append(f'<p class="mb-1">{escaped(drawing.last_move)}</p>\n')
    if drawing.parents:
        caption.append(
            '<p class="mb-1">Placed about one parent or carer (their own, not the family\'s):'
            '</p>\n<ul class="mb-0">\n'
        )
        for point in drawing.parents:
            placed = date(template_localtime(point.placement.placed_at), "j M Y")
            caption.append(
                f"<li>{escaped(point.name)}, shown as a {escaped(point.shape)} marked "
                f"{escaped(point.label)}: {escaped(point.placement.region_label)}, "
                f"{escaped(placed)}</li>\n"
            )
        caption.append("</ul>\n")
    if drawing.arrows:
        caption.append(
            '<p class="mb-0 text-body-secondary">Arrows show the path of the family\'s last '
            "placements as a whole, oldest to newest.</p>\n"
        )
    return (
        f'<figure class="compass-figure mb-0">\n{svg}'
        f'<figcaption class="small mt-2">\n{"".join(caption)}</figcaption>\n</figure>\n'
    )


def _hidden(placement) -> str:
    """Who may read why the placement is there, in the words every page of placements uses."""
    return render_to_string("compass/placement_hidden.html", {"placement": placement})


def _why(latest, suggestions) -> str:
    if latest is None:
        return (
            "<p>Place the family on the compass to record where the relationship is now, why, "
            "and what you will change. It takes under a minute.</p>\n"
        )
    parts = ['<h3 class="h6">Why it is here</h3>\n']
    if getattr(latest, "text_hidden", False):
        parts.append(f'<p class="text-body-secondary">{_hidden(latest)}</p>\n')
    else:
        if latest.is_confidential:
            parts.append(
                '<p class="mb-1"><span class="badge text-bg-warning">Confidential: '
                f"{escaped(latest.get_confidentiality_display())}</span></p>\n"
            )
        parts.append(f"<p>{escaped(latest.evidence)}</p>\n")
    parts.append(
        '<p class="small text-body-secondary">Communication level: '
        f"{escaped(latest.get_level_display())}.</p>\n"
    )
    nexts = [
        (term, value)
        for term, value in (
            ("Communication", latest.next_communication),
            ("Access", latest.next_access),
            ("Attitude", latest.next_attitude),
        )
        if value
    ]
    if nexts:
        parts.append('<h3 class="h6">What will change next</h3>\n<dl class="small">\n')
        parts.extend(f"<dt>{term}</dt><dd>{escaped(value)}</dd>\n" for term, value in nexts)
        parts.append("</dl>\n")
    if latest.has_parent_view:
        words = f": “{escaped(latest.parent_words)}”" if latest.parent_words else ""
        parts.append(
            '<h3 class="h6">The parent\'s own view</h3>\n'
            f'<p class="small">{escaped(latest.parent_region_label)}{words}</p>\n'
        )
    if suggestions:
        ideas = "".join(f"<li>{escaped(idea)}</li>" for idea in suggestions.ideas)
        habits = "".join(f"<li>{escaped(habit)}</li>" for habit in suggestions.habits)
        parts.append(
            f'<h3 class="h6">Ideas for {escaped(str(suggestions.lever_label).lower())} '
            f"(step {escaped(suggestions.step)}, the lowest lever)</h3>\n"
            f'<ul class="small">\n{ideas}\n</ul>\n'
            '<p class="small text-body-secondary mb-1">Worth keeping in mind:</p>\n'
            f'<ul class="small text-body-secondary">\n{habits}\n</ul>\n'
        )
    return "".join(parts)


def compass_block(*, drawing, family, latest, suggestions, here: str) -> SafeString:
    """The family's compass block; `here` is the page's own path, where placing the family
    returns to."""
    pk = _n(family.pk)
    back = quote(here, safe="/")
    # Safe as the template was: every value is escaped, or is a number or our own words.
    return joined(
        [
            f'<section class="card mb-3 compass-section" aria-labelledby="compass-heading-{pk}">\n'
            '<div class="card-body">\n'
            '<div class="d-flex flex-wrap justify-content-between align-items-baseline gap-2">\n'
            f'<h2 class="h5" id="compass-heading-{pk}">Parent Compass</h2>\n'
            '<div class="d-flex gap-2">\n'
            '<a class="btn btn-primary btn-sm" '
            f'href="{escaped(reverse("compass:placement-add", args=[family.pk]))}?next='
            f'{escaped(back)}">Place on compass</a>\n'
            '<a class="btn btn-outline-secondary btn-sm" '
            f'href="{escaped(reverse("compass:family-compass", args=[family.pk]))}">Full compass '
            "and history</a>\n"
            "</div>\n</div>\n"
            '<div class="row g-3 mt-1">\n'
            f'<div class="col-md-6">\n{_figure(drawing, family)}</div>\n'
            f'<div class="col-md-6">\n{_why(latest, suggestions)}</div>\n'
            "</div>\n</div>\n</section>\n"
        ]
    )
