"""{{ form|drawn_fields }} (portal.templatetags.portal_forms) draws the family list's filter
panel exactly as the template it replaced did: every kind of field, with and without errors,
ticked and not, with hostile labels, choices and errors."""

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from families.filters import FamilyFilter
from families.models import SchoolFamily
from tests import factories
from tests.markup import plain

# The panel as families/includes/filter_fields.html drew it before drawn_fields.
TEMPLATE_FIELDS = """{% load portal_forms %}
{% for field in form %}{% with id=field.auto_id kind=field.widget_type errors=field.errors %}
{% if kind == "checkbox" %}
<div class="mb-3"><div id="div_{{ id }}" class="form-check">
  <input type="checkbox" name="{{ field.html_name }}" class="checkboxinput form-check-input{% if errors %} is-invalid{% endif %}" id="{{ id }}"{% if field.value %} checked{% endif %}{% if errors %} aria-invalid="true" aria-describedby="{{ id }}_error"{% endif %}>
  <label for="{{ id }}" class="form-check-label">{{ field.label }}</label>
  {% if errors %}<div id="{{ id }}_error" class="invalid-feedback d-block">{{ errors|join:" " }}</div>{% endif %}
</div></div>
{% elif kind == "select" %}
<div id="div_{{ id }}" class="mb-3">
  <label for="{{ id }}" class="form-label">{{ field.label }}</label>
  <select name="{{ field.html_name }}" class="select form-select{% if errors %} is-invalid{% endif %}" id="{{ id }}"{% if errors %} aria-invalid="true" aria-describedby="{{ id }}_error"{% endif %}>
    {{ field|option_tags }}
  </select>
  {% if errors %}<div id="{{ id }}_error" class="invalid-feedback d-block">{{ errors|join:" " }}</div>{% endif %}
</div>
{% else %}
<div id="div_{{ id }}" class="mb-3">
  <label for="{{ id }}" class="form-label">{{ field.label }}</label>
  <input type="{{ field.field.widget.input_type }}" name="{{ field.html_name }}" value="{{ field.value|default_if_none:"" }}"{% for name, value in field.field.widget.attrs.items %} {{ name }}="{{ value }}"{% endfor %} class="{{ field.field.widget.input_type }}input form-control{% if errors %} is-invalid{% endif %}" id="{{ id }}"{% if errors %} aria-invalid="true" aria-describedby="{{ id }}_error"{% endif %}>
  {% if errors %}<div id="{{ id }}_error" class="invalid-feedback d-block">{{ errors|join:" " }}</div>{% endif %}
</div>
{% endif %}
{% endwith %}{% endfor %}
"""  # noqa: E501


def _both(form) -> tuple[str, str]:
    looped = Template(TEMPLATE_FIELDS).render(Context({"form": form}))
    drawn = Template("{% load portal_forms %}{{ form|drawn_fields }}").render(
        Context({"form": form})
    )
    return plain(looped), plain(drawn)


def _panel(cast, data):
    return FamilyFilter(
        data, queryset=SchoolFamily.objects.none(), school=cast.school, user=cast.teacher
    ).form


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"sort": "quiet", "quiet_weeks": "6", "due_contact": "on", "mine": "on"},
        {"last_tone": "none", "no_positive_weeks": "104", "interpreter": "on"},
        # Refused: errors next to their fields, what was typed shown back.
        {"quiet_weeks": "0", "no_positive_weeks": "lots", "class_group": "99999"},
        {"year_group": "<script>", "key_contact": "x", "sort": "<b>"},
    ],
)
def test_the_family_list_filters_are_drawn_as_the_template_drew_them(cast, data):
    factories.ClassGroupFactory(school=cast.school, name='Class <1> & "Oaks"')
    form = _panel(cast, data)
    if data:
        form.is_valid()
    looped, drawn = _both(form)
    assert drawn == looped
    assert drawn.count("<label") == len(form.fields) == 14


def test_an_error_is_drawn_next_to_its_field_and_linked_to_it(cast):
    form = _panel(cast, {"quiet_weeks": "0"})
    assert not form.is_valid()
    drawn = plain(
        Template("{% load portal_forms %}{{ form|drawn_fields }}").render(Context({"form": form}))
    )
    assert (
        '<input type="number" name="quiet_weeks" value="0" min="1" max="104" step="any" '
        'class="numberinput form-control is-invalid" id="id_quiet_weeks" aria-invalid="true" '
        'aria-describedby="id_quiet_weeks_error">'
    ) in drawn
    assert '<div id="id_quiet_weeks_error" class="invalid-feedback d-block">' in drawn


class Awkward(forms.Form):
    pick = forms.ChoiceField(
        label='Pick <one> & "go"', choices=[("<a>", "A & B"), ("2", "Two")], required=False
    )
    tick = forms.BooleanField(label="Tick <me>", required=False)
    count = forms.IntegerField(label="How many", required=False, min_value=1)
    words = forms.CharField(label="Words", required=False, max_length=5)

    def clean(self):
        self.add_error("tick", 'Not <that> & "this"')
        self.add_error("tick", "And another")
        return self.cleaned_data


@pytest.mark.parametrize(
    "form",
    [
        Awkward(),
        Awkward(initial={"pick": "<a>", "tick": True, "count": 12345, "words": "<x>"}),
        Awkward({"pick": "<a>", "tick": "on", "count": "<7>", "words": 'a"b<c>toolong'}),
        Awkward({"count": "3"}, prefix="p<"),
    ],
)
def test_hostile_labels_values_and_errors_are_escaped_as_the_template_did(db, form):
    form.is_valid()
    looped, drawn = _both(form)
    assert drawn == looped
    assert "<one>" not in drawn and "<me>" not in drawn and "<that>" not in drawn


def test_the_family_list_shows_the_panel(cast, login):
    client = login(cast.teacher)
    page = client.get(reverse("families:family-list"), {"quiet_weeks": "0"}).content.decode()
    assert '<label for="id_quiet_weeks" class="form-label">' in page
    assert 'id="id_quiet_weeks_error"' in page
    assert '<option value="quiet">Longest without contact</option>' in page
