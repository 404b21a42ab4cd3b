"""Before a meeting: the parent's page behind a "views" link (why, when, where, who, how long,
and a short form for their views), and the chair's "dealt with" on a request for another time.

The parent's page names the school's staff and the partner agencies by their role, never
another parent or carer: separated parents must not learn about each other through it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from families.models import ParentCarer
from family_voice import before, services
from family_voice.forms_before import ViewsForm
from family_voice.models import ParentLink, ParentViews
from meetings.models import AgencyKind, Meeting
from meetings.sending import mentions_contact_details
from portal import access
from portal.http import SchoolRequest
from portal.lib import clock
from portal.lib.staff import staff_name
from portal.models import ClassGroup, Membership, Role


def _kind_words(kind: str) -> str:
    words: dict[str, str] = {
        Meeting.Kind.SOLUTION_ORIENTED: _(
            "A meeting to talk about what is working, and to plan small next steps together."
        ),
        Meeting.Kind.TRANSITION: _("A meeting to plan a move, such as to a new class or school."),
        Meeting.Kind.MULTI_AGENCY: _(
            "A meeting with the school and other services that help your family."
        ),
        Meeting.Kind.RETURN_AFTER_EXCLUSION: _("A meeting to plan your child's return to school."),
        Meeting.Kind.COMPLAINT_RESOLUTION: _("A meeting to sort out a worry you told us about."),
        Meeting.Kind.INFORMAL: _("A friendly chat."),
    }
    return words.get(kind, "")


def _agency_words(kind: str) -> str:
    words: dict[str, str] = {
        AgencyKind.SOCIAL_WORK: _("a social worker"),
        AgencyKind.HEALTH: _("someone from the health service"),
        AgencyKind.HEALTH_VISITOR: _("a health visitor"),
        AgencyKind.EARLY_YEARS: _("someone from your child's nursery"),
        AgencyKind.EDUCATIONAL_PSYCHOLOGY: _("an educational psychologist"),
        AgencyKind.VOLUNTARY: _("someone from a charity or support group"),
    }
    return words.get(kind) or _("someone from a service that works with your family")


def _place(meeting: Meeting, parent: ParentCarer) -> tuple[str, str]:
    """(where, details) as told to this parent: a home visit's address and a phone meeting's
    number are never given (they may be another adult's), nor details holding another adult's
    phone number or e-mail address."""
    kind = meeting.place_kind
    if kind == Meeting.Place.HOME:
        return _("At home (the address we agreed with you)."), ""
    if kind == Meeting.Place.PHONE:
        return _("By phone. We will call you on the number you gave us."), ""
    places: dict[str, str] = {
        Meeting.Place.SCHOOL_ROOM: _("In a quiet, private room at school."),
        Meeting.Place.COMMUNITY: _("At a place in the community."),
        Meeting.Place.VIDEO: _("By video call."),
    }
    where = places.get(kind, "")
    details = meeting.place_details.strip()
    others = ParentCarer.objects.filter(family_id=meeting.family_id).exclude(pk=parent.pk)
    if details and mentions_contact_details(details, others):
        return where, _("We will tell you the details before the meeting.")
    return where, details


def _who(meeting: Meeting, children, *, school, english: bool) -> list[dict]:
    """The school's staff at the meeting, by name and role in plain words, the chair first;
    then the partner agencies by their role. Never another parent or carer."""
    people = list(dict.fromkeys([meeting.chair, *sorted(meeting.staff.all(), key=staff_name)]))
    ids = [u.pk for u in people]
    memberships = {
        m.user_id: m
        for m in Membership.objects.active().filter(school_id=meeting.school_id, user_id__in=ids)
    }
    taught: dict[int, list[str]] = {}
    groups = {c.class_group_id: c for c in children if c.class_group_id}
    rows = ClassGroup.staff.through.objects.filter(classgroup_id__in=groups, user_id__in=ids)
    for group_id, user_id in rows.values_list("classgroup_id", "user_id"):
        names = [c.first_name for c in children if c.class_group_id == group_id]
        taught.setdefault(user_id, []).extend(names)
    lead_id = school.pastoral_lead_id
    who = []
    for user in people:
        membership = memberships.get(user.pk)
        if user.pk in taught:
            role = _("%(children)s's teacher") % {
                "children": get_text_list(taught[user.pk], _("and"))
            }
        elif user.pk == lead_id:
            role = _("the school's pastoral lead")
        elif english and membership is not None and membership.job_title.strip():
            role = membership.job_title.strip()
        elif membership is not None and membership.role == Role.PASTORAL:
            role = _("who supports pupils and families at the school")
        elif membership is not None and membership.role == Role.HEADTEACHER:
            role = _("a senior leader at the school")
        else:
            role = _("a member of staff at the school")
        who.append({"name": staff_name(user), "role": role, "chair": user == meeting.chair})
    for agency in meeting.agencies.all():
        words = _agency_words(agency.kind)
        if english and agency.kind == AgencyKind.OTHER and agency.role.strip():
            words = agency.role.strip()
        if agency.organisation.strip():
            words = _("%(who)s from %(organisation)s") % {
                "who": words,
                "organisation": agency.organisation.strip(),
            }
        who.append({"name": "", "role": words[:1].upper() + words[1:], "chair": False})
    return who


def _when(meeting: Meeting, english: bool) -> tuple[str, str, str]:
    local = timezone.localtime(meeting.starts_at)
    day = formats.date_format(local, "l j F Y")
    time = clock.time_of_day(local) if english else formats.time_format(local, "TIME_FORMAT")
    minutes = meeting.duration_minutes
    how_long = ngettext(
        "It will take about %(minutes)s minute.",
        "It will take about %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
    return day, time, how_long


def _answers(views: ParentViews | None, form: ViewsForm) -> list[tuple[str, str]]:
    """The parent's saved answers as they see them: (question, their words)."""
    if views is None:
        return []
    fields = form.fields
    shown = []
    for name in ("best_hopes", "going_well", "to_talk_about"):
        if getattr(views, name).strip():
            shown.append((str(fields[name].label), getattr(views, name)))
    if views.time_suits:
        choices = dict(fields["time_suits"].choices)  # type: ignore[attr-defined]
        words = str(choices[views.time_suits])
        if views.other_times:
            words += f" ({views.other_times})"
        shown.append((str(fields["time_suits"].label), words))
    if views.interpreter:
        shown.append((str(fields["interpreter"].label), views.interpreter_language))
    if views.supporter:
        shown.append((str(fields["supporter"].label), views.supporter_who))
    if views.take_part:
        choices = dict(fields["take_part"].choices)  # type: ignore[attr-defined]
        shown.append((str(fields["take_part"].label), str(choices[views.take_part])))
    return shown


def page(request: SchoolRequest, link: ParentLink, token: str) -> HttpResponse:
    """The parent's page for their views before a meeting (GET draws it, POST saves them)."""
    meeting = link.meeting
    if meeting is None:
        raise Http404("No meeting.")
    parent = link.parent
    english = (translation.get_language() or "").startswith("en")
    views = before.views_of(link)
    closed = before.why_closed(meeting)
    saved = False
    form = ViewsForm(initial=ViewsForm.initial_for(views, recorded_language=parent.language))
    if request.method == "POST" and closed is None:
        form = ViewsForm(request.POST)
        if form.is_valid():
            try:
                views, _created = before.views_give(link=link, answers=form.cleaned_data)
            except ValidationError:
                meeting.refresh_from_db()
                closed = before.why_closed(meeting)
                if closed is None:  # not closed: something in the answers (already checked)
                    form.add_error(None, _("Sorry, we could not keep that. Please try again."))
            else:
                saved = True
                form = ViewsForm(initial=ViewsForm.initial_for(views, recorded_language=""))
    children = [
        cp.child
        for cp in services.entitled_children(school=link.school, parent=parent, meeting=meeting)
        .select_related("child")
        .order_by("child__first_name")
    ]
    day, time, how_long = _when(meeting, english)
    where, where_details = _place(meeting, parent)
    return render(
        request,
        "family_voice/before.html",
        {
            "token": token,
            "school_name": link.school.name,
            "parent": parent,
            "meeting": meeting,
            "children": get_text_list([c.first_name for c in children], _("and")),
            "kind_words": _kind_words(meeting.kind),
            "purpose_in_english": not english,
            "day": day,
            "time": time,
            "how_long": how_long,
            "where": where,
            "where_details": where_details,
            "who": _who(meeting, children, school=link.school, english=english),
            "child_comes": meeting.child_attending and bool(children),
            # Only an interpreter booked in this parent's own language is named: one for another
            # adult would tell them something about that adult.
            "interpreter": meeting.interpreter_needed
            and meeting.interpreter_language.strip().casefold()
            == parent.language.strip().casefold(),
            "form": form,
            "views": views,
            "answers": _answers(views, form),
            "saved": saved,
            "closed": closed,
        },
    )


@require_POST
def time_dealt_with(request: SchoolRequest, pk: int) -> HttpResponse:
    """A parent's request for another time is dealt with: by the meeting's chair, its staff,
    pastoral staff and the headteacher (as for changing the meeting). Others who may see the
    meeting get 403; those who may not, 404."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        raise access.refusal(school, ParentViews.objects.filter(pk=pk))
    views = ParentViews.objects.filter(pk=pk, school=school).select_related("parent").first()
    if views is None:
        raise Http404("No such views.")
    meeting = (
        Meeting.objects.visible_to(request.user, school)
        .prefetch_related("staff")
        .filter(pk=views.meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting.")
    if not access.may_change_meeting(
        request.user,
        school,
        chair_id=meeting.chair_id,
        staff_ids=[u.pk for u in meeting.staff.all()],
    ):
        raise PermissionDenied
    before.views_time_dealt_with(views=views, by=request.user)
    messages.success(
        request, f"{views.parent.full_name}'s request for another time is marked as dealt with."
    )
    return redirect(reverse("meetings:meeting-plan", args=[meeting.pk]) + "#parents-views")
