"""Getting back in after a sign-in lock: an e-mailed link, or a code from the authenticator app.

Both pages are open to anyone (the person is not signed in) and answer the same whether or not
the username belongs to an account, so they cannot be used to find out who has one.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import lockout
from portal.forms import UnlockByCodeForm, UnlockRequestForm
from portal.http import SchoolRequest
from portal.security import client_ip

LOCK_MINUTES = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
OPEN_AGAIN = (
    "Signing in is open again for your account from this connection. Enter your password carefully."
)


def locked_out(request: SchoolRequest, original_response=None, credentials=None):
    """django-axes's answer to a locked username and address (AXES_LOCKOUT_CALLABLE): the same
    page for every username, known or not."""
    return render(
        request,
        "registration/locked_out.html",
        {"form": UnlockRequestForm(), "minutes": LOCK_MINUTES},
        status=429,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def unlock_request(request: SchoolRequest):
    """Ask for a link by e-mail that opens signing in again from this connection."""
    form = UnlockRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lockout.unlock_link_send(
            username=form.cleaned_data["username"], address=client_ip(request), request=request
        )
        return redirect("unlock-sent")
    return render(request, "registration/unlock_request.html", {"form": form})


@login_not_required
@require_GET
def unlock_sent(request: SchoolRequest):
    return render(request, "registration/unlock_sent.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def unlock_confirm(request: SchoolRequest, token: str):
    """The e-mailed link: a button to press (a GET changes nothing, as mail scanners open links)."""
    if request.method == "POST":
        if lockout.unlock_link_use(token=token) is not None:
            messages.success(request, OPEN_AGAIN)
            return redirect("login")
        link = None
    else:
        link = lockout.unlock_link_find(token)
    return render(request, "registration/unlock_confirm.html", {"link": link})


def _code_unlocks(username: str, code: str) -> bool:
    """Whether `code` is a current code of the active account `username`'s authenticator."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if user is not None
        else None
    )
    if device is None:
        return False
    allowed, _ = device.verify_is_allowed()  # django-otp slows down repeated wrong codes
    return allowed and device.verify_token(code)


@login_not_required
@require_http_methods(["GET", "POST"])
def unlock_by_code(request: SchoolRequest):
    """Open signing in again with a code from the authenticator app."""
    form = UnlockByCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if _code_unlocks(username, form.cleaned_data["code"]):
            lockout.sign_in_unlock(username=username, address=client_ip(request))
            messages.success(request, OPEN_AGAIN)
            return redirect("login")
        # The same words for an unknown username, a wrong code and too many wrong codes.
        form.add_error(
            "code",
            "That did not work. Check your username and enter the code your app shows now. "
            "After several wrong codes, wait a minute before trying again.",
        )
    return render(request, "registration/unlock_by_code.html", {"form": form})
