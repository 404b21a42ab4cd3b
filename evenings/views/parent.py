"""The parent's side of a parents' evening, behind their own link (purpose "evening"): their
appointments so far, the staff each of their children may be seen by, choosing a time, booking,
changing and cancelling, and a calendar file.

Every view is behind family_voice.views.parent.parent_page (the link works, the second check was
passed, the page is in the parent's language); the link's own page is called by it. A parent sees
only the evenings they were invited to through a link, only their own children and their own
appointments, and never another adult's details: the other parent is named by first name alone,
and only where they may come too. Anything else is the same plain page as a link that does not
work. Writes go through evenings.services, which refuses a time just taken, in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import audit
from evenings import services
from evenings.forms_parent import BookForm, MoveForm
from evenings.ics import bookings_ics
from evenings.models import Booking, Invitation, Slot, Taking, Way
from evenings.views import parent_words as words
from families.models import Child, ChildParent, ParentCarer
from family_voice.models import ParentLink, Purpose
from family_voice.views.parent import parent_page
from portal.http import SchoolRequest
from portal.lib.limits import parse_id
from portal.lib.words import staff_name

# How many free times near a refused one are offered first.
NEAREST = 3


# Fetching, only what is the parent's own ----------------------------------------------------


def _refused(request: SchoolRequest) -> HttpResponse:
    """The plain page of a link that does not work: nothing about what was asked for."""
    return render(request, "family_voice/refused.html", status=404)


def _invitation_for(link: ParentLink, pk) -> Invitation | None:
    """The parent's own invitation to this evening of their school, through an evening link
    (a link for another purpose, e.g. the compass, asks no second check: it opens nothing
    here)."""
    if link.purpose != Purpose.EVENING:
        return None
    return (
        Invitation.objects.filter(
            evening_id=pk,
            evening__school_id=link.school_id,
            parent_id=link.parent_id,
            not_sent_because="",
        )
        .select_related("evening")
        .first()
    )


def _booking_for(link: ParentLink, pk) -> Booking | None:
    """One of the parent's own appointments, at an evening they were invited to, through an
    evening link."""
    if link.purpose != Purpose.EVENING:
        return None
    return (
        Booking.objects.filter(
            pk=pk,
            parent_id=link.parent_id,
            evening__school_id=link.school_id,
            evening__invitations__parent_id=link.parent_id,
            evening__invitations__not_sent_because="",
        )
        .select_related("evening", "slot__staff", "slot__sitting")
        .first()
    )


def _own_bookings(link: ParentLink, evening_ids) -> list[Booking]:
    return list(
        Booking.objects.filter(
            evening_id__in=list(evening_ids), parent_id=link.parent_id, cancelled_at=None
        )
        .select_related("slot__staff", "together_with")
        .prefetch_related("children")
        .order_by("starts_at")
    )


def _who(link: ParentLink) -> str:
    return f"{link.parent.full_name[:120]} (through their link)"


def _log(request: SchoolRequest, link: ParentLink, obj, action=audit.VIEW) -> None:
    audit.record_unsigned(
        request, action=action, obj=obj, family=link.family_id, school=link.school, who=_who(link)
    )


def _takings(evening_ids) -> dict[tuple[int, int], Taking]:
    return {
        (t.evening_id, t.staff_id): t for t in Taking.objects.filter(evening_id__in=evening_ids)
    }


# The link's own page ------------------------------------------------------------------------


def page(request: SchoolRequest, link: ParentLink, token: str) -> HttpResponse:
    """The link's own page (called by family_voice's link_open): the evenings this parent is
    invited to that are not over, their appointments, and whom each child may see."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return _link_page(request, link, token)


