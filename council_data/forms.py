"""The one form of the council's data page: naming a new API token."""

from __future__ import annotations

from django import forms

from council_data.models import CouncilToken


class TokenForm(forms.ModelForm):
    class Meta:
        model = CouncilToken
        fields = ["name"]
        labels = {"name": "What will use this token?"}
        error_messages = {"name": {"required": "Give the token a name, e.g. the reporting tool's."}}

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the token a name, e.g. the reporting tool's.")
        return name
