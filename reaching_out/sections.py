"""The family page's "Messages" block: what went to whom and how, what is waiting, and any
stop a parent asked for; with the way to write to the family (reaching_out.apps registers it)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef

from portal import access
from portal.compiled import SCHOOL, USER, Compiled
from reaching_out.models import ChannelStop, Message

SHOWN = 8


def has_messages():
    """Whether the family has any message or stop here: carried by the family page's own row,
    so a family with none costs no query."""
    return Exists(
        Message.objects.filter(school=OuterRef("school"), family=OuterRef("family"))
    ) | Exists(ChannelStop.objects.filter(parent__family=OuterRef("family")))


def family_section(request, school_family) -> dict:
    school = request.school
    messages, stops = [], []
    if getattr(school_family, "has_messages", True):
        messages = list(
            Message.objects.filter(school=school, family_id=school_family.family_id)
            .select_related("parent", "sent_by")
            .order_by("-created_at", "-pk")[:SHOWN]
        )
        stops = list(
            ChannelStop.objects.filter(
                parent__family_id=school_family.family_id, restarted_at__isnull=True
            ).select_related("parent")
        )
    runs = access.sees_school_outbox(request.user, school)
    for message in messages:
        message.may_open = runs or message.sent_by_id == request.user.pk  # type: ignore[attr-defined]
    return {
        "family_id": school_family.family_id,
        "messages": messages,
        "stops": stops,
        "may_write": access.may_send_messages(request.user, school),
        "may_restart": runs,
    }


def meeting_section(request, meeting) -> dict | None:
    """On a meeting's plan and record: the invitations and summaries sent about it, and the
    way to send them (for those who may change the meeting)."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        return None
    sent = list(
        Message.objects.filter(school=school, meeting=meeting, parent__isnull=False)
        .select_related("parent")
        .order_by("-created_at", "-pk")[:10]
    )
    # The chair and those who run the outbox without a query; the meeting's staff with one.
    may = (
        request.user.pk == meeting.chair_id
        or access.sees_school_outbox(request.user, school)
        or access.may_change_meeting(
            request.user,
            school,
            chair_id=meeting.chair_id,
            staff_ids=list(meeting.staff.filter(pk=request.user.pk).values_list("pk", flat=True)),
        )
    )
    if not sent and not may:
        return None
    return {
        "meeting": meeting,
        "sent": sent,
        "may_send": may,
        "held": meeting.status in ("held", "reviewed"),
    }


# How far back the home panel looks for messages that did not reach the parent.
NEEDING_SHOWN_FOR = datetime.timedelta(days=14)
NEEDS_YOU = (
    Message.State.TO_CALL,
    Message.State.FAILED,
    Message.State.BOUNCED,
    Message.State.UNSURE,
)


def home_panel(request) -> dict | None:
    """The sender's messages that need them: calls to make, and messages that did not reach
    the parent in the last fortnight, each with what to do next (one query)."""
    from django.utils import timezone

    school = getattr(request, "school", None)
    if school is None or not access.may_send_messages(request.user, school):
        return None
    since = timezone.now() - NEEDING_SHOWN_FOR
    rows = _needing_me(user=request.user, school=school, since=since)
    return {"rows": rows} if rows else None


def _needing_since(user, school, since):
    return Message.objects.filter(
        school=school,
        sent_by=user,
        parent__isnull=False,
        state__in=NEEDS_YOU,
        updated_at__gte=since,
    )


def home_waiting(*, user, school, recent, **moments) -> list:
    """The home page asks this first (portal.shell.HomePanel): the panel's read, over the
    shell's `recent` (a fortnight, as NEEDING_SHOWN_FOR: a test holds them together)."""
    return [_needing_since(user, school, recent)]


# The home page's read, built once per process and shape (portal.compiled).
_needing_me = Compiled(
    lambda user, school, since: (
        _needing_since(user, school, since)
        .select_related("parent")
        .order_by("-updated_at", "-pk")[:8]
    ),
    user=USER,
    school=SCHOOL,
    since=datetime.datetime,
)
