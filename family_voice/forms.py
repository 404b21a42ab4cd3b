"""Making a parent's link (staff), and the second check (the parent)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from family_voice.models import ABOUT_A_MEETING, Purpose
from portal.lib.limits import IdChoiceField
from portal.lib.widgets import date_input


def parent_text(label, *, max_length: int, help_text="", rows: int = 0) -> forms.CharField:
    """A parent's own words, optional: a line, or a box of `rows`, with errors in plain words
    (the field sets the browser's maxlength itself)."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        widget=widget,
        error_messages={
            "max_length": _("Please keep this shorter (%(limit_value)d letters at most)."),
            "null_characters_not_allowed": _("Please take out the odd characters."),
        },
    )


class ParentChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class MeetingChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_kind_display()}, {obj.starts_at:%-d %b %Y}"


class LinkForm(forms.Form):
    """One parent or carer, one purpose (and the meeting, for a purpose about one)."""

    parent = ParentChoiceField(
        queryset=None,
        label="For whom",
        widget=forms.RadioSelect,
        help_text="Each parent or carer gets their own link; a link is never for a family.",
        error_messages={"required": "Choose the parent or carer this link is for."},
    )
    purpose = forms.ChoiceField(
        label="What it is for",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the link is for."},
    )
    meeting = MeetingChoiceField(
        queryset=None,
        label="Which meeting",
        required=False,
        help_text="For views before a meeting, or its summary.",
    )

    def __init__(self, *args, parents, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        cast(ParentChoiceField, self.fields["parent"]).queryset = parents
        cast(MeetingChoiceField, self.fields["meeting"]).queryset = meetings

    def clean(self):
        cleaned = super().clean()
        purpose = self.cleaned_data.get("purpose")
        if purpose in ABOUT_A_MEETING and not self.cleaned_data.get("meeting"):
            self.add_error("meeting", "Choose the meeting this link is about.")
        return cleaned


class BirthDateCheckForm(forms.Form):
    birth_date = forms.DateField(
        label=_("Your child's date of birth"),
        widget=date_input(),
        error_messages={
            "required": _("Enter the date of birth."),
            "invalid": _("Enter the date as day, month and year, for example 25/12/2015."),
        },
    )


class CodeCheckForm(forms.Form):
    code = forms.RegexField(
        label=_("The 6-digit code we sent you"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={
            "required": _("Enter the code."),
            "invalid": _("The code is 6 numbers."),
        },
    )
