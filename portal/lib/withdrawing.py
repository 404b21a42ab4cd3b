"""The one page every "withdraw with a reason" view shows: GET asks why, POST withdraws.

Used by the withdraw views of contacts, placements, meetings, agreed steps and complaints,
which each fetch and authorise their record first and pass the service call in."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from portal.forms import WithdrawForm
from portal.lib import saving


def withdraw_page(
    request,
    *,
    withdraw: Callable[[str], object],
    noun: str,
    label: str,
    description: str,
    done_url: str,
    cancel_url: str,
):
    """Asks for the reason and, on a valid POST, calls `withdraw(reason)` and goes to
    `done_url`; a refusal from the service is shown above the form, nothing changed."""
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                withdraw(form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, f"{noun} withdrawn. It stays in the history with your reason."
                )
                return redirect(done_url)
    return render(
        request,
        "portal/withdraw_form.html",
        {
            "form": form,
            "record_label": label,
            "record_description": description,
            "cancel_url": cancel_url,
        },
    )
