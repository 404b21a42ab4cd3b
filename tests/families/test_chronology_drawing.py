# ruff: noqa: E501 (the loops are kept as the template had them)
"""The chronology's entries and its filter's choices, drawn by the tags of
families/templatetags/chronology.py, say exactly what the template's loops they replaced
said: contacts, placements and withdrawn ones of each, every kind and child chosen or not, and
dates that cannot be used, with text that needs escaping."""

import datetime

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from compass.services import placement_withdraw
from families.services import contact_log, contact_withdraw
from tests import factories
from tests.families.conftest import make_family
from tests.markup import plain

# The loops of families/family_detail.html before the tags.
LOOPS = {
    "entries": """{% for entry in entries %}
    {% if entry.template %}{% include entry.template with entry=entry %}{% else %}{{ entry.html }}{% endif %}
  {% endfor %}""",
    "kinds": """{% for key, label in kinds %}<option value="{{ key }}"{% if chosen.kind == key %} selected{% endif %}>{{ label }}</option>{% endfor %}""",
    "children": """{% for child in children %}<option value="{{ child.pk }}"{% if chosen.child_id == child.pk %} selected{% endif %}>{{ child.first_name }}</option>{% endfor %}""",
    "dates": """    {% for field in chosen.dates %}
    <div class="col-auto">
      <label class="form-label" for="chronology-{{ field.name }}">{{ field.label }}</label>
      <input type="date" class="form-control form-control-sm{% if field.errors %} is-invalid{% endif %}" id="chronology-{{ field.name }}" name="{{ field.html_name }}" value="{{ field.value|default_if_none:'' }}"{% if field.errors %} aria-invalid="true" aria-describedby="chronology-{{ field.name }}-error"{% endif %}>
      {% if field.errors %}<div id="chronology-{{ field.name }}-error" class="invalid-feedback d-block">{{ field.errors|join:" " }}</div>{% endif %}
    </div>
    {% endfor %}
""",
}
TAGS = {
    "entries": "{% chronology_entries entries %}",
    "kinds": "{% kind_options kinds chosen %}",
    "children": "{% child_options children chosen %}",
    "dates": "{% date_fields chosen %}",
}
UTC = datetime.UTC


@pytest.fixture
def chronicled(cast):
    """A family with contacts and placements, one of each withdrawn, a second child."""
    fam = make_family(cast, name="Family <Rowan>", teacher=cast.teacher)
    factories.ChildFactory(school=cast.school, family=fam.family, first_name="Ailsa <i>")
    day = datetime.datetime(2026, 5, 1, 10, tzinfo=UTC)
    for n in range(3):
        contact_log(
            school=cast.school,
            family=fam.family,
            staff=cast.pastoral,
            parents=[fam.mum],
            children=[fam.child],
            summary=f"Call <{n}>",
            occurred_at=day + datetime.timedelta(days=n),
        )
    gone = contact_log(
        school=cast.school,
        family=fam.family,
        staff=cast.pastoral,
        parents=[fam.dad],
        summary="Wrong family",
        occurred_at=day + datetime.timedelta(days=4),
    )
    contact_withdraw(contact=gone, withdrawn_by=cast.pastoral, reason="Logged <twice>")
    factories.PlacementFactory(
        school_family=fam.school_family,
        placed_by=cast.pastoral,
        placed_at=day + datetime.timedelta(days=5),
        evidence="Came <in>",
    )
    moved = factories.PlacementFactory(
        school_family=fam.school_family,
        placed_by=cast.pastoral,
        placed_at=day + datetime.timedelta(days=6),
    )
    placement_withdraw(placement=moved, withdrawn_by=cast.pastoral, reason="Too soon")
    return fam


@pytest.mark.usefixtures("compass_defaults")
@pytest.mark.parametrize(
    "query",
    ["", "kind=placement", "kind=contact&child={child}", "date_from=2026-13-45&date_to=<b>x"],
)
def test_the_chronology_is_drawn_as_the_loops_drew_it(cast, chronicled, login, query):
    url = reverse("families:family-detail", args=[chronicled.family.pk])
    client = login(cast.pastoral)
    with time_machine.travel(datetime.datetime(2026, 6, 12, 9, tzinfo=UTC), tick=False):
        response = client.get(f"{url}?{query.format(child=chronicled.child.pk)}")
        context = next(c for c in response.context if "entries" in c).flatten()
        for part, loop in LOOPS.items():
            looped = Template(loop).render(Context(context))
            drawn = Template("{% load chronology %}" + TAGS[part]).render(Context(context))
            assert plain(drawn) == plain(looped), part
            assert plain(drawn) in plain(response.text), part
    page = response.text
    if not query:
        assert "Call &lt;2&gt;" in page and "Logged &lt;twice&gt;" in page
        assert "Came &lt;in&gt;" in page and "Too soon" in page
    if query.startswith("kind=contact"):
        assert f'<option value="{chronicled.child.pk}" selected>Robin</option>' in page
        assert "Ailsa &lt;i&gt;</option>" in page
    if query.startswith("date_from"):
        assert 'value="&lt;b&gt;x" aria-invalid="true"' in page


@pytest.mark.usefixtures("compass_defaults")
def test_a_printed_chronology_holds_every_entry(cast, chronicled, login):
    url = reverse("families:family-print", args=[chronicled.family.pk])
    page = login(cast.pastoral).get(url).text
    assert page.count('class="timeline-entry card') == 6
    assert "Call &lt;0&gt;" in page and "Came &lt;in&gt;" in page and "Too soon" in page
