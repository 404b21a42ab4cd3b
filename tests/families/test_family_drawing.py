"""The family page's "Who is who" and "How to reach each parent or carer", drawn in Python
(families.family_drawing), and the key contact's picker ({{ field|drawn_select }}), say exactly
what the templates they replaced said: for every part a child, a link and a parent may have
(starting soon, no date of birth, looked after, a restriction with its source, an organisation,
each preference, days and festivals to avoid, quiet hours, details held back), with text that
needs escaping, to each role."""

import datetime

import pytest
import time_machine
from django import forms
from django.template import Context, Template
from django.urls import reverse

from families.models import ChildParent, ParentCarer
from tests import factories
from tests.families.conftest import make_family
from tests.markup import plain

# The sections as families/family_detail.html drew them before families.family_drawing, with
# the small templates they included put in their place.
TEMPLATE_WHO_IS_WHO = """{% load festivals %}
  {% for child in children %}
    <div class="card mb-2"><div class="card-body">
      <h3 class="h6">{{ child.full_name }} <span class="text-body-secondary">{{ child.class_group.name|default:child.year_group }}</span>
        {% if child.is_starting %}<span class="badge text-bg-light border">{{ child.starting_label|capfirst }}{% if child.coming_from %}, now at {{ child.coming_from }}{% endif %}</span>{% endif %}
        {% if not child.date_of_birth %}<span class="badge text-bg-warning">Date of birth to complete</span>{% endif %}
        {% if child.looked_after %}<span class="badge text-bg-info">Looked after</span>{% endif %}
        {% if child.additional_support_needs %}<span class="badge text-bg-light border">Additional support needs</span>{% endif %}
        {% if child.young_carer %}<span class="badge text-bg-light border">Young carer</span>{% endif %}
      </h3>
      <table class="table table-sm mb-0 table-stack">
        <caption class="visually-hidden">Parents and carers of {{ child.first_name }}</caption>
        <thead><tr><th scope="col">Parent or carer</th><th scope="col">Relationship</th><th scope="col">Parental responsibility</th><th scope="col">Lives with {{ child.first_name }}</th><th scope="col">Restriction</th></tr></thead>
        <tbody>
        {% for link in child.parent_links.all %}
          <tr{% if link.is_restricted %} class="table-warning"{% endif %}>
            <th scope="row">{{ link.parent.full_name }}{% if link.parent.household and link.household_shown %} <span class="text-body-secondary">({{ link.parent.household }})</span>{% endif %}{% if link.parent.organisation %} <span class="text-body-secondary">— {{ link.parent.organisation }}</span>{% endif %}{% if child.pk in upkeep.child_ids %} <a class="small d-print-none link-body-emphasis" href="{% url 'families:link-edit' family.pk link.pk %}">Change<span class="visually-hidden"> who {{ link.parent.full_name }} is to {{ child.first_name }}</span></a>{% endif %}</th>
            <td data-label="Relationship">{{ link.get_relationship_display }}</td>
            <td data-label="Parental responsibility">{{ link.parental_responsibility|yesno:"Yes,No" }}</td>
            <td data-label="Lives with {{ child.first_name }}">{{ link.lives_with_child|yesno:"Yes,No" }}</td>
            <td{% if not link.is_restricted %} data-label="Restriction"{% endif %}>{% if link.is_restricted %}<strong>Restriction recorded:</strong> {{ link.restriction }}{% if link.restriction_source_label %} <span class="small text-body-secondary" data-testid="restriction-source">({{ link.restriction_source_label }}{% if link.restriction_dated %}, {{ link.restriction_dated|date:"j F Y" }}{% endif %})</span>{% endif %}{% else %}None — keep informed{% endif %}</td>
          </tr>
        {% empty %}
          <tr><td colspan="5">No parent or carer linked yet.</td></tr>
        {% endfor %}
        </tbody>
      </table>
      <p class="small mt-2 mb-0 d-print-none">About {{ child.first_name }}, with {{ child.first_name }}'s own parents and carers ticked: <a href="{% url 'families:contact-add' family.pk %}?child={{ child.pk }}">Log contact<span class="visually-hidden"> about {{ child.first_name }}</span></a> · <a href="{% url 'meetings:meeting-add' family.pk %}?child={{ child.pk }}">Plan a meeting<span class="visually-hidden"> about {{ child.first_name }}</span></a> · <a href="{% url 'compass:placement-add' family.pk %}?child={{ child.pk }}">Place on compass<span class="visually-hidden"> for {{ child.first_name }}'s parents and carers</span></a></p>
    </div></div>
  {% empty %}
    <p>No current pupils of this school in this family.</p>
  {% endfor %}
  {% if upkeep.child_ids %}
<p class="d-flex flex-wrap gap-2 d-print-none" data-testid="upkeep-actions">
  <a class="btn btn-sm btn-outline-primary" href="{% url 'families:parent-add' family.pk %}">Add a parent or carer</a>
  <a class="btn btn-sm btn-outline-primary" href="{% url 'families:child-add' family.pk %}">Add a brother or sister</a>
</p>
{% endif %}
  {% if elsewhere_count %}<p class="small text-body-secondary">{{ elsewhere_count }} brother{{ elsewhere_count|pluralize }} or sister{{ elsewhere_count|pluralize }} at other schools of the authority.</p>{% endif %}
"""  # noqa: E501