def _link_page(
    request: SchoolRequest, link: ParentLink, token: str, *, refused: str = "", status: int = 200
) -> HttpResponse:
    invitations = list(
        Invitation.objects.filter(
            parent_id=link.parent_id,
            not_sent_because="",
            evening__school_id=link.school_id,
            evening__last_day__gte=timezone.localdate(),
        )
        .select_related("evening")
        .prefetch_related(
            Prefetch("children", queryset=Child.objects.order_by("first_name")),
            "evening__sittings",
        )
        .order_by("evening__first_day", "evening_id")
    )
    evening_ids = [i.evening_id for i in invitations]
    bookings = _own_bookings(link, evening_ids)
    takings = _takings(evening_ids)
    evenings = [
        _evening_block(invitation, bookings, takings, link=link, token=token)
        for invitation in invitations
    ]
    confirmed: dict | None = None
    booked = parse_id(request.GET.get("booked"))
    for booking in bookings:
        if booking.pk == booked:
            confirmed = words.appointment(
                booking, takings.get((booking.evening_id, booking.slot.staff_id))
            )
    cancelled = ""
    gone = parse_id(request.GET.get("cancelled"))
    if gone is not None:
        given_up = (
            Booking.objects.filter(pk=gone, parent_id=link.parent_id, cancelled_at__isnull=False)
            .select_related("slot__staff")
            .first()
        )
        if given_up is not None:
            cancelled = _("Cancelled: %(day)s, %(time)s with %(name)s.") % {
                "day": words.day(given_up.starts_at),
                "time": words.time(given_up.starts_at),
                "name": staff_name(given_up.slot.staff),
            }
    return render(
        request,
        "evenings/parent_evenings.html",
        {
            "token": token,
            "link": link,
            "first_name": link.parent.first_name,
            "school_name": link.school.name,
            "evenings": evenings,
            "confirmed": confirmed,
            "cancelled": cancelled,
            "refused": refused,
        },
        status=status,
    )


def _evening_block(invitation: Invitation, bookings, takings, *, link, token) -> dict:
    evening = invitation.evening
    children = list(invitation.children.all())
    seen_by = services.staff_for_children(evening, children)
    mine = [b for b in bookings if b.evening_id == evening.pk]
    booked_with: dict[tuple[int, int], str] = {}
    for b in mine:
        for child in b.children.all():
            booked_with.setdefault((child.pk, b.slot.staff_id), words.time(b.starts_at))
    choose = reverse("evenings:parent-evening", args=[token, evening.pk])
    return {
        "evening": evening,
        **words.state_words(evening, link.school),
        "sittings": [words.span(s.starts_at, s.ends_at) for s in evening.sittings.all()],
        "appointments": [
            words.appointment(b, takings.get((evening.pk, b.slot.staff_id))) for b in mine
        ],
        "children": [
            {
                "name": child.first_name,
                "staff": [
                    {
                        "name": staff_name(t.staff),
                        "room": t.room,
                        "booked": booked_with.get((child.pk, t.staff_id), ""),
                        "url": f"{choose}?staff={t.staff_id}&child={child.pk}",
                    }
                    for t in seen_by.get(child.pk, [])
                ],
            }
            for child in children
        ],
    }


# Choosing a time ----------------------------------------------------------------------------


@dataclass
class _Choice:
    """What the choose page offers one parent for one member of staff."""

    invitation: Invitation
    child: Child
    taking: Taking
    children: list[Child]  # their children this member of staff sees
    bookings: list[Booking]
    moving: Booking | None
    free: list[Slot] = field(default_factory=list)
    ways: list[str] = field(default_factory=list)
    others: list[tuple[int, str]] = field(default_factory=list)


def _others(link: ParentLink, children: list[Child]) -> list[tuple[int, str]]:
    """Another adult of the family who may come too: parental responsibility for each of these
    children and no recorded restriction at the school. (id, first name) only."""
    wanted = {c.pk for c in children}
    held: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    barred: set[int] = set()
    rows = (
        ChildParent.objects.filter(
            parent__family_id=link.family_id, child__school_id=link.school_id
        )
        .exclude(parent_id=link.parent_id)
        .values_list(
            "parent_id", "parent__first_name", "child_id", "parental_responsibility", "restriction"
        )
    )
    for parent_id, first_name, child_id, responsible, restriction in rows:
        names[parent_id] = first_name
        if restriction.strip():
            barred.add(parent_id)
        elif responsible:
            held.setdefault(parent_id, set()).add(child_id)
    return [
        (pk, names[pk])
        for pk in sorted(held)
        if pk not in barred and names[pk].strip() and wanted <= held[pk]
    ]


def _choice_for(
    link: ParentLink, invitation: Invitation, staff_id, child_id, moving: Booking | None = None
) -> _Choice | None:
    evening = invitation.evening
    children = list(invitation.children.order_by("first_name"))
    if moving is not None:
        staff_id = moving.slot.staff_id
        child_id = next(iter(c.pk for c in moving.children.all()), None)
    child = next((c for c in children if c.pk == child_id), None)
    if child is None:
        return None
    seen_by = services.staff_for_children(evening, children)
    taking = next((t for t in seen_by[child.pk] if t.staff_id == staff_id), None)
    if taking is None:
        return None
    choice = _Choice(
        invitation=invitation,
        child=child,
        taking=taking,
        children=[c for c in children if any(t.staff_id == staff_id for t in seen_by[c.pk])],
        bookings=_own_bookings(link, [evening.pk]),
        moving=moving,
    )
    held = {b.starts_at for b in choice.bookings if moving is None or b.pk != moving.pk}
    choice.free = [s for s in services.free_slots(evening, [staff_id]) if s.starts_at not in held]
    offered = {w for s in choice.free for w in s.sitting.ways}
    choice.ways = [w for w in Way.values if w in offered and (w != Way.VIDEO or taking.video_link)]
    choice.others = _others(link, choice.children)
    return choice


