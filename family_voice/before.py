"""Before a meeting: a parent's views, given through their link, and what staff see of them.

Writes: the parent's own (`views_give`, no member of staff named in the history) and the
chair's "dealt with" on a request for another time (`views_time_dealt_with`). Reads: the block
on the meeting plan and record pages, the chair's home panel of times to rearrange, and the
entries in the family's chronology, each in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from families import extensions
from family_voice.models import ParentLink, ParentViews, Purpose
from meetings.models import Meeting
from portal import access
from portal.compiled import SCHOOL, USER, Compiled
from portal.lib import records
from portal.lib.words import day

PANEL_ROWS = 8
KIND = "parent_views"
KIND_LABEL = "Parent's views before a meeting"


def why_closed(meeting: Meeting, now: datetime.datetime | None = None) -> str | None:
    """Why a parent may no longer give or change their views: "cancelled" (or withdrawn, or
    no longer planned) or "started"; None while they may."""
    now = now or timezone.now()
    if meeting.is_withdrawn or meeting.status == Meeting.Status.CANCELLED:
        return "cancelled"
    if meeting.status != Meeting.Status.PLANNED or meeting.starts_at <= now:
        return "started"
    return None


def views_of(link: ParentLink) -> ParentViews | None:
    """What this parent has given about this link's meeting, if anything."""
    if link.meeting_id is None:
        return None
    return ParentViews.objects.filter(meeting_id=link.meeting_id, parent_id=link.parent_id).first()


def _asks_another_time(views: ParentViews | None) -> tuple[str, str] | None:
    if views is None or views.time_suits != ParentViews.TimeSuits.NO:
        return None
    return (views.time_suits, views.other_times.strip())


@transaction.atomic
def views_give(*, link: ParentLink, answers: dict[str, Any]) -> tuple[ParentViews, bool]:
    """Keeps a parent's views before their link's meeting, in their own words: one record per
    parent and meeting, changed in place when they answer again (the history keeps each
    version, by no member of staff). A request for another time that is new or different
    reopens the chair's task. Returns (the record, whether it is new). Refused
    (ValidationError) once the meeting has started or is cancelled."""
    if link.purpose != Purpose.VIEWS or link.meeting_id is None:
        raise ValidationError("This link is not for views before a meeting.")
    meeting = Meeting.all_objects.select_for_update().get(pk=link.meeting_id)
    if why_closed(meeting):
        raise ValidationError("The meeting has started or is no longer going ahead.")
    views = (
        ParentViews.objects.select_for_update()
        .filter(meeting=meeting, parent_id=link.parent_id)
        .first()
    )
    created = views is None
    before = _asks_another_time(views)
    if views is None:
        views = ParentViews(
            school_id=link.school_id,
            family_id=link.family_id,
            parent_id=link.parent_id,
            meeting=meeting,
        )
    views.link = link
    for name in ParentViews.ANSWERS:
        if name in answers:
            setattr(views, name, answers[name])
    if not views.interpreter:
        views.interpreter_language = ""
    if not views.supporter:
        views.supporter_who = ""
    if views.time_suits != ParentViews.TimeSuits.NO:
        views.other_times = ""
    after = _asks_another_time(views)
    if after is not None and after != before:
        views.time_request_done_at = None
        views.time_request_done_by = None
    records.history_by(views, None)  # the parent, through their link: never a staff member
    views.full_clean()
    views.save()
    return views, created


@transaction.atomic
def views_time_dealt_with(*, views: ParentViews, by) -> ParentViews:
    """The chair (or another who may change the meeting) has dealt with a parent's request for
    another time: it leaves their tasks until the parent asks for another time again."""
    views = ParentViews.objects.select_for_update().get(pk=views.pk)
    if views.time_request_done_at is None:
        views.time_request_done_at = timezone.now()
        views.time_request_done_by = by
        records.history_by(views, by)
        views.save(update_fields=["time_request_done_at", "time_request_done_by", "updated_at"])
    return views


# Reads for staff ---------------------------------------------------------------------------


def works_here(request) -> bool:
    school = getattr(request, "school", None)
    return school is not None and access.works_with_families(request.user, school)


def meeting_section(request, meeting: Meeting) -> dict | None:
    """The block "Parents' views before the meeting" on the meeting's plan and record pages
    (which have checked that the user may see the meeting): each parent's answers, and, until
    the meeting, each views link not answered yet: two queries whatever the number of parents
    (one once the meeting has started)."""
    views = list(
        ParentViews.objects.filter(meeting=meeting)
        .select_related("parent", "time_request_done_by")
        .order_by("parent__first_name", "parent_id")
    )
    answered = {v.parent_id for v in views}
    open_now = why_closed(meeting) is None
    waiting: dict[int, ParentLink] = {}
    if open_now:  # once the meeting is under way, a link not answered is no longer a task
        links = (
            ParentLink.objects.filter(meeting=meeting, purpose=Purpose.VIEWS, revoked_at=None)
            .select_related("parent")
            .order_by("created_at", "pk")
        )
        for link in links:
            if link.parent_id not in answered:
                waiting.setdefault(link.parent_id, link)  # the first sent, for "sent on …"
    if not views and not waiting and not open_now:
        return None
    may_change = getattr(meeting, "may_change", False)
    return {
        "meeting": meeting,
        "views": views,
        "waiting": list(waiting.values()),
        "may_change": may_change,
        "open_now": open_now,
        "family_id": meeting.family_id,
    }