TEMPLATE_WAYS_TO_REACH = """{% load festivals %}
  {% for parent in parents %}
    <div class="col-md-6"><div class="card h-100"><div class="card-body">
      <h3 class="h6">{{ parent.full_name }}</h3>
      <ul class="list-unstyled d-flex flex-wrap gap-1 mb-2 preference-badges">
        <li class="badge text-bg-light border">Prefers: {{ parent.get_preferred_channel_display }}</li>
        {% if parent.language and parent.language != "English" %}<li class="badge text-bg-light border">Language: {{ parent.language }}</li>{% endif %}
        {% if parent.interpreter_needed %}<li class="badge text-bg-warning">Interpreter needed</li>{% endif %}
        <li class="badge text-bg-light border">{{ parent.get_reading_display }}</li>
      </ul>
      <dl class="small mb-0 preference-list">
        {% if parent.good_times %}<dt>Good times</dt><dd>{{ parent.good_times }}</dd>{% endif %}
        {% if parent.good_places %}<dt>Good places</dt><dd>{{ parent.good_places }}</dd>{% endif %}
        {% if parent.work_pattern %}<dt>Work pattern</dt><dd>{{ parent.work_pattern }}</dd>{% endif %}
        {% if parent.transport_needs %}<dt>Transport</dt><dd>{{ parent.transport_needs }}</dd>{% endif %}
        {% if parent.mobility_needs %}<dt>Mobility</dt><dd>{{ parent.mobility_needs }}</dd>{% endif %}
        {% if parent.dates_to_avoid %}<dt>Dates to avoid</dt><dd>{{ parent.dates_to_avoid }}</dd>{% endif %}
        {% if parent.avoid_festivals %}<dt>Festivals to avoid</dt><dd data-testid="festivals-avoided">{{ parent.avoid_festivals|festival_names }}</dd>{% endif %}
        {% with ranges=parent.dates_avoided.all %}{% if ranges %}<dt>Days to avoid</dt><dd data-testid="dates-avoided"><ul class="list-unstyled mb-0">{% for row in ranges %}<li>{{ row.starts_on|date:"j M Y" }}{% if row.ends_on != row.starts_on %} to {{ row.ends_on|date:"j M Y" }}{% endif %}{% if row.words %}: {{ row.words }}{% endif %}</li>{% endfor %}</ul></dd>{% endif %}{% endwith %}
        {% if parent.no_contact_before or parent.no_contact_after %}<dt>Messages</dt><dd>{% if parent.no_contact_before %}not before {{ parent.no_contact_before|time:"H:i" }}{% endif %}{% if parent.no_contact_before and parent.no_contact_after %}, {% endif %}{% if parent.no_contact_after %}not after {{ parent.no_contact_after|time:"H:i" }}{% endif %}</dd>{% endif %}
        {% if parent.details_shown %}
        {% if parent.phone %}<dt>Phone</dt><dd>{{ parent.phone }}</dd>{% endif %}
        {% if parent.email %}<dt>Email</dt><dd>{{ parent.email }}</dd>{% endif %}
        {% if parent.postal_address %}<dt>Address</dt><dd>{{ parent.postal_address|linebreaksbr }}</dd>{% endif %}
        {% else %}
        <dt>Phone and e-mail</dt><dd data-testid="details-held">Held by the pastoral team and the family's key contact, because a restriction is recorded. Ask them if you need to get in touch.</dd>
        {% endif %}
      </dl>
      {% if can_edit_strengths %}<a class="btn btn-sm btn-outline-primary mt-2 d-print-none" href="{% url 'families:parent-preferences' family.pk parent.pk %}">Edit how to reach {{ parent.full_name }}</a> <a class="btn btn-sm btn-outline-secondary mt-2 d-print-none" href="{% url 'families:dates-avoid' family.pk parent.pk %}">Dates to avoid<span class="visually-hidden"> for {{ parent.full_name }}</span></a>{% endif %}
      {% if upkeep.can_record_restriction %}
<p class="d-flex flex-wrap gap-2 mt-2 mb-0 d-print-none">
  <a class="btn btn-sm btn-outline-secondary" href="{% url 'families:restriction-add' family.pk parent.pk %}">Record a restriction<span class="visually-hidden"> on {{ parent.full_name }}</span></a>
  {% if parent.is_restricted %}<a class="btn btn-sm btn-outline-secondary" href="{% url 'families:restriction-lift' family.pk parent.pk %}">Lift the restriction<span class="visually-hidden"> on {{ parent.full_name }}</span></a>{% endif %}
</p>
{% endif %}
    </div></div></div>
  {% empty %}
    <p>No parents or carers recorded yet.</p>
  {% endfor %}
"""  # noqa: E501

