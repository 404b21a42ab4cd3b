"""The home page's meetings panel: its four lists drawn here rather than by the template
language, as the family panels' are (families.panel_rows, which says why). The panel's card and
headings stay in `meetings/home_panel.html`; change a row's markup here, and its test
(`tests/meetings/test_panel_rows.py`) compares it with the loop it replaced.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from families.models import parent_name
from meetings.models import ActionPoint
from portal.lib.clock import time_of_day
from portal.lib.links import link_by_id
from portal.lib.markup import escaped, joined, shown
from portal.templatetags.fast_date import date

_OVERDUE = ' <span class="tone-concern">(overdue)</span>'

# A step as the panel reads it: these columns, then (for the chair's overdue steps) its owner's.
STEP_COLUMNS = ("pk", "meeting_id", "meeting__family__name", "what", "due_on")
OWNER_COLUMNS = (
    "owner_kind",
    "owner_agency",
    "owner_staff__first_name",
    "owner_staff__last_name",
    "owner_parent__first_name",
    "owner_parent__last_name",
    "owner_child__first_name",
)


@dataclass(frozen=True, slots=True)
class Step:
    """An open step as the home panel shows it."""

    pk: int
    meeting_id: int
    family_name: str
    what: str
    due_on: datetime.date
    owner_name: str = ""


def steps(rows) -> list[Step]:
    """The steps of a read of STEP_COLUMNS (and OWNER_COLUMNS, named as
    ActionPoint.owner_name names them)."""
    return [Step(*row[:5], _owner(*row[5:]) if len(row) > 5 else "") for row in rows]


def _owner(kind, agency, staff_first, staff_last, parent_first, parent_last, child_first):
    """ActionPoint.owner_name, from its columns: "" where the person is gone."""
    match kind:
        case ActionPoint.OwnerKind.STAFF:
            return f"{staff_first} {staff_last}".strip() if staff_first is not None else ""
        case ActionPoint.OwnerKind.PARENT:
            return parent_name(parent_first, parent_last) if parent_first is not None else ""
        case ActionPoint.OwnerKind.CHILD:
            return child_first or ""
        case _:
            return agency


def chaired_overdue_rows(points: list[Step]) -> SafeString:
    """Overdue steps of meetings the user chairs, each with who owns it."""
    meeting = link_by_id("meetings:meeting-detail")
    return joined(
        f'<li><span class="badge text-bg-danger">Overdue</span> '
        f"{escaped(p.family_name)}: {escaped(p.what)} — {escaped(p.owner_name)}, "
        f"was due {date(p.due_on, 'j M')}. "
        f'<a href="{meeting(p.meeting_id)}#actions">Open the meeting'
        f'<span class="visually-hidden"> with {escaped(p.family_name)}</span></a></li>\n'
        for p in points
    )


def my_step_rows(points: list[Step], today) -> SafeString:
    """The user's own open steps, overdue ones marked as of `today`."""
    edit = link_by_id("meetings:action-edit")
    return joined(_my_step(p, today, edit) for p in points)


def _my_step(p, today, edit) -> str:
    by = date(p.due_on, "j M")
    when = (
        f'<span class="tone-concern">overdue since {by}</span>' if p.due_on < today else f"by {by}"
    )
    what = escaped(p.what)
    return (
        f"<li>{escaped(p.family_name)}: {what} — {when}. "
        f'<a href="{edit(p.pk)}">Update<span class="visually-hidden"> “{what}”</span></a></li>\n'
    )


def follow_up_rows(follow_ups, today) -> SafeString:
    """The user's follow-ups after meetings: how, and by when (overdue as of `today`)."""
    log = link_by_id("meetings:follow-up-log")
    return joined(
        f"<li>{escaped(f.meeting.family.name)}: {escaped(str(f.get_channel_display()).lower())} "
        f"by {date(f.due_on, 'j M')}"
        f"{_OVERDUE if f.due_on < today else ''}. "
        f'<a href="{log(f.pk)}">Log it'
        f'<span class="visually-hidden"> for {escaped(f.meeting.family.name)}</span></a></li>\n'
        for f in follow_ups
    )


def upcoming_rows(meetings) -> SafeString:
    """The user's meetings in the next two weeks, with how much of their preparation is done
    (`prep_done` and `prep_total`, set by the panel)."""
    plan = link_by_id("meetings:meeting-plan")
    return joined(_upcoming(m, plan) for m in meetings)


def _upcoming(m, plan) -> str:
    starts = template_localtime(m.starts_at)
    return (
        f'<li><a href="{plan(m.pk)}">{date(starts, "D j M")}, {escaped(time_of_day(starts))}: '
        f"{escaped(m.family.name)}</a> — preparation {shown(m.prep_done)} of "
        f"{shown(m.prep_total)} done</li>\n"
    )
