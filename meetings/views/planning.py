"""Planning a meeting: the list, the plan form, the preparation checklist, invitations."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import audit
from families.access import family_for, require_family_worker
from families.labels import label_children
from families.models import SchoolFamily
from meetings import extensions, ics, sending, services
from meetings.forms import AgencyForm, CancelForm, MeetingForm
from meetings.models import ActionPoint, AgencyAttendee, Meeting
from meetings.views.access import _get_meeting_for_user
from portal import access
from portal.http import SchoolRequest
from portal.lib import conflicts, languages, letterhead, once, saving
from portal.lib.limits import parse_id
from portal.lib.staff import staff_name


def _apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the form's fields (or at the top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


MEETINGS_A_PAGE = 50


@require_GET
def meeting_list(request: SchoolRequest):
    """Meetings this person may see: coming up first, then those held, newest first."""
    require_family_worker(request)
    visible = Meeting.objects.visible_to(request.user, request.school)
    overdue = models.Count(
        "action_points",
        filter=models.Q(action_points__due_on__lt=timezone.localdate())
        & ~models.Q(action_points__status__in=ActionPoint.CLOSED)
        # A join does not go through ActionPoint.objects, so withdrawn steps are left out here.
        & models.Q(action_points__withdrawn_at__isnull=True),
    )
    rows = (
        visible.select_related("family", "chair")
        .prefetch_related(label_children(request.school, "family__children"))
        .annotate(overdue_count=overdue)
        .fetch_mode(models.FETCH_PEERS)
    )
    # Each list pages on its own (?upcoming=2, ?past=3): the 51st meeting is on page 2, not
    # nowhere.
    upcoming = Paginator(
        rows.filter(status=Meeting.Status.PLANNED).order_by("starts_at", "pk"), MEETINGS_A_PAGE
    ).get_page(request.GET.get("upcoming"))
    past = Paginator(
        rows.exclude(status=Meeting.Status.PLANNED).order_by("-starts_at", "-pk"), MEETINGS_A_PAGE
    ).get_page(request.GET.get("past"))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "upcoming": list(upcoming.object_list),
            "past": list(past.object_list),
            "upcoming_page": upcoming,
            "past_page": past,
        },
    )


def _links_asked(request: SchoolRequest) -> dict[str, int]:
    """The records the new meeting is to be linked to, e.g. {"complaint": 12}, from the URL or
    the form (see meetings.extensions)."""
    asked = {}
    for plan_link in extensions.plan_links():
        raw = request.POST.get(plan_link.param) or request.GET.get(plan_link.param) or ""
        if (record_id := parse_id(raw)) is not None:
            asked[plan_link.param] = record_id
    return asked


@require_http_methods(["GET", "POST"])
def meeting_add(request: SchoolRequest, family_pk: int):
    """Plan a meeting with a family; clashes are shown as warnings after saving."""
    school_family = family_for(request, family_pk)
    family = school_family.family
    if done := once.earlier(request):  # sent twice: the first one planned the meeting
        return redirect(done)
    previous = None
    if previous_id := (request.GET.get("previous") or request.POST.get("previous") or ""):
        previous = (
            Meeting.objects.visible_to(request.user, request.school)
            .filter(family=family, pk=parse_id(previous_id) or 0)
            .first()
        )
    links = _links_asked(request)
    initial = {"chair": request.user.pk}
    if child_id := parse_id(request.GET.get("child") or ""):
        initial["children"] = [child_id]  # the form keeps it only if it is this family's, here
    kind = request.GET.get("kind")
    if kind in Meeting.Kind.values:
        initial["kind"] = kind
    if previous is not None:
        initial |= {
            "kind": previous.kind,
            "purpose": f"Review of the meeting on "
            f"{previous.starts_at:%-d %B %Y}: {previous.purpose}"[:1000],
        }
    form = MeetingForm(
        request.POST or None,
        school=request.school,
        family=family,
        initial=initial,
        may_override=_may_override(request, school_family.key_contact_id),
    )
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                # One transaction: a complaint that cannot be linked leaves no meeting behind.
                with once.spend(request) as spent:
                    meeting = services.meeting_schedule(
                        school=request.school,
                        family=family,
                        chair=form.cleaned_data["chair"],
                        created_by=request.user,
                        previous=previous,
                        **form.service_kwargs(),
                    )
                    for plan_link in extensions.plan_links():
                        if plan_link.param in links:
                            plan_link.link(
                                record_id=links[plan_link.param],
                                meeting=meeting,
                                user=request.user,
                            )
                    spent.made(meeting, meeting_url(meeting))
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return _saved(request, meeting, "The meeting is planned.")
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "family": family,
            "previous": previous,
            "links": links,
            "is_new": True,
        },
    )


def _key_contact_id(meeting: Meeting) -> int | None:
    return (
        SchoolFamily.objects.filter(school=meeting.school_id, family=meeting.family_id)
        .values_list("key_contact_id", flat=True)
        .first()
    )


def _may_override(request: SchoolRequest, key_contact_id: int | None) -> bool:
    return access.may_override_restriction(
        request.user, request.school, key_contact_id=key_contact_id
    )


def _saved(request: SchoolRequest, meeting, message: str):
    """After saving a plan: say so, warn of any clash (never a block), show the plan."""
    messages.success(request, message)
    for warning in services.meeting_conflicts(
        meeting, staff_ids=[u.pk for u in meeting.staff.all()]
    ):
        messages.warning(request, warning)
    return redirect("meetings:meeting-plan", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: SchoolRequest, pk: int):
    """Change a planned meeting's time, place and people."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    form = MeetingForm(
        request.POST or None,
        instance=meeting,
        school=request.school,
        family=meeting.family,
        may_override=_may_override(request, _key_contact_id(meeting)),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        kwargs["chair"] = form.cleaned_data["chair"]
        kwargs["changed_by"] = request.user
        with saving.kept_if_connection_lost(request, form):
            try:
                with transaction.atomic():
                    conflicts.check_unchanged(meeting, form.cleaned_data.get(conflicts.FIELD))
                    services.meeting_update(meeting=meeting, **kwargs)
            except conflicts.EditConflict as exc:
                theirs = MeetingForm(
                    instance=exc.current, school=request.school, family=meeting.family
                )
                conflict = conflicts.compare(form, theirs)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return _saved(request, meeting, "The meeting plan is saved.")
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "family": meeting.family,
            "meeting": meeting,
            "is_new": False,
            "conflict": conflict,
        },
    )


