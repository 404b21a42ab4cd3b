"""The parent's answers on their summary page: ticking off a step, and "this is not what I
understood" in their own words."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from family_voice.summary import DISPUTE_MAX


class DisputeForm(forms.Form):
    words = forms.CharField(
        label=_("What did you understand?"),
        help_text=_("Tell us in your own words. You can write in your own language."),
        max_length=DISPUTE_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": DISPUTE_MAX}),
        error_messages={
            "required": _("Please write what you understood."),
            "max_length": _("Please keep it shorter. You can write up to 2000 letters."),
        },
    )


class StepDoneForm(forms.Form):
    """Which step the parent says they have done (the service checks it is theirs)."""

    done = forms.IntegerField(min_value=1, max_value=2**53)
