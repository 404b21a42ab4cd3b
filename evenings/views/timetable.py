"""Each member of staff's timetable for an evening (on screen and to print), the times they keep
free, and the whole event for those who run it. The same few queries whatever the number of
appointments."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages as notices
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

import audit
from evenings import services
from evenings.forms_office import BlockForm, WholeFilter
from evenings.models import Booking, Evening, Sitting, Slot, Taking
from evenings.views.staff_access import Seen, back, evening_for, timetable_url
from families.models import Child
from portal.http import SchoolRequest
from portal.lib.limits import parse_id


@dataclass
class Row:
    """One slot of a timetable, with its live booking if any."""

    slot: Slot
    booking: Booking | None
    started: bool

    @property
    def state(self) -> str:
        if self.booking is not None:
            return "booked"
        return "kept_free" if self.slot.blocked else "free"


@dataclass
class StaffTimes:
    """One member of staff's part of an evening: where they sit, and their slots by sitting."""

    taking: Taking
    rows: list[Row] = field(default_factory=list)

    @property
    def booked(self) -> int:
        return sum(r.state == "booked" for r in self.rows)

    @property
    def free(self) -> int:
        return sum(r.state == "free" for r in self.rows)

    @property
    def kept_free(self) -> int:
        return sum(r.state == "kept_free" for r in self.rows)

    def by_sitting(self) -> list[tuple[Sitting, list[Row]]]:
        groups: list[tuple[Sitting, list[Row]]] = []
        for row in self.rows:
            if not groups or groups[-1][0].pk != row.slot.sitting_id:
                groups.append((row.slot.sitting, []))
            groups[-1][1].append(row)
        return groups


def live_bookings(evening: Evening):
    """The evening's live bookings with what a timetable row shows."""
    return (
        Booking.objects.filter(evening=evening, cancelled_at=None)
        .select_related("parent", "together_with")
        .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("first_name")))
    )


def rows_for(evening: Evening, slots, bookings) -> list[Row]:
    now = timezone.now()
    held = {b.slot_id: b for b in bookings}
    return [Row(slot=s, booking=held.get(s.pk), started=s.starts_at <= now) for s in slots]


def _taking_of(evening: Evening, staff_id: int) -> Taking:
    taking = Taking.objects.select_related("staff").filter(evening=evening, staff_id=staff_id)
    found = taking.first()
    if found is None:
        raise Http404("They are not taking part in this evening.")
    return found


def _whose(request: SchoolRequest, seen: Seen) -> Taking | None:
    """The member of staff whose timetable is asked for: one's own; those who run the evening
    may choose anyone taking part (?staff=). None: someone who runs it but takes no part, and
    has not chosen yet."""
    asked = request.GET.get("staff", "")
    if asked and asked != str(request.user.pk):
        if not seen.runs:
            raise PermissionDenied
        staff_id = parse_id(asked)
        if staff_id is None:
            raise Http404("No such member of staff.")
        return _taking_of(seen.evening, staff_id)
    if seen.takes_part:
        return _taking_of(seen.evening, request.user.pk)
    return None


def _timetable_context(request: SchoolRequest, seen: Seen, taking: Taking | None) -> dict:
    evening = seen.evening
    context: dict = {"evening": evening, "seen": seen, "taking": taking, "times": None}
    if seen.runs:
        context["takings"] = list(evening.takings.select_related("staff"))
    if taking is None:
        return context
    slots = (
        Slot.objects.filter(evening=evening, staff_id=taking.staff_id)
        .select_related("sitting")
        .order_by("starts_at")
    )
    bookings = list(live_bookings(evening).filter(slot__staff_id=taking.staff_id))
    context["times"] = StaffTimes(taking=taking, rows=rows_for(evening, slots, bookings))
    context["bookings"] = bookings
    context["own"] = taking.staff_id == request.user.pk
    context["may_act"] = seen.runs or context["own"]
    context["here"] = request.get_full_path()
    return context


@require_GET
def timetable(request: SchoolRequest, pk: int):
    """A member of staff's appointments, slot by slot: who is coming, about which child, how,
    and what to have ready (an interpreter, a supporter); once a slot has started, came or not
    and the appointment as a contact, each in one tap."""
    seen = evening_for(request, pk)
    context = _timetable_context(request, seen, _whose(request, seen))
    audit.record(request, action=audit.VIEW, obj=seen.evening)
    return render(request, "evenings/timetable.html", context)


