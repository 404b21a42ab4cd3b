"""The home page's family panels' lists, drawn here rather than by the template language.

A pastoral lead's home shows up to eight families or follow-ups in each of three panels, and
the template language's loops over them were a third of the page (its cost per tag, filter and
link, not the data): drawn here they cost a tenth of that. Each panel's card, heading and
words around the list stay in its template (`families/panels/`); change a row's markup here,
and its test (`tests/families/test_panel_rows.py`) compares it with the loop it replaced.

Names, summaries and labels are escaped (`escaped`: portal.lib.markup) as the template escaped
them; only what the drawing makes of digits and plain words (a link by a record's id, a date)
is put in as it is.

Each panel reads its rows as plain columns of only what it shows (the row types below), not as
two models a row: a family's name and a date or two.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import ClassVar

from django.template.defaultfilters import timesince_filter, truncatewords
from django.urls import NoReverseMatch
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from families.rhythm import level_label
from portal.lib.links import link_by_id
from portal.lib.markup import escaped, joined
from portal.templatetags.fast_date import date


@dataclass(frozen=True, slots=True)
class DueRow:
    """A family due a contact for its level."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "family_id",
        "family__name",
        "seen_last_at",
        "current_level",
        "every_weeks",
    )
    family_id: int
    family_name: str
    seen_last_at: datetime.datetime | None
    current_level: str
    every_weeks: int

    @property
    def level_label(self) -> str:
        return level_label(self.current_level)


@dataclass(frozen=True, slots=True)
class QuietRow:
    """A family with no recent positive contact."""

    COLUMNS: ClassVar[tuple[str, ...]] = ("family_id", "family__name", "seen_last_positive_at")
    family_id: int
    family_name: str
    seen_last_positive_at: datetime.datetime | None


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    """An open follow-up of the user's."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "pk",
        "family_id",
        "family__name",
        "follow_up_on",
        "agreed",
        "summary",
    )
    pk: int
    family_id: int
    family_name: str
    follow_up_on: datetime.date
    agreed: str
    summary: str


def with_total_of(read: list[tuple], row_type) -> tuple[list, int | None]:
    """The rows of a read of `row_type.COLUMNS` and the total (families.views.paging
    with_total) as its last column, as `row_type`s, with the total (None when there are
    none)."""
    return [row_type(*row[:-1]) for row in read], (read[0][-1] if read else None)


def _link_if_installed(name: str):
    """A link by id to a page of an app that may not be installed (None without it)."""
    try:
        return link_by_id(name)
    except NoReverseMatch:
        return None


def due_contact_rows(rows: list[DueRow], now) -> SafeString:
    """The `<li>`s of "Due a contact": families read by the panel (with `seen_last_at`,
    `level_label` and `every_weeks`), how long since their last contact as of `now`."""
    detail, log = link_by_id("families:family-detail"), link_by_id("families:contact-add")
    return joined(_due(row, now, detail, log) for row in rows)


def _due(row, now, detail, log) -> str:
    name = escaped(row.family_name)
    if row.seen_last_at:
        last = f"last contact {escaped(timesince_filter(row.seen_last_at, now))} ago"
    else:
        last = "no contact recorded yet"
    every = "week" if row.every_weeks == 1 else f"{escaped(row.every_weeks)} weeks"
    return (
        '<li class="mb-1">\n'
        f'  <a href="{detail(row.family_id)}">{name}</a>\n'
        f'  <span class="text-body-secondary">— {last}; '
        f"{escaped(str(row.level_label).lower())} level, at least every {every}</span>\n"
        f'  <a class="ms-1" href="{log(row.family_id)}">Log a contact'
        f'<span class="visually-hidden"> with {name}</span></a>\n'
        "</li>\n"
    )


def good_news_rows(rows: list[QuietRow]) -> SafeString:
    """The `<li>`s of "Time for some good news": families read by the panel (with
    `seen_last_positive_at`), each offered a message where messaging is installed."""
    detail, log = link_by_id("families:family-detail"), link_by_id("families:contact-add")
    send = _link_if_installed("reaching_out:write")
    return joined(_good_news(row, detail, log, send) for row in rows)


def _good_news(row, detail, log, send) -> str:
    name = escaped(row.family_name)
    if row.seen_last_positive_at:
        when = template_localtime(row.seen_last_positive_at)
        last = f"last positive contact {date(when, 'j M Y')}"
    else:
        last = "no positive contact recorded yet"
    message = (
        f'<a class="ms-1" href="{send(row.family_id)}?kind=good_news">Send good news'
        f'<span class="visually-hidden"> to {name}</span></a>'
        if send is not None
        else ""
    )
    return (
        '<li class="mb-1">\n'
        f'  <a href="{detail(row.family_id)}">{name}</a>\n'
        f'  <span class="text-body-secondary">— {last}</span>\n'
        f'  <a class="ms-1" href="{log(row.family_id)}?tone=positive&amp;purpose=good_news">'
        f'Log good news<span class="visually-hidden"> for {name}</span></a>\n'
        f"  {message}\n"
        "</li>\n"
    )


def follow_up_rows(contacts: list[FollowUpRow], today) -> SafeString:
    """The `<li>`s of "My follow-ups": contacts read by the panel, each due, due today or
    overdue as of `today`, with what was agreed (else the summary) in its first fifteen
    words."""
    detail, log = link_by_id("families:family-detail"), link_by_id("families:contact-add")
    return joined(_follow_up(contact, today, detail, log) for contact in contacts)


def _follow_up(contact, today, detail, log) -> str:
    name = escaped(contact.family_name)
    due = contact.follow_up_on
    if due < today:
        when = f'<span class="tone-concern">overdue since {date(due, "j M")}</span>'
    elif due == today:
        when = "due today"
    else:
        when = f"due {date(due, 'j M')}"
    words = escaped(truncatewords(contact.agreed or contact.summary, 15))
    return (
        '<li class="mb-2">\n'
        f'  <a class="fw-semibold" href="{detail(contact.family_id)}">{name}</a> —\n'
        f"  {when}:\n"
        f"  {words}\n"
        f'  <a class="ms-1" href="{log(contact.family_id)}?completes={int(contact.pk)}">'
        f'Log the follow-up<span class="visually-hidden"> with {name}</span></a>\n'
        "</li>\n"
    )
