from django import forms
from django.contrib.auth.forms import AuthenticationForm

from portal.lib.limits import BoundedModelForm


class LoginForm(AuthenticationForm):
    """Django's login form, with the same plain message for any failed attempt."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That username and password did not match an account. Check them and try again; "
            "your school's portal administrator can reset a forgotten password."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class WithdrawForm(forms.Form):
    """The confirmation asked before a record is withdrawn: why (it is kept with the record)."""

    reason = forms.CharField(
        label="Why is this being withdrawn?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: “Logged against the wrong family” or “Entered twice”. "
        "The record stays in its history with your name, the time and this reason.",
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why this record is being withdrawn.")
        return reason


class _AmendmentForm(BoundedModelForm):
    def clean(self):
        data = super().clean()
        if data.get("disputed") and not (data.get("parent_view") or "").strip():
            self.add_error("parent_view", "Write what the parent or carer says, in their words.")
        return data


def amendment_form(model) -> type[forms.ModelForm]:
    """The form for an amendment model (a portal.lib.records.Amendment) of one record type."""
    return forms.modelform_factory(
        model,
        form=_AmendmentForm,
        fields=["text", "reason", "disputed", "parent_view"],
        widgets={
            "text": forms.Textarea(attrs={"rows": 4}),
            "parent_view": forms.Textarea(attrs={"rows": 3}),
        },
    )
