"""A dashboard's table cells and chart bars drawn in one go (portal.lib.markup): the authority
dashboard draws a row of each for every school, and at 150 schools the template's loops over
them took some 30 ms a page.

{{ rows|count_rows:hidden }}: a table's rows of counts, a hidden count (None) as `hidden`;
{{ row|bar_row:chart.label_width }}: one bar of a chart, label, segments and figure."""

from django import template
from django.utils.text import Truncator

from portal.lib.markup import escaped, joined, shown

register = template.Library()


@register.filter
def count_rows(rows, hidden):
    """A table's body rows from (name, counts) pairs, the last its totals, as
    `<tr{% if forloop.last %} class="table-light fw-semibold"{% endif %}><th scope="row">{{ name }}
    </th>` and the row's count_cells drew them."""
    rows = list(rows)
    return joined(
        f'<tr{TOTALS if i == len(rows) - 1 else ""}><th scope="row">{escaped(name)}</th>'
        f"{count_cells(cells, hidden)}</tr>"
        for i, (name, cells) in enumerate(rows)
    )


TOTALS = ' class="table-light fw-semibold"'


@register.filter
def count_cells(cells, hidden):
    """A row's counts as `{% for n in cells %}<td class="text-end">{% if n is None %}<span
    class="suppressed">{{ hidden }}</span>{% else %}{{ n }}{% endif %}</td>{% endfor %}` drew
    them."""
    secret = f'<td class="text-end"><span class="suppressed">{escaped(hidden)}</span></td>'
    return joined(secret if n is None else f'<td class="text-end">{shown(n)}</td>' for n in cells)


@register.filter
def bar_row(row, label_width):
    """One bar of a chart (dashboards.charts.bars), as the chart template drew it with
    localisation off: its label, its segments with a width (each titled with its name and
    value), the target's tick if it has one, and the figure after it."""

    def n(value) -> str:
        return shown(value, localised=False)

    text_y = n(row.text_y)
    label = escaped(Truncator(row.label).chars(LABEL_CHARACTERS))
    pieces = [
        f'<text x="{n(label_width - 8)}" y="{text_y}" text-anchor="end" font-size="13" '
        f'fill="#212529">{label}</text>'
    ]
    pieces += [
        f'<rect x="{n(s.x)}" y="{n(row.y)}" width="{n(s.width)}" height="18" '
        f'fill="{escaped(s.colour)}"><title>{escaped(s.name)}: {n(s.value)}</title></rect>'
        for s in row.segments
        if s.width
    ]
    if row.marker_x is not None:
        pieces.append(
            f'<line x1="{n(row.marker_x)}" y1="{n(row.y - 3)}" x2="{n(row.marker_x)}" '
            f'y2="{n(row.y + 21)}" stroke="#111" stroke-width="3"><title>Target</title></line>'
        )
    pieces.append(
        f'<text x="{n(row.value_x)}" y="{text_y}" font-size="13" fill="#212529">'
        f"{escaped(row.value_text)}</text>"
    )
    return joined(pieces)


# A bar's label is cut to this many characters (its full name is in the table beside it).
LABEL_CHARACTERS = 30
