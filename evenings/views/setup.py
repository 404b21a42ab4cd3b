"""The headteacher's side of a parents' evening: the school's evenings, setting one up (the
event, its sittings, who takes part), the event page with its counts and warnings, and sending
the invitations. Staff taking part see the list and the event page; the rest is the
headteacher's (portal.access.may_set_up_evenings)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages as notices
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import audit
from audit import constants as actions
from evenings import messages as evening_messages
from evenings import services
from evenings.forms import EveningForm, SittingForm, StaffForm
from evenings.models import Booking, Evening, Invitation, Sitting, Slot, Taking
from families.access import require_family_worker
from families.views.paging import page_of
from meetings.availability import avoid_reason
from portal import access
from portal.http import SchoolRequest
from portal.lib.terms import closed_on
from portal.lib.words import staff_name
from reaching_out.models import Kind, Message

EVENINGS_A_PAGE = 20


def _apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the form's fields (or at the top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _get_evening_for_user(request: SchoolRequest, pk: int, *, setup: bool = False) -> Evening:
    """An evening of this school the user may see (another school's is a 404; a member of
    staff who neither runs nor takes part in it gets 403, as the list names it); with `setup`,
    one they may set up (403 for everyone but the headteacher)."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        raise access.refusal(school, Evening.objects.filter(pk=pk))
    evening = (
        Evening.objects.for_school(school)
        .select_related("school")
        .prefetch_related("office")
        .filter(pk=pk)
        .first()
    )
    if evening is None:
        raise Http404("No such evening.")
    office_ids = [u.pk for u in evening.office.all()]
    evening.may_set_up = access.may_set_up_evenings(request.user, school)
    evening.may_run = access.may_run_evening(request.user, school, office_ids=office_ids)
    if setup:
        if not evening.may_set_up:
            raise PermissionDenied
        return evening
    staff_ids = list(Taking.objects.filter(evening=evening).values_list("staff_id", flat=True))
    evening.takes_part = request.user.pk in staff_ids
    if not access.may_see_evening(request.user, school, office_ids=office_ids, staff_ids=staff_ids):
        raise PermissionDenied
    return evening


def _require_setup(request: SchoolRequest):
    school = request.school
    if school is None or not access.may_set_up_evenings(request.user, school):
        raise PermissionDenied
    return school


# The list ---------------------------------------------------------------------------------


@require_GET
def evening_list(request: SchoolRequest):
    """The school's evenings: those to come first (soonest first), then those held (newest)."""
    school = require_family_worker(request)
    today = timezone.localdate()
    user = request.user
    past = Q(last_day__lt=today)
    rows = (
        Evening.objects.for_school(school)
        .annotate(
            is_past=Case(When(past, then=Value(1)), default=Value(0)),
            upcoming_day=Case(When(past, then=None), default=F("first_day")),
            sitting_count=Count("sittings", distinct=True),
            takes_part=Exists(Taking.objects.filter(evening=OuterRef("pk"), staff=user)),
            in_office=Exists(
                Evening.office.through.objects.filter(evening_id=OuterRef("pk"), user_id=user.pk)
            ),
        )
        .order_by(
            "is_past",
            F("upcoming_day").asc(nulls_last=True),
            F("first_day").desc(nulls_last=True),
            "name",
        )
        .fetch_mode(models.FETCH_PEERS)
    )
    page = page_of(rows, EVENINGS_A_PAGE, request.GET.get("page"))
    for evening in page.object_list:
        evening.may_run = access.may_run_evening(
            user, school, office_ids=[user.pk] if evening.in_office else []
        )
    return render(
        request,
        "evenings/evening_list.html",
        {"page": page, "may_set_up": access.may_set_up_evenings(user, school)},
    )


# Setting up -------------------------------------------------------------------------------


