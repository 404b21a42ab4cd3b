"""The dashboards' table cells and chart bars drawn in Python (dashboards/templatetags/
dashboard_drawing.py) are what the template loops they replace drew, escaping included."""

import re

from django.template import Context, Template
from django.utils.safestring import mark_safe

from dashboards.charts import bars

HOSTILE = '<script>alert("x")</script> & Sons\' "Academy"'

CELLS_LOOP = (
    '{% for n in cells %}<td class="text-end">{% if n is None %}<span class="suppressed">'
    "{{ hidden }}</span>{% else %}{{ n }}{% endif %}</td>{% endfor %}"
)
ROWS_LOOP = (
    '{% for name, cells in rows %}<tr{% if forloop.last %} class="table-light fw-semibold"'
    '{% endif %}><th scope="row">{{ name }}</th>' + CELLS_LOOP + "</tr>"
    "{% endfor %}"
)
BAR_LOOP = """{% localize off %}{% for row in chart.rows %}
      <text x="{{ chart.label_width|add:-8 }}" y="{{ row.text_y }}" text-anchor="end" font-size="13" fill="#212529">{{ row.label|truncatechars:30 }}</text>
      {% for s in row.segments %}{% if s.width %}<rect x="{{ s.x }}" y="{{ row.y }}" width="{{ s.width }}" height="18" fill="{{ s.colour }}"><title>{{ s.name }}: {{ s.value }}</title></rect>{% endif %}{% endfor %}
      {% if row.marker_x is not None %}<line x1="{{ row.marker_x }}" y1="{{ row.y|add:-3 }}" x2="{{ row.marker_x }}" y2="{{ row.y|add:21 }}" stroke="#111" stroke-width="3"><title>Target</title></line>{% endif %}
      <text x="{{ row.value_x }}" y="{{ row.text_y }}" font-size="13" fill="#212529">{{ row.value_text }}</text>
{% endfor %}{% endlocalize %}"""  # noqa: E501 (the chart template's loop as it was)
BAR_DRAWN = (
    "{% load l10n dashboard_drawing %}{% localize off %}{% for row in chart.rows %}"
    "{{ row|bar_row:chart.label_width }}{% endfor %}{% endlocalize %}"
)


def _render(source, **context):
    return Template(source).render(Context(context))


def _tags(html):
    """The markup without the whitespace between elements (the loop's indentation)."""
    return re.sub(r">\s+<", "><", html.strip())


def test_count_cells_are_what_the_loop_drew():
    cells = [0, 7, None, 1234567, "not yet available", HOSTILE, mark_safe("<b>kept</b>")]
    for hidden in ("hidden to protect small numbers", HOSTILE):
        looped = _render(CELLS_LOOP, cells=cells, hidden=hidden)
        drawn = _render(
            "{% load dashboard_drawing %}{{ cells|count_cells:hidden }}", cells=cells, hidden=hidden
        )
        assert drawn == looped
    assert "&lt;script&gt;" in drawn and "<script>" not in drawn
    assert drawn.count('<span class="suppressed">') == 1
    assert '<td class="text-end">1234567</td>' in drawn


def test_a_bar_is_what_the_chart_loop_drew():
    chart = bars(
        "Families in each region, by school",
        "Stacked bars.",
        [
            (
                "Castlebrae Community High School of the Lothians",
                [("Ally", 12, "#1b7837"), ("Away", 0, "#762a83")],
                "12 (40%)",
            ),
            (HOSTILE, [(HOSTILE, 3.5, '"><x'), ("Two", 7.25, "#5aae61")], HOSTILE),
            ("Small", [("One", 1, "#000")], ""),
        ],
        markers=[0.5, None, 2.0],
        scale_to=30,
    )
    looped = _render("{% load l10n %}" + BAR_LOOP, chart=chart)
    drawn = _render(BAR_DRAWN, chart=chart)
    assert _tags(drawn) == _tags(looped)
    assert drawn.count("<rect ") == 4  # the segment with no width is not drawn
    assert drawn.count("<line ") == 2
    assert "Castlebrae Community High Sch…" in drawn
    assert "<script>" not in drawn and "&quot;&gt;&lt;x" in drawn


def test_count_rows_are_what_the_loop_drew():
    rows = [
        ("Castlebrae High", [12, None, 0, 40]),
        (HOSTILE, [3, 4, "not yet available", 7]),
        ("All schools", [None, None, 52, 99]),
    ]
    hidden = "hidden to protect small numbers"
    looped = _render(ROWS_LOOP, rows=rows, hidden=hidden)
    drawn = _render(
        "{% load dashboard_drawing %}{{ rows|count_rows:hidden }}", rows=rows, hidden=hidden
    )
    assert drawn == looped
    assert drawn.count("<tr") == 3 and drawn.count("table-light") == 1
    assert drawn.rindex("table-light") > drawn.index("&lt;script&gt;")
    assert (
        _render("{% load dashboard_drawing %}{{ rows|count_rows:hidden }}", rows=[], hidden="")
        == ""
    )
