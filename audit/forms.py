"""The family audit page's filter: everyone, or one person."""

from __future__ import annotations

from django import forms


class AuditFilter(forms.Form):
    person = forms.TypedChoiceField(
        label="Person",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Only what this member of staff viewed or changed.",
    )

    def __init__(self, data=None, *, people: list[tuple[int, str]], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["person"].choices = [("", "Everyone"), *people]

    def chosen(self) -> int | None:
        """The person chosen, or None (everyone; a choice not on the list is explained)."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data["person"]
