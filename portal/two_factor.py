"""Two-factor sign-in with an authenticator app (TOTP codes, django-otp): set up and verify."""

import base64

import django_otp
import segno
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import access
from portal.http import SchoolRequest
from portal.lib.urls import local_next
from portal.middleware import school_optional


class CodeForm(forms.Form):
    """The six-digit code an authenticator app shows."""

    code = forms.CharField(
        label="Six-digit code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the six digits your app shows, e.g. 123 456.")
        return code


def _confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _check_code(device: TOTPDevice, form: CodeForm) -> bool:
    """Verifies the code once (a used code is refused: django-otp keeps the last time step)."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        form.add_error(
            "code",
            "Too many wrong codes in a row. Wait a minute, then enter the code your app shows now.",
        )
        return False
    if not device.verify_token(form.cleaned_data["code"]):
        form.add_error(
            "code",
            "That code did not work. Codes change every 30 seconds and each works once: "
            "enter the one your app shows now.",
        )
        return False
    return True


def _qr_svg(device: TOTPDevice) -> str:
    # The SVG is generated here from the device's own URL: no user input reaches it.
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, omitsize=True, light="#fff", title="QR code to scan"
    )
    return mark_safe(svg)  # nosec B308 B703


@require_http_methods(["GET", "POST"])
@school_optional
def otp_setup(request: SchoolRequest):
    """Set up two-factor sign-in: scan a QR code, then confirm with the first code."""
    user = request.user
    confirmed = _confirmed_device(user)
    if confirmed is not None:
        if not user.is_verified():
            # Replacing the app needs the current one: otherwise a stolen password would do.
            return redirect("otp-verify")
        return render(
            request,
            "portal/otp_setup.html",
            {"is_on": True, "required": access.needs_two_factor(user)},
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_code(device, form):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        django_otp.login(request, device)
        messages.success(
            request, "Two-factor sign-in is on. You will be asked for a code each time you sign in."
        )
        return redirect(local_next(request) or "home")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "portal/otp_setup.html",
        {
            "is_on": False,
            "required": access.needs_two_factor(user),
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "next": local_next(request) or "",
        },
    )


@require_http_methods(["GET", "POST"])
@school_optional
def otp_verify(request: SchoolRequest):
    """Confirm this sign-in with a code from the authenticator app."""
    device = _confirmed_device(request.user)
    if device is None:
        return redirect("otp-setup")
    if request.user.is_verified():
        return redirect(local_next(request) or "home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_code(device, form):
        django_otp.login(request, device)
        return redirect(local_next(request) or "home")
    return render(
        request, "portal/otp_verify.html", {"form": form, "next": local_next(request) or ""}
    )
