"""The family list's rows, drawn in Python (families.list_rows), say exactly what the template
they replaced said, for awkward rows too: names that need escaping, a child starting later,
a looked-after child, a child with no class, a family with no pupils left, no contact yet."""

import datetime

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from families.list_rows import draw_rows
from families.models import SchoolFamily
from families.services import contact_log
from tests import factories
from tests.families.conftest import make_family
from tests.markup import plain

URL = reverse("families:family-list")

# The rows as families/family_list.html drew them before families.list_rows.
TEMPLATE_ROWS = """{% load l10n %}{% localize off %}
{% for row in page.object_list %}
  <tr>
    <th scope="row">
      <a href="{% url 'families:family-detail' row.family_id %}">{{ row.family.label }}</a>
      {% if row.is_mine %}<span class="badge text-bg-light border">Your pupil</span>{% endif %}
    </th>
    <td data-label="Children here">{% for child in row.family.pupils %}{{ child.first_name }} {{ child.last_name }} <span class="text-body-secondary">({{ child.class_group.name|default:child.year_group }})</span>{% if child.is_starting %} <span class="badge text-bg-light border">{{ child.starting_label|capfirst }}</span>{% endif %}{% if child.looked_after %} <span class="badge text-bg-light border">Looked after</span>{% endif %}{% if not forloop.last %}<br>{% endif %}{% empty %}—{% endfor %}</td>
    <td data-label="Key contact">{{ row.key_contact_name|default:"Not named yet" }}</td>
    <td data-label="Last contact">{% if row.seen_last_at %}{{ row.seen_last_at|date:"j M Y" }} <span class="tone-{{ row.seen_last_tone }}">({{ row.seen_last_tone }})</span>{% else %}No contact yet{% endif %}</td>
    <td data-label="Positive : neutral : concern">{{ row.seen_positive }} : {{ row.seen_neutral }} : {{ row.seen_concern }}</td>
    <td><a class="btn btn-sm btn-outline-primary" href="{% url 'families:contact-add' row.family_id %}">Log contact<span class="visually-hidden"> with {{ row.family.name }}</span></a></td>
  </tr>
{% endfor %}
{% endlocalize %}"""  # noqa: E501


@pytest.fixture
def awkward(cast):
    cast.school.staff_see_all_families = True
    cast.school.save()
    mine = make_family(cast, name='Family "O\'Brien" <b>&</b>', teacher=cast.teacher)
    mine.child.first_name, mine.child.last_name = "<script>x</script>", "Ó Dónaill & Co"
    mine.child.looked_after = True
    mine.child.save()
    factories.ChildFactory(
        school=cast.school,
        family=mine.family,
        first_name="Later",
        class_group=None,
        year_group="P1",
        starts_on=datetime.date(2027, 8, 18),
    )
    quiet = make_family(cast, name="Family Birch")
    quiet.child.class_group = None
    quiet.child.year_group = "S2"
    quiet.child.save()
    left = make_family(cast, name="Family Cedar")
    left.child.left_on = datetime.date(2025, 6, 30)
    left.child.save()
    SchoolFamily.objects.filter(pk=mine.school_family.pk).update(key_contact=cast.pastoral)
    for hour, tone in ((22, "concern"), (23, "positive")):
        contact_log(
            school=cast.school,
            family=mine.family,
            parents=[mine.mum],
            staff=cast.pastoral,
            tone=tone,
            summary="Talked about the week.",
            occurred_at=datetime.datetime(2026, 6, 30, hour, 30, tzinfo=datetime.UTC),
        )
    return mine


@pytest.mark.parametrize("role", ["teacher", "pastoral"])
def test_the_drawn_rows_say_what_the_template_said(cast, awkward, login, role):
    with time_machine.travel(datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC), tick=False):
        response = login(getattr(cast, role)).get(URL)
        page = response.context["page"]
        drawn = draw_rows(page.object_list)
        templated = Template(TEMPLATE_ROWS).render(Context({"page": page}))
    assert len(page.object_list) == 3
    assert (
        plain(drawn).replace("><", ">\n<").splitlines()
        == plain(templated).replace("><", ">\n<").splitlines()
    )
    assert str(drawn) in response.text
    assert "&lt;script&gt;x&lt;/script&gt; Ó Dónaill &amp; Co" in drawn
    assert "Starting on 18 Aug 2027" in drawn and "Looked after" in drawn
    assert "(S2)" in drawn and "(P1)" in drawn and "No contact yet" in drawn
    # Half past eleven at night in UTC is the next day in summer at a school in the UK.
    assert '1 Jul 2026 <span class="tone-positive">(positive)</span>' in drawn
    assert ("Your pupil" in drawn) is (role == "teacher")


def test_no_rows_draw_nothing(cast, login):
    assert draw_rows([]) == ""
