from django import forms

from portal.lib.limits import BoundedModelForm
from privacy.models import LegalHold, RetentionPolicy


class RetentionPolicyForm(BoundedModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["routine_years", "protection_years", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class LegalHoldForm(BoundedModelForm):
    class Meta:
        model = LegalHold
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the records must be kept.")
        return reason


class LiftHoldForm(forms.Form):
    lift_reason = forms.CharField(
        label="Why the hold can be lifted",
        max_length=300,
        help_text="e.g. “The claim was settled; letter from the legal team, 2 May 2027”.",
    )
