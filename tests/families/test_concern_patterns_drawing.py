"""The family page's "Where concerns arose", drawn in Python (families.patterns.drawn), against
the template whose loops it replaced: the same markup, whitespace aside, for every shape of
counts, with names that need escaping."""

import pytest
from django.template import Context, Template

from families.patterns import Clusters, drawn
from tests.markup import plain

# templates/families/includes/concern_patterns.html as it was before the drawing.
TEMPLATE = """<section id="concern-patterns" class="mb-4" aria-labelledby="concern-patterns-heading">
  <h2 class="h5" id="concern-patterns-heading">Where concerns arose</h2>
  {% with c=section.clusters %}
  <p class="small text-body-secondary">{{ c.total }} contact{{ c.total|pluralize }} logged as a concern that you can see, counted by subject, by time of day and by who logged {{ c.total|pluralize:"it,them" }}. A concern that keeps arising in one lesson is worth talking through with that teacher and with the family.</p>
  <div class="row g-3">
    <div class="col-md-4">
      <table class="table table-sm" data-testid="concerns-by-subject">
        <caption class="caption-top">Concerns by subject</caption>
        <thead><tr><th scope="col">Subject or department</th><th scope="col" class="text-end">Concerns</th></tr></thead>
        <tbody>
        {% for name, n in c.by_subject %}<tr><td>{{ name }}</td><td class="text-end">{{ n }}</td></tr>
        {% empty %}<tr><td colspan="2">No subject recorded yet.</td></tr>{% endfor %}
        </tbody>
      </table>
      {% if c.by_subject and c.unrecorded_subject %}<p class="small text-body-secondary">And {{ c.unrecorded_subject }} with no subject recorded.</p>{% endif %}
    </div>
    <div class="col-md-4">
      <table class="table table-sm" data-testid="concerns-by-lesson">
        <caption class="caption-top">Concerns by time of day</caption>
        <thead><tr><th scope="col">Lesson or time</th><th scope="col" class="text-end">Concerns</th></tr></thead>
        <tbody>
        {% for name, n in c.by_lesson %}<tr><td>{{ name }}</td><td class="text-end">{{ n }}</td></tr>
        {% empty %}<tr><td colspan="2">No time of day recorded yet.</td></tr>{% endfor %}
        </tbody>
      </table>
      {% if c.by_lesson and c.unrecorded_lesson %}<p class="small text-body-secondary">And {{ c.unrecorded_lesson }} with no time recorded.</p>{% endif %}
    </div>
    <div class="col-md-4">
      <table class="table table-sm" data-testid="concerns-by-staff">
        <caption class="caption-top">Concerns by member of staff</caption>
        <thead><tr><th scope="col">Logged by</th><th scope="col" class="text-end">Concerns</th></tr></thead>
        <tbody>
        {% for name, n in c.by_staff %}<tr><td>{{ name }}</td><td class="text-end">{{ n }}</td></tr>{% endfor %}
        </tbody>
      </table>
    </div>
  </div>
  {% endwith %}
</section>
"""  # noqa: E501

HOSTILE = '<b>O\'Neil & "Sons"</b>'

CASES = [
    Clusters(total=1, by_staff=[("Morgan Teacher", 1)], unrecorded_subject=1, unrecorded_lesson=1),
    Clusters(
        total=5,
        by_subject=[("History", 3), (HOSTILE, 1)],
        by_lesson=[("Period 3", 3), ("Lunchtime", 1)],
        by_staff=[(HOSTILE, 4), ("sam.only", 1)],
        unrecorded_subject=1,
        unrecorded_lesson=1,
    ),
    Clusters(
        total=1234,
        by_subject=[("Mathematics", 1234)],
        by_lesson=[("Period 1", 1234)],
        by_staff=[("Morgan Teacher", 1234)],
    ),
]


def _lines(html) -> list[str]:
    return plain(html).replace("><", ">\n<").splitlines()


@pytest.mark.parametrize("clusters", CASES, ids=["one", "hostile", "many"])
def test_the_section_is_drawn_as_the_template_drew_it(clusters):
    templated = Template(TEMPLATE).render(Context({"section": {"clusters": clusters}}))
    assert _lines(drawn(clusters)) == _lines(templated)
    if clusters.by_staff[0][0] == HOSTILE:
        assert HOSTILE not in str(drawn(clusters))
        assert "&lt;b&gt;O&#x27;Neil &amp; &quot;Sons&quot;&lt;/b&gt;" in str(drawn(clusters))
