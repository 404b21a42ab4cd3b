"""{{ field|select_options }} gives a select's options as Django's own subwidgets would."""

import pytest
from django import forms
from django.template import Context, Template
from django.utils.safestring import mark_safe

from portal.templatetags.portal_forms import select_options

CHOICES = [("", "Any"), (1, "One"), (2, "Two"), ("Group", [(3, "Three"), (4, "Four")]), (None, "—")]


class PickerForm(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)


def _as_django_draws(bound_field):
    return [(str(w.data["value"]), w.data["label"], w.data["selected"]) for w in bound_field]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"one": "2"},
        {"one": "3", "many": ["1", "4"]},
        {"one": "9"},
        {"one": ""},
        {"one": "None"},
    ],
)
def test_the_options_are_what_subwidgets_give(data):
    for bound in (PickerForm(data or None), PickerForm(initial={"one": 1, "many": [2, 3]})):
        for name in ("one", "many"):
            field = bound[name]
            assert select_options(field) == _as_django_draws(field), (data, name)


def test_a_single_choice_marks_one_option_only():
    form = PickerForm(initial={"one": 1})
    form.fields["one"].widget.choices = [(1, "One"), (1, "One again")]
    assert [selected for _, _, selected in select_options(form["one"])] == [True, False]


def test_the_option_tags_are_what_the_template_would_draw():
    form = PickerForm(initial={"one": 2, "many": [3]})
    form.fields["one"].widget.choices = [
        *CHOICES,
        ("<x>", 'Tom & "Jerry" O\'Neil'),
        (5, mark_safe("<b>Kept</b> &amp; safe")),
    ]
    template = Template(
        "{% load portal_forms %}{% for value, label, selected in field|select_options %}"
        '<option value="{{ value }}"{% if selected %} selected{% endif %}>{{ label }}</option>'
        "{% endfor %}|{{ field|option_tags }}"
    )
    for name in ("one", "many"):
        looped, drawn = template.render(Context({"field": form[name]})).split("|")
        assert drawn == looped
        assert drawn.count(" selected") == 1
    drawn = drawn_of(form["one"])
    assert '<option value="&lt;x&gt;">Tom &amp; &quot;Jerry&quot; O&#x27;Neil</option>' in drawn
    assert '<option value="5"><b>Kept</b> &amp; safe</option>' in drawn


def drawn_of(field):
    return Template("{% load portal_forms %}{{ field|option_tags }}").render(
        Context({"field": field})
    )
