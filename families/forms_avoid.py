"""A stretch of days a parent or carer asked the school to avoid, entered by staff."""

from __future__ import annotations

from families.models import DateToAvoid
from portal.lib.limits import BoundedModelForm
from portal.lib.widgets import date_input


class DateToAvoidForm(BoundedModelForm):
    class Meta:
        model = DateToAvoid
        fields = ["starts_on", "ends_on", "words"]
        widgets = {"starts_on": date_input(), "ends_on": date_input()}
        help_texts = {
            "ends_on": "For one day, the same as the first.",
            "words": "e.g. “Visiting family in Lahore”, or leave it empty: they need not say.",
        }

    def clean_words(self):
        return self.cleaned_data["words"].strip()
