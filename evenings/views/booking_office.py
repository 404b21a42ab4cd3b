"""The office books, moves and cancels for a parent who phones (a phone call to the office is how
many parents book), also after the parents' own cut-off. Only for an adult invited through a
link: where a restriction stopped their invitation, the office talks to the pastoral lead."""

from __future__ import annotations

from django.contrib import messages as notices
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

import audit
from evenings import services
from evenings.forms_office import FindParentForm, MoveForm, OfficeBookingForm, slot_label
from evenings.models import Invitation, Slot, Taking
from evenings.views.staff_access import Seen, back, booking_for, evening_for, timetable_url
from evenings.views.timetable import live_bookings
from families.models import Child
from families.views.paging import page_of
from portal import access
from portal.http import SchoolRequest
from portal.lib.limits import parse_id
from portal.lib.urls import local_next
from portal.lib.words import staff_name

PER_PAGE = 25
RESTRICTED = (
    "No invitation went to this adult because of a recorded restriction, so the office does "
    "not book for them. Please talk to the pastoral lead."
)


def _found(seen: Seen, words: str):
    """Invitations of this evening whose parent, family or child matches the words."""
    rows = Invitation.objects.filter(evening=seen.evening)
    for word in words.split()[:4]:
        kids = Invitation.children.through.objects.filter(
            Q(child__first_name__icontains=word) | Q(child__last_name__icontains=word)
        ).values("invitation_id")
        rows = rows.filter(
            Q(parent__first_name__icontains=word)
            | Q(parent__last_name__icontains=word)
            | Q(family__name__icontains=word)
            | Q(pk__in=kids)
        )
    return (
        rows.select_related("parent", "family")
        .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("first_name")))
        .order_by("parent__last_name", "parent__first_name", "pk")
    )


def _invitation(seen: Seen, asked: str) -> Invitation | None:
    pk = parse_id(asked)
    if pk is None:
        return None
    return (
        Invitation.objects.select_related("parent", "family")
        .filter(evening=seen.evening, pk=pk)
        .first()
    )


def _booking_step(request: SchoolRequest, seen: Seen, invitation: Invitation) -> dict:
    """For one invited parent: their children, the staff who see them, the parent's bookings,
    and, once a member of staff is chosen, the form to book a time with them."""
    evening, parent = seen.evening, invitation.parent
    children = services.parent_children(evening, parent)
    allowed = services.staff_for_children(evening, children)
    takings: dict[int, Taking] = {}
    for child in children:
        for taking in allowed[child.pk]:
            takings.setdefault(taking.staff_id, taking)
    step: dict = {
        "invitation": invitation,
        "children": children,
        "takings": sorted(takings.values(), key=lambda t: staff_name(t.staff)),
        "held": list(live_bookings(evening).filter(parent=parent).select_related("slot__staff")),
    }
    asked = request.POST.get("staff") or request.GET.get("staff", "")
    staff_id = parse_id(asked)
    chosen = takings.get(staff_id) if staff_id is not None else None
    if chosen is None:
        return step
    seen_by = [c.pk for c in children if any(t.staff_id == chosen.staff_id for t in allowed[c.pk])]
    free = services.next_to(
        list(services.free_slots(evening, [chosen.staff_id])),
        [b.starts_at for b in step["held"]],
        evening,
    )
    initial: dict[str, object] = {"children": seen_by if len(seen_by) == 1 else []}
    if parent.interpreter_needed and parent.language:
        initial["interpreter"] = parent.language
    step["chosen"] = chosen
    step["form"] = OfficeBookingForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        children=Child.objects.filter(pk__in=seen_by).order_by("first_name"),
        slots=Slot.objects.filter(evening=evening, staff_id=chosen.staff_id).select_related(
            "sitting"
        ),
        free=free,
    )
    return step


