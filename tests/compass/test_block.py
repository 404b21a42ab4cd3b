"""A family's compass block, drawn in Python (compass.block), says exactly what the template
it replaced said: with no placement; with a path, parents' own points and a confidential
latest placement with next steps, the parent's own view and ideas; and to a colleague who may
not read why it is there; with text that needs escaping."""

import datetime

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from tests import factories
from tests.families.conftest import make_family
from tests.markup import plain

# The block as compass/placement_family.html#compass drew it before compass.block.
TEMPLATE_BLOCK = """{% load l10n %}
<section class="card mb-3 compass-section" aria-labelledby="compass-heading-{{ family.pk }}">
  <div class="card-body">
    <div class="d-flex flex-wrap justify-content-between align-items-baseline gap-2">
      <h2 class="h5" id="compass-heading-{{ family.pk }}">Parent Compass</h2>
      <div class="d-flex gap-2">
        <a class="btn btn-primary btn-sm" href="{% url 'compass:placement-add' family.pk %}?next={{ request.get_full_path|urlencode }}">Place on compass</a>
        <a class="btn btn-outline-secondary btn-sm" href="{% url 'compass:family-compass' family.pk %}">Full compass and history</a>
      </div>
    </div>
    <div class="row g-3 mt-1">
      <div class="col-md-6">
        <figure class="compass-figure mb-0">
          {% localize off %}
          <svg class="compass-svg" width="{{ drawing.size }}" height="{{ drawing.size }}" viewBox="0 0 {{ drawing.size }} {{ drawing.size }}" role="img" aria-labelledby="compass-title-{{ family.pk }} compass-desc-{{ family.pk }}" focusable="false" xmlns="http://www.w3.org/2000/svg">
            <title id="compass-title-{{ family.pk }}">Parent Compass for {{ family.name }}</title>
            <desc id="compass-desc-{{ family.pk }}">{{ drawing.summary }} {{ drawing.last_move }}{% for point in drawing.parents %} {{ point.description }}.{% endfor %}</desc>
            <defs>
              <marker id="compass-arrow-{{ family.pk }}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill="#1f2937"></path>
              </marker>
            </defs>
            {% include "compass/drawing_parts.html#regions" %}
            {% for stop in drawing.stops %}
              <circle class="compass-stop" cx="{{ stop.0 }}" cy="{{ stop.1 }}" r="4" fill="#6b7280"></circle>
            {% endfor %}
            {% for arrow in drawing.arrows %}
              <line class="compass-arrow" x1="{{ arrow.x1 }}" y1="{{ arrow.y1 }}" x2="{{ arrow.x2 }}" y2="{{ arrow.y2 }}" stroke="#1f2937" stroke-width="2" marker-end="url(#compass-arrow-{{ family.pk }})"></line>
            {% endfor %}
            {% for point in drawing.parents %}
              <g class="compass-marker" data-who="parent" data-region="{{ point.placement.region_key }}" data-x="{{ point.x }}" data-y="{{ point.y }}" data-r="{{ point.radius }}">
              {% if point.shape == "square" %}
                <rect x="{{ point.corner_x }}" y="{{ point.corner_y }}" width="{{ point.side }}" height="{{ point.side }}" fill="#ffffff" stroke="{{ point.colour }}" stroke-width="3"></rect>
              {% elif point.shape == "circle" %}
                <circle cx="{{ point.x }}" cy="{{ point.y }}" r="{{ point.radius|add:-1 }}" fill="#ffffff" stroke="{{ point.colour }}" stroke-width="3"></circle>
              {% else %}
                <polygon points="{{ point.marker }}" fill="#ffffff" stroke="{{ point.colour }}" stroke-width="3"></polygon>
              {% endif %}
              <text class="compass-caption" x="{{ point.caption_x }}" y="{{ point.caption_y }}" text-anchor="{{ point.caption_anchor }}" font-size="{{ drawing.font }}" font-weight="bold" fill="{{ point.colour }}">{{ point.label }}</text>
              </g>
            {% endfor %}
            {% if drawing.now %}
              <g class="compass-marker" data-who="family" data-region="{{ drawing.now.placement.region_key }}" data-x="{{ drawing.now.x }}" data-y="{{ drawing.now.y }}" data-r="{{ drawing.now.radius }}">
              <circle cx="{{ drawing.now.x }}" cy="{{ drawing.now.y }}" r="{{ drawing.now.radius }}" fill="{{ drawing.now.colour }}" stroke="#ffffff" stroke-width="2"></circle>
              <text class="compass-caption" x="{{ drawing.now.caption_x }}" y="{{ drawing.now.caption_y }}" text-anchor="{{ drawing.now.caption_anchor }}" font-size="{{ drawing.font }}" font-weight="bold" fill="{{ drawing.now.colour }}">Now</text>
              </g>
            {% endif %}
          </svg>
          {% endlocalize %}
          <figcaption class="small mt-2">
            <p class="mb-1">{{ drawing.summary }}</p>
            {% if drawing.last_move %}<p class="mb-1">{{ drawing.last_move }}</p>{% endif %}
            {% if drawing.parents %}
              <p class="mb-1">Placed about one parent or carer (their own, not the family's):</p>
              <ul class="mb-0">
                {% for point in drawing.parents %}
                  <li>{{ point.name }}, shown as a {{ point.shape }} marked {{ point.label }}: {{ point.placement.region_label }}, {{ point.placement.placed_at|date:"j M Y" }}</li>
                {% endfor %}
              </ul>
            {% endif %}
            {% if drawing.arrows %}<p class="mb-0 text-body-secondary">Arrows show the path of the family's last placements as a whole, oldest to newest.</p>{% endif %}
          </figcaption>
        </figure>
      </div>
      <div class="col-md-6">
        {% if latest %}
          <h3 class="h6">Why it is here</h3>
          {% if latest.text_hidden %}
            <p class="text-body-secondary">{% include "compass/placement_hidden.html" with placement=latest %}</p>
          {% else %}
            {% if latest.is_confidential %}<p class="mb-1"><span class="badge text-bg-warning">Confidential: {{ latest.get_confidentiality_display }}</span></p>{% endif %}
            <p>{{ latest.evidence }}</p>
          {% endif %}
          <p class="small text-body-secondary">Communication level: {{ latest.get_level_display }}.</p>
          {% if latest.next_communication or latest.next_access or latest.next_attitude %}
            <h3 class="h6">What will change next</h3>
            <dl class="small">
              {% if latest.next_communication %}<dt>Communication</dt><dd>{{ latest.next_communication }}</dd>{% endif %}
              {% if latest.next_access %}<dt>Access</dt><dd>{{ latest.next_access }}</dd>{% endif %}
              {% if latest.next_attitude %}<dt>Attitude</dt><dd>{{ latest.next_attitude }}</dd>{% endif %}
            </dl>
          {% endif %}
          {% if latest.has_parent_view %}
            <h3 class="h6">The parent's own view</h3>
            <p class="small">{{ latest.parent_region_label }}{% if latest.parent_words %}: “{{ latest.parent_words }}”{% endif %}</p>
          {% endif %}
          {% if suggestions %}
            <h3 class="h6">Ideas for {{ suggestions.lever_label|lower }} (step {{ suggestions.step }}, the lowest lever)</h3>
            <ul class="small">
              {% for idea in suggestions.ideas %}<li>{{ idea }}</li>{% endfor %}
            </ul>
            <p class="small text-body-secondary mb-1">Worth keeping in mind:</p>
            <ul class="small text-body-secondary">
              {% for habit in suggestions.habits %}<li>{{ habit }}</li>{% endfor %}
            </ul>
          {% endif %}
        {% else %}
          <p>Place the family on the compass to record where the relationship is now, why, and what you will change. It takes under a minute.</p>
        {% endif %}
      </div>
    </div>
  </div>
</section>
"""  # noqa: E501

