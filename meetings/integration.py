"""How meetings show up elsewhere: the nav link, home-page panel, and the family page's section
and chronology. Registered from MeetingsConfig.ready()."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from families import extensions
from meetings import panel_rows
from meetings.models import ActionPoint, FollowUp, Meeting, MeetingAmendment, MeetingParent
from portal import access, shell
from portal.compiled import (
    IDS,
    SCHOOL,
    SHAPE,
    USER,
    Compiled,
    asked_for,
    attach_related,
    kept_many_to_many,
)
from portal.lib.staff import staff_name

PANEL_ROWS = 8
SECTION_ROWS = 10
UPCOMING_DAYS = 14


def _works_here(request) -> bool:
    return request.school is not None and access.works_with_families(request.user, request.school)


def _home_panel(request) -> dict | None:
    """My steps, overdue steps of meetings I chair, my follow-ups, my meetings coming up."""
    if not _works_here(request):
        return None
    school, user = request.school, request.user
    today = timezone.localdate()
    now = timezone.now()
    # The home page has asked which of the four reads find anything (_waiting): only those are
    # made. Each `waiting` read finds whatever its panel read would, and more.
    asks = shell.found_waiting(request, _waiting) or (True, True, True, True)
    mine = panel_rows.steps(_my_steps(user=user, school=school)) if asks[0] else []
    chaired_overdue = (
        panel_rows.steps(_chaired_overdue(user=user, school=school, today=today)) if asks[1] else []
    )
    follow_ups = _my_follow_ups(user=user, school=school) if asks[2] else []
    upcoming = (
        _upcoming(
            user=user, school=school, now=now, until=now + datetime.timedelta(days=UPCOMING_DAYS)
        )
        if asks[3]
        else []
    )
    for meeting in upcoming:
        meeting.prep_done, meeting.prep_total = meeting.preparation_counts()
    if not (mine or chaired_overdue or follow_ups or upcoming):
        return None
    return {
        "today": today,
        "my_points": mine,
        "chaired_overdue": chaired_overdue,
        "follow_ups": follow_ups,
        "upcoming": upcoming,
        # Each list's items, drawn in one go (meetings.panel_rows).
        "my_point_rows": panel_rows.my_step_rows(mine, today),
        "chaired_overdue_rows": panel_rows.chaired_overdue_rows(chaired_overdue),
        "follow_up_rows": panel_rows.follow_up_rows(follow_ups, today),
        "upcoming_rows": panel_rows.upcoming_rows(upcoming),
    }


# The panel's four reads, each built once per process and shape (portal.compiled). Only the
# columns the panel shows: a meeting row alone has some fifty, and building and reading every
# joined column cost the page more than the rows themselves.
FAMILY_NAME = "meeting__family__name"


def _open_steps(user, school):
    visible = Meeting.objects.visible_to(user, school).values("pk")
    return (
        ActionPoint.objects.filter(meeting__in=visible)
        .open()
        .select_related("meeting__family")
        .only("what", "due_on", "meeting", FAMILY_NAME)
        .fetch_mode(models.FETCH_RAISE)
    )


def _chaired(user, school):
    # A chair, and a member of staff at the meeting, always see it (Meeting.visible_to): this
    # read and the next need only the school, not the visibility subquery.
    return ActionPoint.objects.filter(meeting__school=school, meeting__chair=user)


def _my_open_follow_ups(user, school):
    return FollowUp.objects.filter(
        meeting__in=Meeting.objects.visible_to(user, school).values("pk"),
        owner=user,
        done_at__isnull=True,
    )


def _coming(user, school, now):
    return (
        Meeting.objects.filter(school=school, status=Meeting.Status.PLANNED)
        .filter(starts_at__gte=now)
        .filter(Q(chair=user) | Q(staff=user))
    )


def _waiting(*, user, school, now, today, **moments) -> list:
    """The home page asks these first (portal.shell.HomePanel): the panel's four reads, with
    every planned meeting to come rather than the next UPCOMING_DAYS."""
    return [
        _open_steps(user, school).owned_by(user),
        _chaired(user, school).overdue(today),
        _my_open_follow_ups(user, school),
        _coming(user, school, now),
    ]


# The steps come as plain rows of what the panel shows (meetings.panel_rows.Step): a step
# read as models with its meeting, family and owner was four models a row to make.
_my_steps = Compiled(
    lambda user, school: (
        _open_steps(user, school)
        .owned_by(user)
        .order_by("due_on")
        .values_list(*panel_rows.STEP_COLUMNS)[:PANEL_ROWS]
    ),
    user=USER,
    school=SCHOOL,
)
_chaired_overdue = Compiled(
    lambda user, school, today: (
        _chaired(user, school)
        .overdue(today)
        .order_by("due_on")
        .values_list(*panel_rows.STEP_COLUMNS, *panel_rows.OWNER_COLUMNS)[:PANEL_ROWS]
    ),
    user=USER,
    school=SCHOOL,
    today=datetime.date,
)
_my_follow_ups = Compiled(
    lambda user, school: (
        _my_open_follow_ups(user, school)
        .select_related("meeting__family")
        .only("due_on", "channel", "meeting", FAMILY_NAME)
        .fetch_mode(models.FETCH_RAISE)
        .order_by("due_on")[:PANEL_ROWS]
    ),
    user=USER,
    school=SCHOOL,
)
_upcoming = Compiled(
    lambda user, school, now, until: (
        _coming(user, school, now)
        .filter(starts_at__lt=until)
        .select_related("family")
        .distinct()
        .order_by("starts_at")
        .fetch_mode(models.FETCH_PEERS)[:PANEL_ROWS]
    ),
    user=USER,
    school=SCHOOL,
    now=datetime.datetime,
    until=datetime.datetime,
)


def _family_meetings(
    request, school_family, limit: int, period: extensions.Period | None = None
) -> list[Meeting]:
    """The family's meetings this user may see, withdrawn ones included (the chronology shows
    them collapsed), newest first, starting within `period` if given: read once per request
    and shared by the family page's Meetings block and its chronology. None is read where the
    family page's own row says the family has no meeting at the school at all."""
    if not getattr(school_family, "has_meetings", True):
        return []
    period = period or extensions.Period()
    return extensions.page_rows(
        request,
        f"meetings.meetings.{school_family.family_id}{period.key()}",
        limit,
        lambda n: (
            _with_related(
                _meetings_of(
                    user=request.user, school=request.school, family_id=school_family.family_id, n=n
                )
            )
            if not period
            else _meetings(request.user, request.school, school_family.family_id, period)[:n]
        ),
    )