def _groups(choice: _Choice, *, near_to: Slot | None, checked: int | None) -> list[dict]:
    """The free times: first those next to the parent's other appointments (brothers and sisters
    one after another), or, after a refusal, those nearest the time they chose; then each
    sitting's, by time, with the ways it offers."""
    evening = choice.invitation.evening
    held = [
        b.starts_at for b in choice.bookings if choice.moving is None or b.pk != choice.moving.pk
    ]
    first: list[Slot] = []
    if near_to is not None:
        first = sorted(choice.free, key=lambda s: abs(s.starts_at - near_to.starts_at))[:NEAREST]
        first.sort(key=lambda s: s.starts_at)
        legend = _("The nearest free times")
    else:
        step = dt.timedelta(minutes=evening.slot_minutes + evening.gap_minutes)
        near = {h + step for h in held} | {h - step for h in held}
        first = [s for s in services.next_to(choice.free, held, evening) if s.starts_at in near]
        legend = _("Next to your other times")
    groups = []
    if first:
        groups.append(
            {
                "legend": legend,
                "ways": "",
                "slots": [
                    {
                        "pk": s.pk,
                        "label": words.span(s.starts_at, s.ends_at),
                        "checked": s.pk == checked,
                    }
                    for s in first
                ],
            }
        )
    shown = {s.pk for s in first}
    by_sitting: dict[int, list[Slot]] = {}
    for slot in choice.free:
        if slot.pk not in shown:
            by_sitting.setdefault(slot.sitting_id, []).append(slot)
    for slots in by_sitting.values():
        sitting = slots[0].sitting
        ways = [w for w in sitting.ways if w != Way.VIDEO or choice.taking.video_link]
        groups.append(
            {
                "legend": words.span(sitting.starts_at, sitting.ends_at),
                "ways": words.ways_words(ways) if ways else "",
                "slots": [
                    {"pk": s.pk, "label": words.time(s.starts_at), "checked": s.pk == checked}
                    for s in slots
                ],
            }
        )
    return groups


def _form_for(choice: _Choice, link: ParentLink, data=None):
    evening = choice.invitation.evening
    if choice.moving is not None:
        return MoveForm(data, evening=evening)
    parent = link.parent
    return BookForm(
        data,
        evening=evening,
        children=[(c.pk, c.first_name) for c in choice.children],
        others=choice.others,
        ways=choice.ways,
        initial={
            "children": [choice.child.pk],
            "way": choice.ways[0] if choice.ways else Way.IN_PERSON,
            "interpreter": parent.language.strip() if parent.interpreter_needed else "",
            "together": "",
        },
    )


def _choose_page(
    request: SchoolRequest,
    link: ParentLink,
    token: str,
    choice: _Choice,
    *,
    form=None,
    refused: str = "",
    checked: int | None = None,
    near_to: Slot | None = None,
    status: int = 200,
) -> HttpResponse:
    evening = choice.invitation.evening
    takings = _takings([evening.pk])
    return render(
        request,
        "evenings/parent_choose.html",
        {
            "token": token,
            "link": link,
            "school_name": link.school.name,
            "evening": evening,
            **words.state_words(evening, link.school),
            "staff_name": staff_name(choice.taking.staff),
            "room": choice.taking.room,
            "child": choice.child,
            "choice": choice,
            "moving": words.appointment(
                choice.moving, takings.get((evening.pk, choice.moving.slot.staff_id))
            )
            if choice.moving
            else None,
            "form": form if form is not None else _form_for(choice, link),
            "groups": _groups(choice, near_to=near_to, checked=checked),
            "appointments": [
                words.appointment(b, takings.get((evening.pk, b.slot.staff_id)))
                for b in choice.bookings
            ],
            "refused": refused,
        },
        status=status,
    )