def home_panel(request) -> dict | None:
    """Times to rearrange: the parents who asked for another time for a meeting this user
    chairs, not dealt with yet (one query)."""
    if not works_here(request):
        return None
    asks = _asks(user=request.user, school=request.school)
    if not asks:
        return None
    return {"asks": asks}


def _open_asks(user, school):
    return ParentViews.objects.filter(
        school=school,
        meeting__chair=user,
        meeting__status=Meeting.Status.PLANNED,
        meeting__withdrawn_at__isnull=True,
        time_suits=ParentViews.TimeSuits.NO,
        time_request_done_at__isnull=True,
    )


def home_waiting(*, user, school, **moments) -> list:
    """The home page asks this first (portal.shell.HomePanel): the panel's own read."""
    return [_open_asks(user, school)]


# The home page's read, built once per process and shape (portal.compiled).
_asks = Compiled(
    lambda user, school: (
        _open_asks(user, school)
        .select_related("parent", "meeting")
        .only(
            "other_times",
            "parent",
            "parent__first_name",
            "parent__last_name",
            "meeting",
            "meeting__starts_at",
        )
        .fetch_mode(models.FETCH_RAISE)
        .order_by("meeting__starts_at", "pk")[:PANEL_ROWS]
    ),
    user=USER,
    school=SCHOOL,
)


def _visible(request, school_family):
    meetings = Meeting.objects.visible_to(request.user, request.school).filter(
        family_id=school_family.family_id
    )
    return ParentViews.objects.filter(
        school=request.school, family_id=school_family.family_id, meeting__in=meetings
    )


def _answers_in_words(v: ParentViews) -> str:
    parts = []
    for label, words in (
        ("Best hopes", v.best_hopes),
        ("Going well", v.going_well),
        ("Would like to talk about", v.to_talk_about),
    ):
        if words.strip():
            parts.append(f"{label}: {' '.join(words.split())}")
    if v.time_suits == ParentViews.TimeSuits.YES:
        parts.append("The time suits them")
    elif v.time_suits == ParentViews.TimeSuits.NO:
        parts.append(f"Asks for another time: {v.other_times}")
    if v.interpreter:
        parts.append(f"Would like an interpreter ({v.interpreter_language or 'language not said'})")
    if v.supporter:
        parts.append(f"Would like to bring a supporter ({v.supporter_who or 'not said who'})")
    if v.take_part:
        parts.append(f"Would like to take part {v.get_take_part_display().lower()}")
    return ". ".join(parts)


def _export_rows(v: ParentViews) -> list[extensions.ExportRow]:
    meeting = v.meeting
    summary = (
        f"In {v.parent.full_name}'s own words, given through their link for the meeting on "
        f"{day(meeting.starts_at)}. {_answers_in_words(v)}"
    )
    return [
        extensions.ExportRow(
            kind=KIND_LABEL,
            when=v.given_at,
            with_=v.parent.full_name,
            about=extensions.names(c.first_name for c in meeting.children.all()),
            channel="Through the parent's link",
            summary=summary,
            confidentiality=meeting.get_confidentiality_display(),
        )
    ]


def has_parent_views():
    """Whether the family has given any views here: carried by the family page's own row, so
    the chronology reads nothing for a family that has not."""
    return Exists(ParentViews.objects.filter(school=OuterRef("school"), family=OuterRef("family")))


def timeline(
    request, school_family, limit: int, period: extensions.Period | None = None
) -> list[extensions.TimelineEntry]:
    """Parents' views before meetings this user may see, as their own words, newest first,
    in two queries (the views with their parent and meeting, and the meetings' children); none
    when the family's row says it has none."""
    if not works_here(request) or not getattr(school_family, "has_parent_views", True):
        return []
    period = period or extensions.Period()
    found = (
        period.narrow(_visible(request, school_family), "given_at")
        .select_related("parent", "meeting")
        .prefetch_related("meeting__children")
        .order_by("-given_at", "-pk")
        .fetch_mode(models.FETCH_PEERS)[:limit]
    )
    return [
        extensions.TimelineEntry(
            when=v.given_at,
            kind=KIND,
            kind_label=KIND_LABEL,
            template="family_voice/staff_views_entry.html",
            obj=v,
            child_ids=frozenset(c.pk for c in v.meeting.children.all()),
            export=partial(_export_rows, v),
        )
        for v in found
    ]