def visible_last_steps(request: SchoolRequest, meeting: Meeting) -> list[ActionPoint]:
    """The steps of the meeting this one reviews, in the order to go through them; none if it
    reviews no meeting, or one this person may not see."""
    if not meeting.previous_id or not (
        Meeting.objects.visible_to(request.user, request.school)
        .filter(pk=meeting.previous_id)
        .exists()
    ):
        return []
    return meeting.steps_from_last_meeting()


def _plan_context(request: SchoolRequest, meeting: Meeting) -> dict:
    invitations = list(meeting.invitations.select_related("parent", "override_by"))
    restrictions = services.restrictions_by_parent(meeting.family_id)
    for inv in invitations:
        inv.restriction = restrictions.get(inv.parent_id, "")
        # Letters and calendar files are made only for those invited whom no recorded
        # restriction protects, or whom a member of staff decided, with a reason, to invite.
        inv.may_send = inv.response != inv.Response.NOT_INVITED and (
            not inv.restriction
            or (inv.is_overridden and inv.override_restriction == inv.restriction)
        )
    agencies = list(meeting.agencies.all())
    # Beside each partner agency: the family's consent to share with that organisation, if any.
    from consent.sections import attach_to_agencies

    attach_to_agencies(meeting.school_id, meeting.family_id, agencies)
    done, applicable = meeting.preparation_counts()
    return {
        "extra_sections": extensions.sections_for(request, meeting, "plan"),
        "meeting": meeting,
        "family": meeting.family,
        "children": list(meeting.children.all()),
        "invitations": invitations,
        "agencies": agencies,
        "last_steps": visible_last_steps(request, meeting),
        "preparation": meeting.preparation(),
        "prep_done": done,
        "prep_total": applicable,
        "warnings": services.meeting_conflicts(
            meeting, staff_ids=[u.pk for u in meeting.staff.all()]
        )
        if meeting.status == Meeting.Status.PLANNED
        else [],
        "agency_form": AgencyForm(),
        "record_locked": services.summary_locked(meeting),
        "cancel_form": CancelForm(),
    }


@require_GET
def meeting_plan(request: SchoolRequest, pk: int):
    """The plan: when, where, who, and the preparation checklist shown done / not done."""
    meeting = _get_meeting_for_user(request, pk)
    audit.record(request, action=audit.VIEW, obj=meeting, family=meeting.family_id)
    return render(request, "meetings/meeting_plan.html", _plan_context(request, meeting))


