"""Fetch-and-authorise for the staff pages of an evening: the evening and one booking, with who
may do what (outsiders and staff who have no part in the evening get 404; those who see it but
may not do this, 403)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from evenings.models import Booking, Evening
from portal import access
from portal.http import SchoolRequest
from portal.lib.urls import local_next


@dataclass
class Seen:
    """An evening as this user may see it: whether they run it (the office, the headteacher,
    pastoral staff), and whether they take part in it."""

    evening: Evening
    runs: bool
    takes_part: bool
    office_ids: list[int]


def _seen(request: SchoolRequest, evening: Evening) -> Seen:
    school = request.school
    office_ids = list(evening.office.values_list("pk", flat=True))
    staff_ids = list(evening.takings.values_list("staff_id", flat=True))
    if not access.may_see_evening(request.user, school, office_ids=office_ids, staff_ids=staff_ids):
        raise Http404("No such evening.")
    return Seen(
        evening=evening,
        runs=access.may_run_evening(request.user, school, office_ids=office_ids),
        takes_part=request.user.pk in staff_ids,
        office_ids=office_ids,
    )


def evening_for(request: SchoolRequest, pk: int, *, runs: bool = False) -> Seen:
    """An evening of the current school this user sees; with `runs`, one they run (403)."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        raise access.refusal(school, Evening.objects.filter(pk=pk))
    evening = Evening.objects.select_related("school").filter(school=school, pk=pk).first()
    if evening is None:
        raise Http404("No such evening.")
    seen = _seen(request, evening)
    if runs and not seen.runs:
        raise PermissionDenied
    return seen


def booking_for(request: SchoolRequest, pk: int, *, runs: bool = False) -> tuple[Seen, Booking]:
    """A booking of an evening this user sees; with `runs`, one they may book, move or cancel
    for (403); otherwise one they may act on (came, did not come, a contact): theirs (403)."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        raise access.refusal(school, Evening.objects.filter(bookings=pk))
    booking = (
        Booking.objects.select_related(
            "evening__school", "slot__staff", "slot__sitting", "parent", "together_with", "family"
        )
        .filter(pk=pk, evening__school=school)
        .first()
    )
    if booking is None:
        raise Http404("No such appointment.")
    seen = _seen(request, booking.evening)
    if runs:
        allowed = seen.runs
    else:
        allowed = access.may_act_on_appointment(
            request.user, school, slot_staff_id=booking.slot.staff_id, office_ids=seen.office_ids
        )
    if not allowed:
        raise PermissionDenied
    return seen, booking


def timetable_url(evening: Evening, staff_id: int | None = None) -> str:
    url = reverse("evenings:timetable", args=[evening.pk])
    return f"{url}?staff={staff_id}" if staff_id else url


def back(request: SchoolRequest, default: str):
    """Where they came from (a path on this site), else `default`."""
    return redirect(local_next(request) or default)