HOSTILE = 'O\'Neil <b>"&"</b>'
UTC = datetime.UTC


def _pages(client, fam):
    """The block on the family's compass page and on the family page, with the old template's
    drawing of the same context."""
    with time_machine.travel(datetime.datetime(2026, 6, 12, 9, tzinfo=UTC), tick=False):
        compass = client.get(reverse("compass:family-compass", args=[fam.family.pk]) + "?x=<y>")
        family = client.get(reverse("families:family-detail", args=[fam.family.pk]))
        # The page's own context (the block may render a small template of its own first).
        context = next(c for c in compass.context if "compass_block" in c).flatten()
        templated = Template(TEMPLATE_BLOCK).render(Context(context))
    (section,) = [s for s in family.context["sections"] if "compass_block" in s]
    return compass, family, context["compass_block"], section["compass_block"], templated


@pytest.mark.usefixtures("compass_defaults")
def test_a_family_not_placed_yet(cast, login):
    fam = make_family(cast, name=f"Family {HOSTILE}")
    compass, family, drawn, in_section, templated = _pages(login(cast.pastoral), fam)
    assert plain(drawn) == plain(templated)
    assert str(drawn) in compass.text and str(in_section) in family.text
    assert "Place the family on the compass to record" in compass.text
    assert "Parent Compass for Family O&#x27;Neil &lt;b&gt;" in compass.text


