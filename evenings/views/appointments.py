"""On the evening: whether the parent came, in one tap, and the appointment as a contact in the
family's chronology, in one click. With htmx only the timetable row changes; without it the
page comes back with a message."""

from __future__ import annotations

from django.contrib import messages as notices
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

import audit
from evenings import services
from evenings.forms_office import OutcomeForm
from evenings.models import Booking
from evenings.views.staff_access import Seen, back, booking_for, timetable_url
from evenings.views.timetable import Row
from families.models import Child
from portal.http import SchoolRequest
from portal.lib.urls import local_next


def _row_response(
    request: SchoolRequest, seen: Seen, booking: Booking, default: str, *, ok: bool = True
):
    """The timetable row again (htmx), or back to the page it was on (also with htmx when
    refused, so the page shows why)."""
    if not request.htmx:
        return back(request, default)
    if not ok:
        return HttpResponseClientRedirect(local_next(request) or default)
    fresh = (
        Booking.objects.select_related("parent", "together_with", "slot__sitting", "slot__staff")
        .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("first_name")))
        .get(pk=booking.pk)
    )
    row = Row(
        slot=fresh.slot,
        booking=fresh if fresh.cancelled_at is None else None,
        started=fresh.slot.starts_at <= timezone.now(),
    )
    taking = seen.evening.takings.filter(staff_id=fresh.slot.staff_id).first()
    context = {
        "row": row,
        "evening": seen.evening,
        "seen": seen,
        "taking": taking,
        "may_act": True,
        "own": fresh.slot.staff_id == request.user.pk,
        "here": local_next(request) or default,
    }
    return render(request, "evenings/timetable.html#slot-row", context)


@require_POST
def outcome(request: SchoolRequest, pk: int):
    """Came, or did not come: one tap, again to correct it."""
    seen, booking = booking_for(request, pk)
    default = timetable_url(seen.evening, booking.slot.staff_id)
    form = OutcomeForm(request.POST)
    name = booking.parent.full_name
    ok = False
    if booking.cancelled_at is not None:
        notices.error(request, f"The appointment with {name} was cancelled.")
    elif booking.slot.starts_at > timezone.now():
        notices.error(request, "You can record whether they came once the appointment starts.")
    elif not form.is_valid():
        notices.error(request, "Choose whether they came.")
    else:
        try:
            services.outcome_record(
                booking=booking, outcome=form.cleaned_data["outcome"], by=request.user
            )
        except ValidationError as problem:
            notices.error(request, " ".join(problem.messages))
        else:
            ok = True
            audit.record(request, action=audit.VIEW, obj=booking, family=booking.family_id)
            if not request.htmx:
                notices.success(
                    request, f"{name}: {booking.get_outcome_display().lower()}, recorded."
                )
    return _row_response(request, seen, booking, default, ok=ok)


@require_POST
def log_contact(request: SchoolRequest, pk: int):
    """The appointment as a contact in the family's chronology, once, after it has started."""
    seen, booking = booking_for(request, pk)
    default = timetable_url(seen.evening, booking.slot.staff_id)
    if booking.slot.starts_at > timezone.now() and booking.cancelled_at is None:
        notices.error(
            request,
            "The appointment has not started yet: log it as a contact once you have met.",
        )
        return _row_response(request, seen, booking, default, ok=False)
    ok = False
    try:
        contact = services.booking_log_contact(booking=booking, by=request.user)
    except ValidationError as problem:
        notices.error(request, " ".join(problem.messages))
    else:
        ok = True
        audit.record(request, action=audit.VIEW, obj=contact, family=booking.family_id)
        if not request.htmx:
            notices.success(
                request,
                f"The appointment with {booking.parent.full_name} is in the family's chronology.",
            )
    return _row_response(request, seen, booking, default, ok=ok)
