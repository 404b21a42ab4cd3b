"""Complaints: linking a complaint to its meeting, the headteacher's response-time overview,
and the point of contact's home panel."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from families import extensions
from meetings.models import Complaint
from portal import access, shell
from portal.lib.terms import term_containing

DAY = datetime.timedelta(days=1)


def complaint_link_meeting(*, complaint_id: int, meeting, user) -> Complaint:
    """Record that `meeting` was arranged to resolve the complaint (same school and family).

    Raises ValidationError, never a 500 or 403, so the meeting-add view can show a warning
    after the meeting itself is saved; a complaint the user may not see reads as not found.
    """
    not_found = ValidationError(
        {"meeting": "The complaint could not be found, so the meeting is not linked to it."}
    )
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .filter(pk=complaint_id)
            .select_related("school")
        ).first()
        if complaint is None or not access.may_see_complaint(
            user, complaint.school, point_of_contact_id=complaint.point_of_contact_id
        ):
            raise not_found
        if meeting.school_id != complaint.school_id:
            raise not_found
        if meeting.family_id != complaint.family_id:
            raise ValidationError(
                {"meeting": "The complaint is from another family, so the meeting is not linked."}
            )
        complaint.meeting = meeting
        complaint.full_clean()
        complaint.save(update_fields=["meeting", "updated_at"])
    return complaint


# --- The response-time overview -------------------------------------------------------------


def term_of(when: datetime.datetime) -> tuple[int, int, str]:
    """The school term a moment falls in, as (sort year, sort order, label)."""
    day = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    term = term_containing(day)
    return (term.start.year, term.order, term.label.replace(" term", ""))


@dataclass
class TermFigures:
    label: str
    received: int
    responded: int
    median_days: float | None
    average_days: float | None
    resolved: int


def _days(duration: datetime.timedelta) -> float:
    return duration / DAY


def response_overview(school, *, terms: int = 6) -> dict:
    """Open complaints, and per term the median and average days from receipt to first
    personal response (the durations are worked out by the database)."""
    rows = list(
        Complaint.objects.filter(school=school)
        .with_response_time()
        .values_list("received_at", "response_time", "status")
    )
    by_term: dict[tuple, dict] = {}
    for received_at, response_time, status in rows:
        key = term_of(received_at)
        bucket = by_term.setdefault(key, {"received": 0, "resolved": 0, "days": []})
        bucket["received"] += 1
        bucket["resolved"] += status == Complaint.Status.RESOLVED
        if response_time is not None:
            bucket["days"].append(_days(response_time))
    figures = [
        TermFigures(
            label=key[2],
            received=bucket["received"],
            responded=len(bucket["days"]),
            median_days=round(statistics.median(bucket["days"]), 1) if bucket["days"] else None,
            average_days=round(statistics.fmean(bucket["days"]), 1) if bucket["days"] else None,
            resolved=bucket["resolved"],
        )
        for key, bucket in sorted(by_term.items(), reverse=True)[:terms]
    ]
    all_days = [d for bucket in by_term.values() for d in bucket["days"]]
    open_count = sum(1 for _r, _t, status in rows if status != Complaint.Status.RESOLVED)
    waiting_first = sum(
        1 for _r, t, status in rows if t is None and status != Complaint.Status.RESOLVED
    )
    return {
        "open_count": open_count,
        "waiting_first_response": waiting_first,
        "median_days": round(statistics.median(all_days), 1) if all_days else None,
        "average_days": round(statistics.fmean(all_days), 1) if all_days else None,
        "terms": figures,
    }


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
            who=contact.get_full_name() or contact.get_username(),
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
                    template="meetings/includes/timeline_complaint.html",
                    obj=c,
                    export=lambda c=c: _complaint_rows(c),
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
    waiting = (
        Complaint.objects.filter(school=school, point_of_contact=request.user)
        .waiting_for_reply()
        .select_related("family")
        .order_by("received_at", "pk")
    )
    shown = list(waiting[: PANEL_LIMIT + 1])
    if not shown:
        return None
    return {
        "complaints": shown[:PANEL_LIMIT],
        "more": len(shown) > PANEL_LIMIT,
        "list_url": reverse("meetings:complaint-list") + "?mine=1",
    }


def _family_complaints(
    request, school_family, limit: int, period: extensions.Period | None = None
) -> list[Complaint]:
    """The family's complaints this user may see (access.may_see_complaint: those who handle
    complaints, and each one's point of contact), withdrawn ones included, newest first,
    received within `period` if given: read once per request and shared by the family page's
    Complaints block and its chronology."""
    period = period or extensions.Period()
    return extensions.page_rows(
        request,
        f"meetings.complaints.{school_family.family_id}{period.key()}",
        limit,
        lambda n: (
            period.narrow(
                Complaint.all_objects.visible_to(request.user, school_family.school),
                "received_at",
            )
            .filter(family_id=school_family.family_id)
            .select_related("withdrawn_by", "raised_by", "point_of_contact")
            .order_by("-received_at", "-pk")[:n]
        ),
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


def register() -> None:
    """Called from MeetingsConfig.ready(): the nav link for those who handle complaints, the
    home panel for points of contact, and the complaints block and chronology entries on the
    family page."""
    shell.register_nav(
        shell.NavItem(
            label="Complaints", url_name="meetings:complaint-list", allowed=_nav_allowed, order=60
        )
    )
    shell.register_panel(
        shell.HomePanel(
            template="meetings/complaint_home_panel.html", render=_panel_context, order=20
        )
    )
    extensions.register_section(
        extensions.FamilySection(
            template="meetings/complaint_family_section.html", context=_family_section, order=35
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
