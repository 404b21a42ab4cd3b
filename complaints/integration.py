"""How complaints show up elsewhere: the nav link, the point of contact's home panel, the
family page's Complaints block and chronology entries, and the meeting-add form's link to the
complaint it resolves. Registered from ComplaintsConfig.ready()."""

from __future__ import annotations

import functools

from django.db.models import Exists, OuterRef
from django.urls import reverse

from complaints import services
from complaints.models import Complaint
from families import extensions
from meetings import extensions as meeting_extensions
from portal import access, shell
from portal.compiled import SCHOOL, SHAPE, USER, Compiled
from portal.lib.staff import staff_name

# --- The family page ------------------------------------------------------------------------

# The Complaints block lists every complaint of the family (a family has a handful at most).
SECTION_ALL = 1000
KIND = "complaint"
KIND_LABEL = "Complaint"
WHO_MAY_SEE = "Pastoral team, headteacher and the complaint's point of contact"


def _raised_by(complaint: Complaint) -> str:
    if complaint.raised_by is not None:
        return complaint.raised_by.full_name
    return complaint.raised_by_name


def _complaint_rows(complaint: Complaint) -> list[extensions.ExportRow]:
    """A complaint as a row of the chronology's CSV."""
    summary = f"{complaint.get_status_display()}. {complaint.about}"
    if complaint.outcome:
        summary += f" Outcome: {complaint.outcome}"
    contact = complaint.point_of_contact
    return [
        extensions.ExportRow(
            kind=KIND_LABEL,
            when=complaint.received_at,
            who=staff_name(contact),
            with_=_raised_by(complaint),
            channel=complaint.get_received_how_display(),
            summary=summary,
            confidentiality=WHO_MAY_SEE,
        )
    ]


def _timeline(request, school_family, limit: int, period=None) -> list[extensions.TimelineEntry]:
    """The family's complaints in the chronology, for those who may see them only; withdrawn
    ones collapsed with the reason. One query, shared with the Complaints block."""
    entries = []
    for c in _family_complaints(request, school_family, limit, period):
        if c.is_withdrawn:
            entries.append(
                extensions.TimelineEntry(
                    when=c.received_at,
                    kind=KIND,
                    kind_label=KIND_LABEL,
                    template="includes/withdrawn_entry.html",
                    obj=c,
                    withdrawn=True,
                )
            )
        else:
            entries.append(
                extensions.TimelineEntry(
                    when=c.received_at,
                    kind=KIND,
                    kind_label=KIND_LABEL,
                    template="complaints/includes/timeline_complaint.html",
                    obj=c,
                    export=functools.partial(_complaint_rows, c),
                )
            )
    return entries


def _offered(request) -> bool:
    """The type filter offers complaints to those who handle them (a point of contact among
    the other staff finds theirs under "Everything")."""
    school = getattr(request, "school", None)
    return school is not None and access.handles_complaints(request.user, school)


# --- Home panel -----------------------------------------------------------------------------

PANEL_LIMIT = 5


def _panel_context(request) -> dict | None:
    """Complaints this person is point of contact for that still wait for a personal reply."""
    school = getattr(request, "school", None)
    if school is None or not access.works_with_families(request.user, school):
        return None
    shown = _waiting_on_me(user=request.user, school=school)
    if not shown:
        return None
    return {
        "complaints": shown[:PANEL_LIMIT],
        "more": len(shown) > PANEL_LIMIT,
        "list_url": reverse("complaints:complaint-list") + "?mine=1",
    }


def _mine_to_answer(user, school):
    return Complaint.objects.filter(school=school, point_of_contact=user).waiting_for_reply()


def _waiting(*, user, school, **moments) -> list:
    """The home page asks this first (portal.shell.HomePanel): the panel's own read."""
    return [_mine_to_answer(user, school)]


# The home page's read, built once per process and shape (portal.compiled).
_waiting_on_me = Compiled(
    lambda user, school: (
        _mine_to_answer(user, school)
        .select_related("family")
        .order_by("received_at", "pk")[: PANEL_LIMIT + 1]
    ),
    user=USER,
    school=SCHOOL,
)


