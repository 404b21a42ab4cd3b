"""Extension points of the meeting pages, for apps built on meetings (complaints).

Apps register from their AppConfig.ready(); meetings never imports them, so the arrows point
from those apps to meetings, never back.

- A *plan link* ties a newly planned meeting to a record of another app, named in the
  meeting-add URL (`?complaint=12` when a meeting is arranged to resolve a complaint). The id
  is carried through the form; once the meeting is saved, `link(record_id=, meeting=, user=)`
  runs in the same transaction and raises ValidationError to refuse, which leaves no meeting
  behind and shows its message on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanLink:
    param: str
    link: Callable[..., object]


_plan_links: dict[str, PlanLink] = {}


def register_plan_link(plan_link: PlanLink) -> None:
    _plan_links[plan_link.param] = plan_link


def plan_links() -> list[PlanLink]:
    return list(_plan_links.values())


# - A *meeting section* is a block on a meeting's plan page ("plan") or its record page
#   ("detail"), e.g. the parents' own views given through their link (family_voice). Its
#   `context(request, meeting)` returns a dict for its template, or None to hide it; it must
#   read in a fixed number of queries and show only what the user may see.
@dataclass(frozen=True)
class MeetingSection:
    template: str
    context: Callable[..., dict | None]
    pages: tuple[str, ...] = ("plan", "detail")
    order: int = 50


_sections: list[MeetingSection] = []


def register_section(section: MeetingSection) -> None:
    if section not in _sections:
        _sections.append(section)
        _sections.sort(key=lambda s: s.order)


def sections_for(request, meeting, page: str) -> list[dict]:
    """The registered blocks for one page of one meeting: each its context, with `template`."""
    return [
        {"template": section.template, **ctx}
        for section in _sections
        if page in section.pages and (ctx := section.context(request, meeting)) is not None
    ]
