"""Recording consent to share, and recording its withdrawal."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from consent.models import Category, Consent
from portal.lib.limits import BoundedModelForm, parse_id
from portal.lib.widgets import date_input


class ConsentForm(BoundedModelForm):
    """Who gave consent, when, to share what with whom, until when."""

    given_by = forms.ChoiceField(
        label="Who gave consent",
        widget=forms.RadioSelect,
        help_text="A parent or carer, or the young person themself.",
        error_messages={
            "required": "Choose who gave consent.",
            "invalid_choice": "Choose one of the people listed.",
        },
    )
    categories = forms.MultipleChoiceField(
        label="What may be shared",
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one kind of information that may be shared."},
    )

    class Meta:
        model = Consent
        fields = ["given_on", "how", "organisation", "team_or_role", "until", "details"]
        widgets = {
            "given_on": date_input(),
            "until": date_input(),
            "how": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 2}),
        }

    field_order = [
        "given_by",
        "given_on",
        "how",
        "categories",
        "organisation",
        "team_or_role",
        "until",
        "details",
    ]

    def __init__(self, *args, parents, children, **kwargs):
        super().__init__(*args, **kwargs)
        self._people = {f"parent-{p.pk}": p for p in parents} | {
            f"child-{c.pk}": c for c in children
        }
        self.fields["given_by"].choices = [
            *((f"parent-{p.pk}", f"{p.full_name} (parent or carer)") for p in parents),
            *((f"child-{c.pk}", f"{c.full_name} (the young person)") for c in children),
        ]
        self.fields["organisation"].error_messages["required"] = (
            "Name the agency or organisation it may be shared with."
        )

    def clean_given_by(self):
        raw = self.cleaned_data["given_by"]
        kind, _, pk = raw.partition("-")
        if parse_id(pk) is None or raw not in self._people:
            raise forms.ValidationError("Choose one of the people listed.")
        return self._people[raw]

    def clean_given_on(self):
        day = self.cleaned_data["given_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("Consent cannot be recorded as given in the future.")
        return day

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("given_on"), cleaned.get("until")
        if start and end and end < start:
            self.add_error("until", "The end date is before the day consent was given.")
        return cleaned

    def _post_clean(self):
        # consent.services.consent_record validates the whole record before saving.
        pass


class WithdrawForm(forms.Form):
    """When consent was withdrawn, by whom and why."""

    withdrawn_on = forms.DateField(
        label="Withdrawn on",
        widget=date_input(),
        initial=timezone.localdate,
        error_messages={"required": "Enter the day consent was withdrawn."},
    )
    withdrawn_by_name = forms.CharField(
        label="Who withdrew it",
        max_length=200,
        help_text="e.g. “Mum (Sarah Stewart), by phone”.",
        error_messages={"required": "Say who withdrew consent."},
    )
    reason = forms.CharField(
        label="Why",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="In a few words, in their words if possible, or “No reason given”.",
        error_messages={"required": "Say why, in a few words (or “No reason given”)."},
    )

    def __init__(self, *args, given_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.given_on = given_on

    def clean_withdrawn_on(self):
        day = self.cleaned_data["withdrawn_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Withdrawal cannot be recorded for a day still to come.")
        if day < self.given_on:
            raise forms.ValidationError(
                f"Consent was given on {self.given_on:%d/%m/%Y}: it cannot be withdrawn before."
            )
        return day

    def clean_withdrawn_by_name(self):
        name = " ".join(self.cleaned_data["withdrawn_by_name"].split())
        if not name:
            raise forms.ValidationError("Say who withdrew consent.")
        return name

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why, in a few words (or “No reason given”).")
        return reason
