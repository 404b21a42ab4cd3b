from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator

from portal import lockout
from portal.lib.limits import BoundedModelForm
from portal.models import EmailRequest
from portal.security import client_ip


class LoginForm(AuthenticationForm):
    """Django's login form, with the same plain message for any failed attempt, and the
    username-wide slow-down of portal.lockout: while it asks this address to wait, the password
    is not checked at all."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That username and password did not match an account. Check them and try again; "
            "your school's portal administrator can reset a forgotten password."
        ),
        "slowed": (
            "There have been many unsuccessful attempts to sign in with this username, so "
            "signing in with it is slowed down. Please wait %(wait)s, then enter "
            "your password again."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        # Django sets the field's max_length after building it, so nothing checks it: a longer
        # username (no account has one) would overflow the sign-in tables' columns.
        limit = self.fields["username"].max_length
        self.fields["username"].validators.append(
            MaxLengthValidator(limit, message=f"A username has at most {limit} characters.")
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self):
        username = self.cleaned_data.get("username")
        if self.request is None or not username or not self.cleaned_data.get("password"):
            return super().clean()
        if lockout.pair_locked(self.request, username):
            return super().clean()  # django-axes refuses it and shows the locked-out page
        address = client_ip(self.request)
        seconds = lockout.slowdown_wait(username=username, address=address)
        if seconds:
            raise forms.ValidationError(
                self.error_messages["slowed"],
                code="slowed",
                params={"wait": f"{seconds} second{'' if seconds == 1 else 's'}"},
            )
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                lockout.slowdown_failure_record(username=username, address=address)
            raise


class LimitedPasswordResetForm(PasswordResetForm):
    """Django's password reset, sending nothing past the hourly limits of portal.lockout. The
    page that follows is the same whether an e-mail went, and whether the account exists."""

    def save(self, *args, request=None, **kwargs):
        allowed = lockout.email_request_allow(
            kind=EmailRequest.Kind.PASSWORD_RESET,
            account=self.cleaned_data["email"],
            address=client_ip(request) if request is not None else None,
        )
        if allowed:
            super().save(*args, request=request, **kwargs)


class UnlockRequestForm(forms.Form):
    """Ask for an unlock link by e-mail."""

    username = forms.CharField(
        label="Your username",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            raise forms.ValidationError("Enter the username you sign in with.")
        return username


class UnlockByCodeForm(UnlockRequestForm):
    """Open signing in again with a code from the authenticator app."""

    code = forms.CharField(
        label="Six-digit code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the six digits your app shows, e.g. 123 456.")
        return code


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