def _has_meetings():
    """Whether the family has any meeting at the school, withdrawn ones included: carried by
    the family page's own row (extensions.register_row_annotation)."""
    return Exists(Meeting.all_objects.filter(school=OuterRef("school"), family=OuterRef("family")))


def _meetings(
    user, school, family_id: int, period: extensions.Period | None = None, *, related=True
):
    """The family's meetings this user may see, with their children and amendments (unless
    `related` is False: see _with_related)."""
    rows = Meeting.all_objects.visible_to(user, school)
    if period:
        rows = period.narrow(rows, "starts_at")
    rows = (
        rows.filter(family_id=family_id)
        .select_related("chair", "withdrawn_by")
        .order_by("-starts_at")
        .fetch_mode(models.FETCH_PEERS)
    )
    if related:
        rows = rows.prefetch_related("children", models.Prefetch("amendments", _amendments()))
    return rows


def _amendments():
    return MeetingAmendment.objects.select_related("by", "by_parent").order_by("at")


def _with_related(meetings: list) -> list:
    """Each meeting's children and amendments, as _meetings would prefetch them, from two kept
    reads for them all (portal.compiled)."""
    if meetings:
        _with_children(meetings)
        # (Only those the meetings' read says have amendments are asked for.)
        amended = asked_for(meetings, "amendments")
        amendments = _amendments_of(meeting_ids=amended) if amended else []
        attach_related(meetings, "amendments", amendments, _AMENDMENTS)
    return meetings


# The family page's meetings, over all time, and their children and amendments: each read
# built once per process and shape.
_meetings_of = Compiled(
    lambda user, school, family_id, n: _meetings(user, school, family_id, related=False).annotate(
        has_amendments=Exists(MeetingAmendment.objects.filter(meeting=OuterRef("pk")))
    )[:n],
    user=USER,
    school=SCHOOL,
    family_id=int,
    n=SHAPE,
)
_with_children = kept_many_to_many(Meeting, "children")
_amendments_of = Compiled(
    lambda meeting_ids: _amendments().filter(meeting_id__in=meeting_ids), meeting_ids=IDS
)
_AMENDMENTS = _amendments()
# The chronology's meeting follow-ups, newest first.
_follow_ups_of = Compiled(
    lambda meeting_ids, n: (
        FollowUp.objects.filter(meeting_id__in=meeting_ids)
        .select_related("owner")
        .order_by("-created_at")[:n]
    ),
    meeting_ids=IDS,
    n=SHAPE,
)


def _family_section(request, school_family) -> dict | None:
    if not _works_here(request):
        return None
    # Twice the rows shown, so a withdrawn meeting or two among the newest still leaves ten
    # (the chronology has read as many already: no second query).
    meetings = _family_meetings(request, school_family, 2 * SECTION_ROWS)
    current = [m for m in meetings if not m.is_withdrawn][:SECTION_ROWS]
    return {"meetings": current, "family_id": school_family.family_id}


def _names(people) -> str:
    return extensions.names(p.full_name for p in people)


