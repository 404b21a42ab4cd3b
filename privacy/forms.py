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


class ErasureConfirmForm(forms.Form):
    """The headteacher types the number of families listed, so the list is read before it goes;
    `listed` carries what the page showed, so a list that changed meanwhile is not erased."""

    families = forms.CharField(
        label="Type the number of families whose records will be erased",
        max_length=10,
        help_text="In figures, as counted in the list above. Erasure cannot be undone.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    listed = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.fields["listed"].initial = review.fingerprint

    def clean(self):
        cleaned = super().clean()
        if not self.review.routine_ids:
            raise forms.ValidationError("No family's records are past retention: nothing to erase.")
        if "listed" in cleaned and cleaned["listed"] != self.review.fingerprint:
            # Shown again with the list as it is now, so the next confirmation is about it.
            self.data = self.data.copy()
            self.data["listed"] = self.review.fingerprint
            raise forms.ValidationError(
                "The list changed since this page was opened (a family was put on hold or "
                "became due), so nothing has been erased. Check the list below again."
            )
        typed = cleaned.get("families")
        if typed is not None and typed.strip() != str(len(self.review.routine_ids)):
            self.add_error(
                "families",
                "That is not the number of families in the list above, so nothing has been "
                "erased. Count the families whose records will be erased and type the number "
                "in figures.",
            )
        return cleaned