# A choice field as includes/select_field.html drew it before drawn_select.
TEMPLATE_SELECT = """{% load portal_forms %}
<div id="div_{{ field.auto_id }}" class="mb-3">
  <label for="{{ field.auto_id }}" class="form-label{% if field.field.required %} requiredField{% endif %}">{{ field.label }}{% if field.field.required %}<span class="asteriskField">*</span>{% endif %}</label>
  <select name="{{ field.html_name }}" class="select form-select{% if field.errors %} is-invalid{% endif %}" id="{{ field.auto_id }}"{% if field.field.required %} required{% endif %}{% if field.errors or field.help_text %} aria-describedby="{% if field.errors %}{{ field.auto_id }}_error{% endif %}{% if field.errors and field.help_text %} {% endif %}{% if field.help_text %}{{ field.auto_id }}_helptext{% endif %}"{% endif %}{% if field.errors %} aria-invalid="true"{% endif %}>
    {{ field|option_tags }}
  </select>
  {% if field.errors %}<div id="{{ field.auto_id }}_error" class="invalid-feedback d-block">{{ field.errors|join:" " }}</div>{% endif %}
  {% if field.help_text %}<div id="{{ field.auto_id }}_helptext" class="form-text">{{ field.help_text }}</div>{% endif %}
</div>"""  # noqa: E501

HOSTILE = 'O\'Neil <b>"&"</b>'
UTC = datetime.UTC


@pytest.fixture
def busy(cast):
    """A family with every part the two sections may show."""
    fam = make_family(cast, name=f"Family {HOSTILE}", teacher=cast.teacher, restricted_dad=True)
    factories.RestrictionFactory(link=fam.dad.child_links.get(), words="Court <order>")
    ParentCarer.objects.filter(pk=fam.mum.pk).update(
        last_name=HOSTILE,
        language="Polish <pl>",
        interpreter_needed=True,
        reading="some_help",
        preferred_channel="text",
        good_times="After 3 & before 5",
        good_places="The <café>",
        work_pattern="Shifts",
        transport_needs="No car",
        mobility_needs="Stairs are hard",
        dates_to_avoid="Ramadan",
        avoid_festivals=["diwali", "not-a-festival"],
        no_contact_before=datetime.time(8, 5),
        no_contact_after=datetime.time(20, 0),
        phone="07700 900123",
        email="m@example.org",
        postal_address="1 High St\n<Town>",
        organisation="Kinship <care>",
    )
    factories.DateToAvoidFactory(
        parent=fam.mum,
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 7, 1),
        words="",
    )
    factories.DateToAvoidFactory(
        parent=fam.mum,
        starts_on=datetime.date(2026, 7, 10),
        ends_on=datetime.date(2026, 7, 12),
        words="Family <visit>",
    )
    ParentCarer.objects.filter(pk=fam.dad.pk).update(no_contact_after=datetime.time(18, 30))
    starting = factories.ChildFactory(
        school=cast.school,
        family=fam.family,
        class_group=None,
        first_name="Ailsa <i>",
        year_group="P1 & P2",
        date_of_birth=None,
        starts_on=datetime.date(2026, 8, 18),
        coming_from="Nursery <n>",
        looked_after=True,
        additional_support_needs=True,
        young_carer=True,
    )
    factories.ChildParentFactory(
        child=starting, parent=fam.mum, relationship=ChildParent.Relationship.MOTHER
    )
    factories.ChildFactory(school=cast.school, family=fam.family, first_name="Zed")  # no one
    factories.ChildFactory(family=fam.family, first_name="Elsewhere")  # another school
    return fam