def _meeting_rows(meeting: Meeting) -> list[extensions.ExportRow]:
    """A meeting and its amendments as CSV rows; who takes part comes from _prepare_export."""
    about = extensions.names(c.first_name for c in meeting.children.all())
    taking_part = [p.full_name for p in getattr(meeting, "taking_part", [])]
    if meeting.child_attending:
        taking_part += [c.first_name for c in meeting.children.all()]
    with_ = extensions.names(taking_part)
    summary = f"{meeting.get_kind_display()}, {meeting.get_status_display().lower()}. "
    summary += f"Purpose: {meeting.purpose}"
    if meeting.status == Meeting.Status.CANCELLED and meeting.cancelled_reason:
        summary += f" Cancelled: {meeting.cancelled_reason}"
    if meeting.summary:
        summary += f" Summary: {meeting.summary}"
    confidentiality = meeting.get_confidentiality_display()
    if meeting.is_confidential and meeting.confidentiality_reason:
        confidentiality += f". Why: {meeting.confidentiality_reason}"
    return [
        extensions.ExportRow(
            kind="Meeting",
            when=meeting.starts_at,
            who=staff_name(meeting.chair),
            with_=with_,
            about=about,
            channel=meeting.get_place_kind_display(),
            summary=summary,
            confidentiality=confidentiality,
        ),
        *extensions.amendment_rows(
            meeting.amendments.all(), of="Meeting", with_=with_, about=about
        ),
    ]


def _follow_up_rows(entry: extensions.TimelineEntry) -> list[extensions.ExportRow]:
    f, meeting = entry.obj, entry.obj.meeting
    when = extensions.day(meeting.starts_at)
    if f.is_done:
        summary = f"Done; the steps it checked are updated. Follows up the meeting of {when}."
    else:
        summary = f"Scheduled by {extensions.day(f.due_on)}. Follows up the meeting of {when}."
    return [
        extensions.ExportRow(
            kind="Meeting follow-up",
            when=entry.when,
            who=staff_name(f.owner),
            with_=_names(getattr(meeting, "taking_part", [])),
            about=extensions.names(c.first_name for c in meeting.children.all()),
            channel=f.get_channel_display(),
            summary=summary,
            confidentiality=meeting.get_confidentiality_display(),
        )
    ]


def _prepare_export(request, entries: list[extensions.TimelineEntry]) -> None:
    """Who takes part in each exported meeting (the parents and carers invited or coming, not
    those who said they cannot come or were not invited), in one query."""
    meetings = {}
    for entry in entries:
        meeting = entry.obj if isinstance(entry.obj, Meeting) else entry.obj.meeting
        meetings[meeting.pk] = meeting
        meeting.taking_part = []
    invitations = (
        MeetingParent.objects.filter(meeting_id__in=meetings)
        .exclude(response__in=[MeetingParent.Response.DECLINED, MeetingParent.Response.NOT_INVITED])
        .exclude(attended=False)
        .select_related("parent")
        .order_by("parent__first_name", "parent_id")
    )
    for invitation in invitations:
        meetings[invitation.meeting_id].taking_part.append(invitation.parent)


def _timeline(
    request, school_family, limit: int, period: extensions.Period | None = None
) -> list[extensions.TimelineEntry]:
    """Meetings (withdrawn ones collapsed) and their follow-ups, newest first, in four
    queries: the meetings, their children and amendments, and the follow-ups (one when the
    family has no meetings)."""
    if not _works_here(request):
        return []
    meetings = _family_meetings(request, school_family, limit, period)
    by_id = {m.pk: m for m in meetings if not m.is_withdrawn}
    entries = [
        extensions.TimelineEntry(
            when=m.starts_at,
            kind="meeting",
            kind_label="Meeting",
            template="includes/withdrawn_entry.html",
            obj=m,
            withdrawn=True,
        )
        if m.is_withdrawn
        else extensions.TimelineEntry(
            when=m.starts_at,
            kind="meeting",
            kind_label="Meeting",
            template="meetings/includes/timeline_meeting.html",
            obj=m,
            child_ids=frozenset(c.pk for c in m.children.all()),
            export=lambda m=m: _meeting_rows(m),
        )
        for m in meetings
    ]
    follow_ups = _follow_ups_of(meeting_ids=list(by_id), n=limit) if by_id else []
    for f in follow_ups:
        meeting = by_id[f.meeting_id]
        f.meeting = meeting
        entry = extensions.TimelineEntry(
            when=f.done_at or f.created_at,
            kind="meeting",
            kind_label="Meeting follow-up",
            template="meetings/includes/timeline_follow_up.html",
            obj=f,
            child_ids=frozenset(c.pk for c in meeting.children.all()),
        )
        entry.export = lambda entry=entry: _follow_up_rows(entry)
        entries.append(entry)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def register() -> None:
    shell.register_nav(
        shell.NavItem(
            label="Meetings", url_name="meetings:meeting-list", allowed=_works_here, order=30
        )
    )
    shell.register_panel(
        shell.HomePanel(
            template="meetings/home_panel.html", render=_home_panel, order=20, waiting=_waiting
        )
    )
    extensions.register_row_annotation("has_meetings", _has_meetings)
    extensions.register_section(
        extensions.FamilySection(
            template="meetings/family_section.html", context=_family_section, order=30
        )
    )
    extensions.register_timeline_source(
        extensions.TimelineSource(
            kind="meeting",
            kind_label="Meetings",
            entries=_timeline,
            takes_period=True,
            prepare_export=_prepare_export,
        )
    )