def _family_complaints(
    request, school_family, limit: int, period: extensions.Period | None = None
) -> list[Complaint]:
    """The family's complaints this user may see (access.may_see_complaint: those who handle
    complaints, and each one's point of contact), withdrawn ones included, newest first,
    received within `period` if given: read once per request and shared by the family page's
    Complaints block and its chronology. None is read where the family page's own row says the
    family has no complaint at the school at all (most families)."""
    if not getattr(school_family, "has_complaints", True):
        return []
    period = period or extensions.Period()
    return extensions.page_rows(
        request,
        f"complaints.{school_family.family_id}{period.key()}",
        limit,
        lambda n: (
            _complaints_of(
                user=request.user,
                school=school_family.school,
                family_id=school_family.family_id,
                n=n,
            )
            if not period
            else list(
                _complaints(request.user, school_family.school, school_family.family_id, period)[:n]
            )
        ),
    )


def _complaints(user, school, family_id: int, period: extensions.Period | None = None):
    rows = Complaint.all_objects.visible_to(user, school)
    if period:
        rows = period.narrow(rows, "received_at")
    return (
        rows.filter(family_id=family_id)
        .select_related("withdrawn_by", "raised_by", "point_of_contact")
        .order_by("-received_at", "-pk")
    )


def _has_complaints():
    """Whether the family has any complaint at the school, withdrawn ones included: carried by
    the family page's own row (extensions.register_row_annotation)."""
    return Exists(
        Complaint.all_objects.filter(school=OuterRef("school"), family=OuterRef("family"))
    )


# The family page's complaints, over all time: built once per process and shape.
_complaints_of = Compiled(
    lambda user, school, family_id, n: _complaints(user, school, family_id)[:n],
    user=USER,
    school=SCHOOL,
    family_id=int,
    n=SHAPE,
)


def _family_section(request, school_family) -> dict | None:
    """The family's complaints on the family page, for whoever may see them; hidden otherwise."""
    school = school_family.school
    handles = access.handles_complaints(request.user, school)
    # Withdrawn complaints come in the same query and are shown collapsed, with the reason.
    rows = _family_complaints(request, school_family, SECTION_ALL)
    complaints = [c for c in rows if not c.is_withdrawn]
    withdrawn = [c for c in rows if c.is_withdrawn]
    if not rows and not handles:
        return None
    return {
        "complaints": complaints,
        "withdrawn": withdrawn,
        "family_id": school_family.family_id,
        "may_add": handles,
    }


def _nav_allowed(request) -> bool:
    school = getattr(request, "school", None)
    return school is not None and access.handles_complaints(request.user, school)


def _link_meeting(*, record_id: int, meeting, user) -> None:
    """A meeting planned from a complaint's page is linked to it (looked up at call time, so a
    test can stand in for the service)."""
    services.complaint_link_meeting(complaint_id=record_id, meeting=meeting, user=user)


def register() -> None:
    """Called from ComplaintsConfig.ready(): the nav link for those who handle complaints, the
    home panel for points of contact, the complaints block and chronology entries on the family
    page, and the `?complaint=` link of the meeting-add form."""
    shell.register_nav(
        shell.NavItem(
            label="Complaints", url_name="complaints:complaint-list", allowed=_nav_allowed, order=60
        )
    )
    shell.register_panel(
        shell.HomePanel(
            template="complaints/complaint_home_panel.html",
            render=_panel_context,
            order=20,
            waiting=_waiting,
        )
    )
    extensions.register_row_annotation("has_complaints", _has_complaints)
    extensions.register_section(
        extensions.FamilySection(
            template="complaints/complaint_family_section.html", context=_family_section, order=35
        )
    )
    extensions.register_timeline_source(
        extensions.TimelineSource(
            kind=KIND,
            kind_label="Complaints",
            entries=_timeline,
            order=60,
            takes_period=True,
            shown=_offered,
        )
    )
    meeting_extensions.register_plan_link(
        meeting_extensions.PlanLink(param="complaint", link=_link_meeting)
    )