@require_http_methods(["GET", "POST"])
def book(request: SchoolRequest, pk: int):
    """Find the invited parent who phoned, choose the teacher, the child, a free time and how
    they will meet, and book it for them."""
    seen = evening_for(request, pk, runs=True)
    evening = seen.evening
    search = FindParentForm(request.GET or None)
    context: dict = {
        "evening": evening,
        "seen": seen,
        "search": search,
        "page": None,
        # A restriction's own words are for pastoral staff and the headteacher, not the office.
        "sees_words": access.sees_school_outbox(request.user, evening.school),
    }
    invitation = _invitation(
        seen, request.POST.get("invitation") or request.GET.get("invitation", "")
    )
    if invitation is not None:
        audit.record(request, action=audit.VIEW, obj=invitation, family=invitation.family_id)
        context["restricted"] = bool(invitation.not_sent_because)
        if context["restricted"]:
            context["invitation"] = invitation
            context["restricted_words"] = RESTRICTED
            if request.method == "POST":
                notices.error(request, RESTRICTED)
            return render(request, "evenings/office_book.html", context)
        context.update(_booking_step(request, seen, invitation))
        form = context.get("form")
        if request.method == "POST" and form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                made = services.booking_make(
                    evening=evening,
                    slot=data["slot"],
                    parent=invitation.parent,
                    children=list(data["children"]),
                    way=data["way"],
                    interpreter=data["interpreter"],
                    supporter=data["supporter"],
                    note=data["note"],
                    by=request.user,
                )
            except ValidationError as refused:
                form.add_error(None, " ".join(refused.messages))
            else:
                audit.record(request, action=audit.VIEW, obj=made, family=made.family_id)
                notices.success(
                    request,
                    f"Booked: {invitation.parent.full_name} with {staff_name(made.slot.staff)}, "
                    f"{slot_label(made.slot)}. They will get a confirmation.",
                )
                return back(request, timetable_url(evening, made.slot.staff_id))
        elif request.method == "POST" and form is None:
            notices.error(request, "Choose a member of staff first.")
    elif request.method == "POST":
        notices.error(request, "Find the parent or carer first.")
    elif (family_id := parse_id(request.GET.get("family"))) is not None:
        # "Book for them" from the not-booked list: that family's invited adults.
        context["page"] = page_of(
            _found(seen, "").filter(family_id=family_id), PER_PAGE, request.GET.get("page")
        )
    elif search.is_valid() and search.cleaned_data["q"]:
        context["page"] = page_of(
            _found(seen, search.cleaned_data["q"]), PER_PAGE, request.GET.get("page")
        )
    return render(request, "evenings/office_book.html", context)


@require_http_methods(["GET", "POST"])
def move(request: SchoolRequest, pk: int):
    """Another free time for the same appointment, with the same member of staff or another who
    sees the children: the old time is freed only if the new one is had."""
    seen, booking = booking_for(request, pk, runs=True)
    evening = seen.evening
    default = timetable_url(evening, booking.slot.staff_id)
    if booking.cancelled_at is not None:
        notices.error(request, "This appointment was cancelled: book a new one instead.")
        return back(request, default)
    children = list(booking.children.order_by("first_name"))
    allowed = services.staff_for_children(evening, children)
    seeing = [{t.staff_id for t in allowed[c.pk]} for c in children]
    staff_ids = (set.intersection(*seeing) if seeing else set()) or {booking.slot.staff_id}
    free = sorted(
        services.free_slots(evening, staff_ids).select_related("staff"),
        key=lambda s: (s.staff_id != booking.slot.staff_id, s.starts_at),
    )
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        slots=Slot.objects.filter(evening=evening, staff_id__in=staff_ids).select_related(
            "sitting", "staff"
        ),
        free=free,
    )
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.booking_move(
                booking=booking, slot=form.cleaned_data["slot"], by=request.user
            )
        except ValidationError as refused:
            form.add_error(None, " ".join(refused.messages))
        else:
            audit.record(request, action=audit.VIEW, obj=moved, family=moved.family_id)
            notices.success(
                request,
                f"Moved: {booking.parent.full_name} now sees {staff_name(moved.slot.staff)} "
                f"{slot_label(moved.slot)}.",
            )
            return back(request, default)
    audit.record(request, action=audit.VIEW, obj=booking, family=booking.family_id)
    return render(
        request,
        "evenings/booking_move.html",
        {
            "evening": evening,
            "seen": seen,
            "booking": booking,
            "children": children,
            "form": form,
            "next": local_next(request),
            "back_url": default,
        },
    )


@require_POST
def cancel(request: SchoolRequest, pk: int):
    """The office cancels for a parent, at any time: the time is free again at once."""
    seen, booking = booking_for(request, pk, runs=True)
    default = timetable_url(seen.evening, booking.slot.staff_id)
    if booking.cancelled_at is not None:
        notices.info(request, "This appointment was already cancelled.")
        return back(request, default)
    services.booking_cancel(booking=booking, by=request.user)
    audit.record(request, action=audit.VIEW, obj=booking, family=booking.family_id)
    notices.success(
        request,
        f"Cancelled: {booking.parent.full_name} with {staff_name(booking.slot.staff)}, "
        f"{slot_label(booking.slot)}. The time is free again.",
    )
    return back(request, default)