@require_GET
def timetable_print(request: SchoolRequest, pk: int):
    """One timetable to print; for those who run the evening and choose no one, every
    timetable of the evening, one to a page (the office's folder for the night)."""
    seen = evening_for(request, pk)
    taking = _whose(request, seen)
    if taking is not None:
        context = _timetable_context(request, seen, taking)
        context["sheets"] = [context["times"]]
    elif seen.runs:
        evening = seen.evening
        context = {"evening": evening, "seen": seen, "taking": None, "own": False}
        takings = list(evening.takings.select_related("staff"))
        slots = list(
            Slot.objects.filter(evening=evening).select_related("sitting").order_by("starts_at")
        )
        bookings = list(live_bookings(evening).select_related("slot"))
        context["sheets"] = [
            StaffTimes(
                taking=t,
                rows=rows_for(
                    evening,
                    [s for s in slots if s.staff_id == t.staff_id],
                    [b for b in bookings if b.slot.staff_id == t.staff_id],
                ),
            )
            for t in takings
        ]
    else:
        raise Http404("Choose whose timetable to print.")
    context["printed_at"] = timezone.now()
    audit.record(request, action=audit.PRINT, obj=seen.evening)
    return render(request, "evenings/timetable_print.html", context)


@require_POST
def block(request: SchoolRequest, pk: int):
    """A member of staff keeps some of their own free times free (or frees them again). A
    booked time is never kept free: they ask the office to move the parent first."""
    seen = evening_for(request, pk)
    if not seen.takes_part:
        raise PermissionDenied
    evening = seen.evening
    own = dict(
        Slot.objects.filter(evening=evening, staff=request.user).values_list("pk", "starts_at")
    )
    form = BlockForm(request.POST, slot_ids=list(own))
    default = timetable_url(evening)
    if not form.is_valid():
        notices.error(request, "Tick the times to keep free (or to free again), then choose.")
        return back(request, default)
    wanted = form.cleaned_data["slot"]
    blocked = form.cleaned_data["keep"] == "blocked"
    booked = set(
        Booking.objects.filter(slot_id__in=wanted, cancelled_at=None).values_list(
            "slot_id", flat=True
        )
    )
    changed = services.slots_block(
        evening=evening, staff=request.user, slot_ids=wanted, blocked=blocked
    )
    if booked and blocked:
        times = ", ".join(
            timezone.localtime(own[pk]).strftime("%H:%M")
            for pk in sorted(booked, key=lambda pk: own[pk])
        )
        notices.error(
            request,
            f"Booked by a parent, so not kept free: {times}. To keep a booked time free, ask "
            "the office to move the appointment first.",
        )
    if changed:
        done = "kept free" if blocked else "free again for parents to book"
        notices.success(request, f"{changed} time{'s' if changed != 1 else ''} {done}.")
    return back(request, default)


def _whole_context(request: SchoolRequest, seen: Seen) -> dict:
    evening = seen.evening
    takings = list(evening.takings.select_related("staff"))
    sittings = evening.sittings.all()
    users = get_user_model().objects.filter(pk__in=[t.staff_id for t in takings])
    form = WholeFilter(request.GET or None, staff=users, sittings=sittings)
    slots = Slot.objects.filter(evening=evening).select_related("sitting").order_by("starts_at")
    bookings = live_bookings(evening)
    if form.is_valid():
        if form.cleaned_data.get("staff"):
            chosen = form.cleaned_data["staff"].pk
            takings = [t for t in takings if t.staff_id == chosen]
            slots, bookings = slots.filter(staff_id=chosen), bookings.filter(slot__staff_id=chosen)
        if form.cleaned_data.get("sitting"):
            sitting = form.cleaned_data["sitting"]
            slots, bookings = slots.filter(sitting=sitting), bookings.filter(slot__sitting=sitting)
    rows = rows_for(evening, slots, list(bookings))
    staff = {t.staff_id: StaffTimes(taking=t) for t in takings}
    for row in rows:
        if row.slot.staff_id in staff:
            staff[row.slot.staff_id].rows.append(row)
    times = list(staff.values())
    return {
        "evening": evening,
        "seen": seen,
        "form": form,
        "staff_times": times,
        "booked": sum(t.booked for t in times),
        "free": sum(t.free for t in times),
        "kept_free": sum(t.kept_free for t in times),
        "here": request.get_full_path(),
        "may_act": True,
    }


@require_GET
def whole(request: SchoolRequest, pk: int):
    """The whole event for those who run it: each member of staff's times, who booked each,
    and how many are booked, free or kept free; filtered by staff and by sitting."""
    seen = evening_for(request, pk, runs=True)
    context = _whole_context(request, seen)
    audit.record(request, action=audit.VIEW, obj=seen.evening)
    return render(request, "evenings/whole.html", context)
