"""Extension points of the family page, for apps built on families (compass, meetings).

Apps register from their AppConfig.ready(); families never imports them, so the arrows point
from compass and meetings to families, never back.

- A *section* is a block on the family page (e.g. the compass drawing). Its `context` callable
  gets (request, school_family) and returns a dict for its template, or None to hide it.
- A *timeline source* adds entries to the family's chronology (e.g. placements, meetings).
  It gets (request, school_family, limit) and returns at most `limit` TimelineEntry objects,
  newest first, already filtered to what the user may see, in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.http import HttpRequest


@dataclass(frozen=True)
class FamilySection:
    template: str
    context: Callable[[HttpRequest, object], dict | None]
    order: int = 50


@dataclass
class TimelineEntry:
    when: datetime
    kind: str  # a short key used by the chronology's type filter, e.g. "contact", "placement"
    kind_label: str  # shown to the user, e.g. "Compass placement"
    template: str  # the partial that renders this entry
    obj: object
    child_ids: frozenset[int] = field(default_factory=frozenset)
    tone: str = ""  # "positive" / "neutral" / "concern" where it applies
    withdrawn: bool = False  # a withdrawn record, shown collapsed with its reason


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    kind_label: str
    entries: Callable[[HttpRequest, object, int], list[TimelineEntry]]
    order: int = 50


_sections: list[FamilySection] = []
_sources: list[TimelineSource] = []


def register_section(section: FamilySection) -> None:
    if section not in _sections:
        _sections.append(section)
        _sections.sort(key=lambda s: s.order)


def register_timeline_source(source: TimelineSource) -> None:
    if source not in _sources:
        _sources.append(source)
        _sources.sort(key=lambda s: s.order)


def page_rows(request: HttpRequest, key: str, limit: int, fetch: Callable[[int], list]) -> list:
    """The first `limit` rows of `key` for this request, fetched once and shared.

    A section and a timeline source that show the same rows (a family's placements or
    meetings) call this with the same key, so the family page reads them in one query.
    `fetch(n)` returns the first n rows; a later call asking for more rows fetches again.
    """
    memo = request.__dict__.setdefault("_family_page_rows", {})
    held = memo.get(key)
    if held is None or (held[0] < limit and len(held[1]) >= held[0]):
        held = memo[key] = (limit, list(fetch(limit)))
    return held[1][:limit]


def family_parents(request: HttpRequest, school_family) -> list:
    """The family's parents and carers (in the model's order), read once per request and shared
    by the family page and the sections that draw or list them."""
    return page_rows(
        request,
        f"families.parents.{school_family.family_id}",
        10_000,
        # With their links to children: a recorded restriction on any of them changes who
        # may see their contact details (ParentCarer.restrictions).
        lambda n: school_family.family.parents.prefetch_related("child_links")[:n],
    )


def sections() -> list[FamilySection]:
    return list(_sections)


def timeline_sources() -> list[TimelineSource]:
    return list(_sources)