def _evening_form_page(request: SchoolRequest, evening: Evening | None):
    school = _require_setup(request) if evening is None else evening.school
    form = EveningForm(request.POST or None, instance=evening, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.evening_save(
                evening=form.instance,
                by=request.user,
                classes=form.cleaned_data["classes"],
                office=form.cleaned_data["office"],
            )
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            if evening is not None:
                # A changed slot length or gap changes the times on offer.
                services.slots_build(saved)
            notices.success(
                request,
                "The evening is saved."
                + ("" if evening else " Now add its sittings and the staff taking part."),
            )
            return redirect("evenings:detail", saved.pk)
    return render(request, "evenings/evening_form.html", {"form": form, "evening": evening})


@require_http_methods(["GET", "POST"])
def evening_add(request: SchoolRequest):
    return _evening_form_page(request, None)


@require_http_methods(["GET", "POST"])
def evening_edit(request: SchoolRequest, pk: int):
    evening = _get_evening_for_user(request, pk, setup=True)
    return _evening_form_page(request, evening)


def _closures(evening: Evening, sittings: Sequence[Sitting]) -> dict[int, list]:
    """For each sitting, the school holidays and in-service days on its day (one query)."""
    days = {s.pk: timezone.localtime(s.starts_at).date() for s in sittings}
    if not days:
        return {}
    entries = closed_on(evening.school, min(days.values()), max(days.values()))
    return {pk: [e for e in entries if e.starts_on <= day <= e.ends_on] for pk, day in days.items()}


def _avoiding(evening: Evening, sittings: Sequence[Sitting]) -> dict[int, int]:
    """For each sitting, how many invited parents asked to avoid its day."""
    days = {s.pk: timezone.localtime(s.starts_at).date() for s in sittings}
    if not days:
        return {}
    parents = [
        i.parent
        for i in Invitation.objects.filter(evening=evening)
        .select_related("parent")
        .prefetch_related("parent__dates_avoided")
    ]
    by_day = {day: sum(1 for p in parents if avoid_reason(p, day)) for day in set(days.values())}
    return {pk: by_day[day] for pk, day in days.items()}


@require_GET
def evening_detail(request: SchoolRequest, pk: int):
    """The event page: its sittings, who takes part, how booking is going, and warnings."""
    evening = _get_evening_for_user(request, pk)
    sittings = list(
        evening.sittings.prefetch_related("breaks")
        .annotate(slot_count=Count("slots"))
        .order_by("starts_at")
    )
    takings = list(
        Taking.objects.filter(evening=evening)
        .select_related("staff")
        .fetch_mode(models.FETCH_PEERS)
    )
    for taking in takings:
        taking.name = staff_name(taking.staff)  # type: ignore[attr-defined]
    live = Booking.objects.filter(evening=evening, cancelled_at=None)
    slots = Slot.objects.filter(evening=evening)
    counts = slots.aggregate(
        slots=Count("pk"),
        blocked=Count("pk", filter=Q(blocked=True)),
    )
    counts["booked"] = live.count()
    counts["free"] = counts["slots"] - counts["blocked"] - counts["booked"]
    counts["families"] = (
        Invitation.objects.filter(evening=evening).values("family_id").distinct().count()
    )
    counts["families_booked"] = live.values("family_id").distinct().count()
    closures = _closures(evening, sittings)
    avoiding = _avoiding(evening, sittings) if evening.may_run else {}  # type: ignore[attr-defined]
    for sitting in sittings:
        sitting.closures = closures.get(sitting.pk, [])  # type: ignore[attr-defined]
        sitting.avoiding = avoiding.get(sitting.pk, 0)  # type: ignore[attr-defined]
    audit.record(request, action=audit.VIEW, obj=evening)
    return render(
        request,
        "evenings/evening_detail.html",
        {
            "evening": evening,
            "sittings": sittings,
            "takings": takings,
            "counts": counts,
            "office": [staff_name(u) for u in evening.office.all()],
            "state": evening.state(),
        },
    )


@require_http_methods(["GET", "POST"])
def sitting_add(request: SchoolRequest, pk: int):
    evening = _get_evening_for_user(request, pk, setup=True)
    form = SittingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sitting = Sitting(
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            in_person=data["in_person"],
            phone=data["phone"],
            video=data["video"],
            place=data["place"].strip(),
        )
        try:
            services.sitting_add(evening=evening, sitting=sitting, breaks=data["break_times"])
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            notices.success(request, f"The sitting on {sitting} is added, with its times.")
            for entry in closed_on(evening.school, data["date"]):
                notices.warning(
                    request,
                    f"{data['date']:%A %-d %B} is in the school's calendar as "
                    f"{entry.get_kind_display().lower()} ({entry.name}). "
                    "Check the date before inviting families.",
                )
            return redirect("evenings:detail", evening.pk)
    return render(request, "evenings/sitting_form.html", {"form": form, "evening": evening})


@require_POST
def sitting_remove(request: SchoolRequest, pk: int):
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        raise access.refusal(school, Evening.objects.filter(sittings__pk=pk))
    sitting = Sitting.objects.filter(pk=pk, evening__school=school).first()
    if sitting is None:
        raise Http404("No such sitting.")
    evening = _get_evening_for_user(request, sitting.evening_id, setup=True)
    words = str(sitting)
    try:
        services.sitting_remove(sitting=sitting)
    except ValidationError as problem:
        notices.error(request, " ".join(problem.messages))
    else:
        notices.success(request, f"The sitting on {words} is taken away.")
    return redirect("evenings:detail", evening.pk)


@require_http_methods(["GET", "POST"])
def evening_staff(request: SchoolRequest, pk: int):
    """Who takes part, where they sit, and their video call link."""
    evening = _get_evening_for_user(request, pk, setup=True)
    form = StaffForm(request.POST or None, school=evening.school, evening=evening)
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        with transaction.atomic():
            services.taking_set(
                evening=evening,
                staff=[user for user, *_rest in chosen],
                for_everyone=[user for user, everyone, *_rest in chosen if everyone],
            )
            for user, _everyone, room, video_link in chosen:
                Taking.objects.filter(evening=evening, staff=user).update(
                    room=room, video_link=video_link
                )
        notices.success(
            request,
            f"{len(chosen)} {'person takes' if len(chosen) == 1 else 'people take'} part; "
            "their times are made.",
        )
        return redirect("evenings:detail", evening.pk)
    return render(request, "evenings/evening_staff.html", {"form": form, "evening": evening})


# Inviting ---------------------------------------------------------------------------------


def _preview(evening: Evening) -> tuple[int, list[tuple], int]:
    """Without writing: how many adults would be invited, who would not (and why), and how
    many have had an invitation already."""
    by_parent, restricted = services.invitation_plan(evening)
    left_out = sorted(
        ((by_parent[pk][0], " ".join(words)) for pk, words in restricted.items()),
        key=lambda row: (row[0].last_name, row[0].first_name),
    )
    already = (
        Message.objects.filter(
            topic=evening_messages.TOPIC.format(evening.pk), kind=Kind.EVENING_INVITE
        )
        .values("parent_id")
        .distinct()
        .count()
    )
    return len(by_parent) - len(left_out), left_out, already


@require_http_methods(["GET", "POST"])
def evening_invite(request: SchoolRequest, pk: int):
    """GET: who will be invited and who will not; POST: the invitations, through the outbox."""
    evening = _get_evening_for_user(request, pk, setup=True)
    sees_words = access.may_see_restricted_contact_details(
        request.user, evening.school, key_contact_id=None
    )
    if request.method == "POST":
        if not evening.sittings.exists():
            notices.error(request, "Add at least one sitting before inviting families.")
            return redirect("evenings:detail", evening.pk)
        sent = Message.objects.filter(
            topic=evening_messages.TOPIC.format(evening.pk), kind=Kind.EVENING_INVITE
        )
        before = set(sent.values_list("pk", flat=True))
        try:
            with transaction.atomic():
                run = services.invitations_make(evening=evening)
                queued, refused = evening_messages.invitations_send(
                    evening=evening, by=request.user
                )
        except ValidationError as problem:
            notices.error(request, " ".join(problem.messages))
            return redirect("evenings:invite", evening.pk)
        made = list(sent.exclude(pk__in=before))
        if made:
            audit.record_many(request, action=actions.SEND, objs=made)
        notices.success(
            request,
            f"{queued} invitation{'' if queued == 1 else 's'} queued in the outbox.",
        )
        unreached = [p.full_name for p, _why in refused] + [
            p.full_name for p, _w in run.not_invited
        ]
        if unreached:
            notices.warning(
                request,
                "Not sent to: " + ", ".join(unreached) + ". See the invitation page for why.",
            )
        return redirect("evenings:detail", evening.pk)
    invited, left_out, already = _preview(evening)
    return render(
        request,
        "evenings/evening_invite.html",
        {
            "evening": evening,
            "invited": invited,
            "left_out": left_out,
            "already": already,
            "sees_words": sees_words,
            "has_sittings": evening.sittings.exists(),
            "outbox_url": reverse("reaching_out:outbox"),
        },
    )


__all__ = [
    "evening_add",
    "evening_detail",
    "evening_edit",
    "evening_invite",
    "evening_list",
    "evening_staff",
    "sitting_add",
    "sitting_remove",
]
