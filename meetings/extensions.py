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
