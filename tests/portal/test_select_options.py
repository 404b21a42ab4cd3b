"""{{ field|select_options }} gives a select's options as Django's own subwidgets would."""

import pytest
from django import forms

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