@pytest.mark.usefixtures("compass_defaults")
@pytest.mark.parametrize("role", ["pastoral", "teacher"])
def test_a_family_with_a_path_and_parents_own_points(cast, login, role):
    fam = make_family(cast, name=f"Family {HOSTILE}", teacher=cast.teacher)
    day = datetime.datetime(2026, 5, 1, 10, tzinfo=UTC)
    for step, (c, a, t) in enumerate([(1, 1, 1), (2, 2, 1), (3, 3, 2)]):
        factories.PlacementFactory(
            school_family=fam.school_family,
            placed_by=cast.pastoral,
            communication=c,
            access=a,
            attitude=t,
            placed_at=day + datetime.timedelta(days=step),
            evidence=f"Step {step} <b>",
        )
    factories.PlacementFactory(
        school_family=fam.school_family,
        placed_by=cast.pastoral,
        parents=[fam.mum],
        communication=4,
        access=4,
        attitude=4,
        placed_at=day + datetime.timedelta(days=5),
    )
    factories.PlacementFactory(
        school_family=fam.school_family,
        placed_by=cast.pastoral,
        parents=[fam.dad],
        communication=1,
        access=2,
        attitude=1,
        placed_at=day + datetime.timedelta(days=6),
    )
    factories.PlacementFactory(
        school_family=fam.school_family,
        placed_by=cast.pastoral,
        communication=3,
        access=2,
        attitude=3,
        placed_at=day + datetime.timedelta(days=7),
        evidence="Came to <the> fair & stayed",
        level="intensive",
        confidentiality="pastoral",
        confidentiality_reason="Health",
        next_communication="Text <first>",
        next_attitude='Ask about "work"',
        parent_communication=4,
        parent_access=4,
        parent_attitude=3,
        parent_words="We're <trying>",
    )
    compass, family, drawn, in_section, templated = _pages(login(getattr(cast, role)), fam)
    assert plain(drawn) == plain(templated)
    assert str(drawn) in compass.text and str(in_section) in family.text
    page = compass.text
    assert page.count('class="compass-marker"') == 3 and "compass-arrow" in page
    assert f"?next=/compass/family/{fam.family.pk}/%3Fx%3D%253Cy%253E" in page
    if role == "pastoral":
        assert "Came to &lt;the&gt; fair &amp; stayed" in page
        assert "Text &lt;first&gt;" in page and "We&#x27;re &lt;trying&gt;" in page
    else:
        for shown in (page, family.text):
            assert "Only the pastoral team and senior leaders may read why it is here." in shown
            assert "fair &amp; stayed" not in shown and "Text &lt;first&gt;" not in shown