def _sections(client, fam):
    url = reverse("families:family-detail", args=[fam.family.pk])
    with time_machine.travel(datetime.datetime(2026, 6, 12, 9, tzinfo=UTC), tick=False):
        response = client.get(url)
        context = Context(next(c for c in response.context if "who_is_who" in c).flatten())
        pairs = [
            (response.context["who_is_who"], Template(TEMPLATE_WHO_IS_WHO).render(context)),
            (response.context["ways_to_reach"], Template(TEMPLATE_WAYS_TO_REACH).render(context)),
        ]
    return response, pairs


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_the_family_s_people_are_drawn_as_the_template_drew_them(cast, busy, login, role):
    response, pairs = _sections(login(getattr(cast, role)), busy)
    for drawn, templated in pairs:
        assert plain(drawn) == plain(templated)
        assert str(drawn) in response.text
    page = response.text
    assert "O&#x27;Neil &lt;b&gt;&quot;&amp;&quot;&lt;/b&gt;" in page
    assert "Starting on 18 Aug 2026, now at Nursery &lt;n&gt;" in page
    assert "Date of birth to complete" in page and "P1 &amp; P2" in page
    assert "No parent or carer linked yet." in page
    assert "1 brother or sister at other schools of the authority." in page
    assert "not before 08:05, not after 20:00" in page
    assert "1 Jul 2026</li>" in page and "10 Jul 2026 to 12 Jul 2026: Family &lt;visit&gt;" in page
    assert "Diwali" in page and "not-a-festival" not in page
    assert "(Court order, 2 March 2026)" in page
    if role == "teacher":
        assert 'data-testid="details-held"' in page
        assert "Record a restriction" not in page
    else:
        assert "1 High St<br>&lt;Town&gt;" in page
        assert "Record a restriction" in page and "Lift the restriction" in page


def test_a_family_with_no_one_yet_is_drawn_as_the_template_drew_it(cast, login):
    school_family = factories.SchoolFamilyFactory(school=cast.school)
    fam = type("Bare", (), {"family": school_family.family})
    response, pairs = _sections(login(cast.pastoral), fam)
    for drawn, templated in pairs:
        assert plain(drawn) == plain(templated)
    assert "No current pupils of this school in this family." in response.text
    assert "No parents or carers recorded yet." in response.text


class _Picker(forms.Form):
    person = forms.ChoiceField(
        label="Who <leads>",
        choices=[("", "---------"), ("1", "Ann & <Bo>"), ("2", 'Cy "C"')],
        help_text="The one <person> the family knows",
    )
    maybe = forms.ChoiceField(label="Maybe", required=False, choices=[("a", "A"), ("b", "B")])


@pytest.mark.parametrize(
    "data", [None, {"person": "2", "maybe": "b"}, {"person": "9", "maybe": "z"}, {}]
)
def test_a_choice_field_is_drawn_as_the_template_drew_it(data):
    form = _Picker(data)
    if data is not None:
        form.is_valid()
    for field in form:
        templated = Template(TEMPLATE_SELECT).render(Context({"field": field}))
        drawn = Template("{% load portal_forms %}{{ field|drawn_select }}").render(
            Context({"field": field})
        )
        assert plain(drawn) == plain(templated)
    drawn = Template("{% load portal_forms %}{{ field|drawn_select }}").render(
        Context({"field": form["person"]})
    )
    assert "Who &lt;leads&gt;" in drawn and "Ann &amp; &lt;Bo&gt;" in drawn
    if data and data["person"] == "9":
        assert 'aria-invalid="true"' in drawn and "Select a valid choice" in drawn