@parent_page
@require_GET
def evening(request: SchoolRequest, link: ParentLink, token: str, pk: int) -> HttpResponse:
    """Choose a time with one member of staff about one child (?staff=&child=), or another time
    for an appointment they hold (?move=)."""
    invitation = _invitation_for(link, pk)
    if invitation is None:
        return _refused(request)
    moving = None
    if "move" in request.GET:
        moving = _booking_for(link, parse_id(request.GET.get("move")))
        if moving is None or moving.evening_id != invitation.evening_id or not moving.is_live:
            return _refused(request)
    choice = _choice_for(
        link,
        invitation,
        parse_id(request.GET.get("staff")),
        parse_id(request.GET.get("child")),
        moving,
    )
    if choice is None:
        return _see_other(reverse("family_voice:open", args=[token]))
    return _choose_page(request, link, token, choice)


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


@parent_page
@require_POST
def book(request: SchoolRequest, link: ParentLink, token: str, pk: int) -> HttpResponse:
    """A new appointment (or another time for one they hold), through the service: a time just
    taken or a clash is said in words (409) with the nearest free times, nothing lost."""
    invitation = _invitation_for(link, pk)
    if invitation is None:
        return _refused(request)
    moving = None
    if request.POST.get("move"):
        moving = _booking_for(link, parse_id(request.POST.get("move")))
        if moving is None or moving.evening_id != invitation.evening_id or not moving.is_live:
            return _refused(request)
    choice = _choice_for(
        link,
        invitation,
        parse_id(request.POST.get("staff")),
        parse_id(request.POST.get("child")),
        moving,
    )
    if choice is None:
        return _see_other(reverse("family_voice:open", args=[token]))
    form = _form_for(choice, link, request.POST)
    if not form.is_valid():
        checked = parse_id(request.POST.get("slot"))
        return _choose_page(request, link, token, choice, form=form, checked=checked, status=400)
    slot = form.cleaned_data["slot"]
    try:
        if moving is not None:
            booking = services.booking_move(booking=moving, slot=slot, by=None)
        else:
            data = form.cleaned_data
            chosen = set(data["children"])
            booking = services.booking_make(
                evening=invitation.evening,
                slot=slot,
                parent=link.parent,
                children=[c for c in choice.children if c.pk in chosen],
                way=data["way"],
                interpreter=data["interpreter"],
                supporter=data["supporter"],
                note=data["note"],
                together_with=_other(link, choice, data["together"]),
                by=None,
                link=link,
            )
    except services.BookingRefused as refusal:
        # Drawn again as it now is (a move that failed was undone in full).
        again = _choice_for(
            link,
            invitation,
            choice.taking.staff_id,
            choice.child.pk,
            _booking_for(link, moving.pk) if moving is not None else None,
        )
        if again is None:
            return _see_other(reverse("family_voice:open", args=[token]))
        choice = again
        return _choose_page(
            request,
            link,
            token,
            choice,
            form=form,
            refused=words.refusal_words(refusal),
            checked=slot.pk,
            near_to=slot,
            status=409,
        )
    _log(request, link, booking)
    return _see_other(reverse("family_voice:open", args=[token]) + f"?booked={booking.pk}")


def _other(link: ParentLink, choice: _Choice, pk: int | None):
    """The other adult coming too, only from those offered (see _others)."""
    if pk is None or pk not in {p for p, _name in choice.others}:
        return None
    return ParentCarer.objects.filter(pk=pk, family_id=link.family_id).first()


# Cancelling and the calendar file -----------------------------------------------------------


@parent_page
@require_POST
def cancel(request: SchoolRequest, link: ParentLink, token: str, pk: int) -> HttpResponse:
    """One of their own appointments given up: the time is free again at once. After the
    cut-off they are asked to phone the school."""
    booking = _booking_for(link, pk)
    if booking is None:
        return _refused(request)
    try:
        services.booking_cancel(booking=booking, by=None)
    except services.BookingRefused as refusal:
        return _link_page(request, link, token, refused=words.refusal_words(refusal), status=409)
    _log(request, link, booking)
    return _see_other(reverse("family_voice:open", args=[token]) + f"?cancelled={booking.pk}")


@parent_page
@require_GET
def ics(request: SchoolRequest, link: ParentLink, token: str, pk: int) -> HttpResponse:
    """Their own appointments at this evening as a calendar file."""
    invitation = _invitation_for(link, pk)
    if invitation is None:
        return _refused(request)
    bookings = list(
        Booking.objects.filter(evening_id=pk, parent_id=link.parent_id, cancelled_at=None)
        .select_related("evening__school", "slot__staff")
        .prefetch_related("children")
        .order_by("starts_at")
    )
    _log(request, link, invitation, action=audit.EXPORT)
    response = HttpResponse(bookings_ics(bookings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="parents-evening-{pk}.ics"'
    return response