@require_POST
def preparation_toggle(request: SchoolRequest, pk: int):
    """Tick or untick one preparation item; htmx gets the checklist back, others a redirect."""
    meeting = _get_meeting_for_user(request, pk, write=True)
    try:
        services.preparation_set(
            meeting=meeting,
            item=request.POST.get("item", ""),
            done=request.POST.get("done") == "1",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.htmx:
        return render(
            request, "meetings/meeting_plan.html#preparation", _plan_context(request, meeting)
        )
    return redirect(reverse("meetings:meeting-plan", args=[meeting.pk]) + "#preparation")


@require_POST
def agency_add(request: SchoolRequest, pk: int):
    meeting = _get_meeting_for_user(request, pk, write=True)
    people_url = reverse("meetings:meeting-plan", args=[meeting.pk]) + "#people"
    if done := once.earlier(request, fallback=people_url):  # sent twice: added already
        return redirect(done)
    form = AgencyForm(request.POST)
    if form.is_valid():
        try:
            with once.spend(request) as spent:
                spent.made(services.agency_add(meeting=meeting, **form.cleaned_data), people_url)
        except once.AlreadySubmitted as exc:
            return redirect(exc.url)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The partner agency is added.")
            return redirect(people_url)
    context = _plan_context(request, meeting) | {"agency_form": form}
    return render(request, "meetings/meeting_plan.html", context, status=400)


@require_POST
def agency_remove(request: SchoolRequest, pk: int, agency_pk: int):
    meeting = _get_meeting_for_user(request, pk, write=True)
    agency = get_object_or_404(AgencyAttendee, meeting=meeting, pk=agency_pk)
    agency.meeting = meeting
    try:
        services.agency_remove(agency=agency)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The partner agency is removed from this meeting.")
    return redirect(reverse("meetings:meeting-plan", args=[meeting.pk]) + "#people")


@require_POST
def meeting_cancel(request: SchoolRequest, pk: int):
    meeting = _get_meeting_for_user(request, pk, write=True)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(meeting=meeting, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "The meeting is cancelled. Remember to tell the family.")
        return redirect("meetings:meeting-plan", pk=meeting.pk)
    context = _plan_context(request, meeting) | {"cancel_form": form}
    return render(request, "meetings/meeting_plan.html", context, status=400)


def refused_for_restriction(request: SchoolRequest, meeting: Meeting, message: str):
    """The plain answer when something would go to a parent or carer a recorded restriction
    protects from it (403: the member of staff may see the meeting, not send this)."""
    return render(
        request,
        "meetings/restriction_refusal.html",
        {"meeting": meeting, "family": meeting.family, "message": message},
        status=403,
    )


def chosen_recipient(request: SchoolRequest, meeting: Meeting, people: sending.Recipients):
    """The parent or carer named by ?parent= (None if none is named); one not in the
    meeting's family is a 404."""
    raw = request.GET.get("parent")
    if raw is None:
        return None
    parent = people.parent(raw) if raw.isdigit() else None
    if parent is None:
        raise Http404("No such parent or carer in this family.")
    return parent


def _invited_recipient(request: SchoolRequest, meeting: Meeting, people: sending.Recipients):
    """The invited parent or carer named by ?parent= (None if none is named), and the refusal
    page to answer instead when a recorded restriction stops anything going to them; a parent
    or carer not invited is a 404."""
    parent = chosen_recipient(request, meeting, people)
    if parent is None:
        return None, None
    if refusal := people.refusal(parent):
        return parent, refused_for_restriction(request, meeting, refusal)
    if not people.is_invited(parent):
        raise Http404("This parent or carer is not invited.")
    return parent, None


@require_GET
def meeting_ics(request: SchoolRequest, pk: int):
    """A calendar invitation (.ics): for staff, or with ?parent= for one parent or carer (never
    for one a recorded restriction protects, unless a member of staff decided so)."""
    meeting = _get_meeting_for_user(request, pk)
    people = sending.recipients(meeting)
    parent, refused = _invited_recipient(request, meeting, people)
    if refused is not None:
        return refused
    audit.record(request, action=audit.EXPORT, obj=meeting, family=meeting.family_id)
    if parent is None:
        body = ics.meeting_ics(meeting, url=request.build_absolute_uri(meeting_url(meeting)))
        filename = f"meeting-{meeting.pk}.ics"
    else:
        body = ics.parent_ics(meeting, place=people.place_for(parent))
        filename = f"meeting-{meeting.pk}-parent-{parent.pk}.ics"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting-plan", args=[meeting.pk])


@require_GET
def meeting_letter(request: SchoolRequest, pk: int):
    """A plain-language invitation letter for each invited parent or carer (or, with ?parent=,
    for one), ready to print. None goes to someone a recorded restriction protects unless a
    member of staff decided so; no letter gives another adult's address or number."""
    meeting = _get_meeting_for_user(request, pk)
    people = sending.recipients(meeting)
    parent, refused = _invited_recipient(request, meeting, people)
    if refused is not None:
        return refused
    audit.record(request, action=audit.PRINT, obj=meeting, family=meeting.family_id)
    context = _plan_context(request, meeting)
    invited = [i for i in context["invitations"] if i.response != i.Response.NOT_INVITED]
    if parent is not None:
        invited = [i for i in invited if i.parent_id == parent.pk]
    context["coming"] = [
        i
        for i in context["invitations"]
        if i.response != i.Response.NOT_INVITED and not people.refusal(i.parent)
    ]
    context["refusals"] = [people.refusal(i.parent) for i in invited if people.refusal(i.parent)]
    context["invited"] = [i for i in invited if not people.refusal(i.parent)]
    for inv in context["invited"]:
        inv.place = people.place_for(inv.parent)
        inv.children = people.children_of(inv.parent, context["children"])
        # Each letter in its reader's language, where we have it (portal.lib.languages).
        inv.language_code = languages.code_for(inv.parent.language) or languages.ENGLISH
        with translation.override(inv.language_code):
            inv.children_names = f" {gettext('and')} ".join(c.first_name for c in inv.children)
    # The chair leads the meeting and signs the letter: questions go to them.
    context["chair_name"] = staff_name(meeting.chair)
    context["chair_title"] = letterhead.job_title(meeting.chair, meeting.school)
    context["contact_lines"] = letterhead.contact_lines(
        school=meeting.school, person=meeting.chair, title=context["chair_title"]
    )
    return render(request, "meetings/meeting_letter.html", context)
