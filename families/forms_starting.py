"""The form for recording a child before they start (families.starting)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from families.models import ChildParent
from portal.lib.limits import IdChoiceField
from portal.lib.widgets import date_input
from portal.models import ClassGroup


class ChildBeforeStartForm(forms.Form):
    """A child who will start at the school: where they are now, when they start, which class."""

    first_name = forms.CharField(label="Child's first name", max_length=100)
    last_name = forms.CharField(label="Child's last name", max_length=100)
    date_of_birth = forms.DateField(label="Date of birth", widget=date_input())
    coming_from = forms.CharField(
        label="Where they are now",
        max_length=200,
        help_text="The nursery or school, by name, e.g. “Rowan Tree Nursery”.",
    )
    starts_on = forms.DateField(
        label="Expected start date",
        widget=date_input(),
        help_text="Until this day they count in no school roll figure.",
    )
    class_group = IdChoiceField(
        label="Expected class",
        queryset=ClassGroup.objects.none(),
        required=False,
        empty_label="Not decided yet",
        error_messages={"invalid_choice": "Choose a class of this school."},
    )
    family_name = forms.CharField(
        label="How staff will refer to the family",
        max_length=200,
        required=False,
        help_text="Leave empty for “<child's name>'s family”.",
    )
    parent_first_name = forms.CharField(
        label="Parent or carer's first name", max_length=100, required=False
    )
    parent_last_name = forms.CharField(
        label="Parent or carer's last name",
        max_length=100,
        required=False,
        help_text="Leave the parent's names empty if you do not know them yet.",
    )
    relationship = forms.ChoiceField(
        label="Who they are to the child",
        choices=ChildParent.Relationship.choices,
        initial=ChildParent.Relationship.MOTHER,
    )
    parent_phone = forms.CharField(label="Their phone", max_length=40, required=False)
    parent_email = forms.EmailField(label="Their e-mail", max_length=254, required=False)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_group"].queryset = ClassGroup.objects.filter(school=school)

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be in the future.")
        return born

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on <= timezone.localdate():
            raise forms.ValidationError(
                "Enter a date still to come: a child who has started is an ordinary pupil."
            )
        return starts_on

    def clean(self):
        cleaned = super().clean()
        for name in ("first_name", "last_name", "coming_from", "family_name"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        if cleaned.get("parent_first_name") and not cleaned.get("parent_last_name"):
            self.add_error("parent_last_name", "Enter the parent or carer's last name too.")
        return cleaned
