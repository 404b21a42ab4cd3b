"""Extension points of the family page, for apps built on families (compass, meetings).

Apps register from their AppConfig.ready(); families never imports them, so the arrows point
from compass and meetings to families, never back.

- A *section* is a block on the family page (e.g. the compass drawing). Its `context` callable
  gets (request, school_family) and returns a dict for its template, or None to hide it.
- A *timeline source* adds entries to the family's chronology (e.g. placements, meetings).
  It gets (request, school_family, limit) and returns at most `limit` TimelineEntry objects,
  newest first, already filtered to what the user may see, in a fixed number of queries.
  A source registered with `takes_period=True` also gets the chosen Period (from and to dates)
  and reads only that stretch; any other's entries are filtered by date after reading.
  `shown(request)` says whether the chronology's type filter offers the source to this user.
- Each entry's `export` gives its rows in the chronology's CSV as plain text (ExportRow): the
  entry itself, then its amendments. A source's `prepare_export(request, entries)` reads, in one
  go, what only the CSV needs (e.g. who took part in each meeting), before any `export` runs.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class FamilySection:
    template: str
    context: Callable[[HttpRequest, object], dict | None]
    order: int = 50


@dataclass(frozen=True)
class Period:
    """A stretch of the chronology: from `start` (inclusive) to `end` (exclusive), either open."""

    start: datetime | None = None
    end: datetime | None = None

    def __bool__(self) -> bool:
        return self.start is not None or self.end is not None

    def holds(self, when: datetime) -> bool:
        return (self.start is None or when >= self.start) and (self.end is None or when < self.end)

    def key(self) -> str:
        """A suffix for page_rows keys: a read of one stretch is not shared with the whole's."""
        if not self:
            return ""
        return f".{self.start and self.start.isoformat()}.{self.end and self.end.isoformat()}"

    def narrow(self, rows, field: str):
        """`rows` (a queryset) with `field` inside the stretch."""
        if self.start is not None:
            rows = rows.filter(**{f"{field}__gte": self.start})
        if self.end is not None:
            rows = rows.filter(**{f"{field}__lt": self.end})
        return rows


@dataclass(frozen=True)
class ExportRow:
    """One row of the chronology's CSV, every column plain text (no markup, no links)."""

    kind: str
    when: datetime
    who: str = ""  # the member of staff
    with_: str = ""  # the parents, carers or children taking part
    about: str = ""  # the children it is about
    tone: str = ""
    channel: str = ""
    summary: str = ""
    agreed: str = ""
    confidentiality: str = ""  # who may see it, and why, as the user may know it
    subject: str = ""  # the subject or department it arose in (contacts)
    lesson: str = ""  # the lesson or time of day it arose at (contacts)


def day(when) -> str:
    """A date or moment as the CSV's words give it: 3 Dec 2026 (in the school's time zone)."""
    if isinstance(when, datetime):
        when = timezone.localtime(when)
    return f"{when.day} {when:%b %Y}"


def names(people) -> str:
    """Names joined for one CSV cell."""
    return "; ".join(n for n in people if n)


def amendment_rows(amendments, *, of: str, with_: str = "", about: str = "") -> list[ExportRow]:
    """A record's amendments (portal.lib.records.Amendment) as rows after the record's own."""
    rows = []
    for a in amendments:
        summary = f"{a.text} (Reason: {a.reason})"
        if a.disputed:
            summary += f" The parent's view, in their words: {a.parent_view}"
        rows.append(
            ExportRow(
                kind=f"{of} disputed by parent" if a.disputed else f"{of} amendment",
                when=a.at,
                who=a.author,
                with_=with_,
                about=about,
                summary=summary,
            )
        )
    return rows


@dataclass
class TimelineEntry:
    when: datetime
    kind: str  # a short key used by the chronology's type filter, e.g. "contact", "placement"
    kind_label: str  # shown to the user, e.g. "Compass placement"
    template: str  # the partial that renders this entry ("" where `draw` draws it)
    obj: object
    child_ids: frozenset[int] = field(default_factory=frozenset)
    tone: str = ""  # "positive" / "neutral" / "concern" where it applies
    withdrawn: bool = False  # a withdrawn record, shown collapsed with its reason
    # The entry's CSV rows (see ExportRow); None: the CSV shows its template's text instead.
    export: Callable[[], list[ExportRow]] | None = None
    # The entry drawn in Python, for the many of a page (families.contact_entry): the
    # template language's cost per tag made them a third of the family page.
    draw: Callable[[], SafeString] | None = None

    @property
    def html(self) -> SafeString | str:
        """The entry drawn by `draw`, when it has no template."""
        return self.draw() if self.draw is not None else ""


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    kind_label: str
    entries: Callable[..., list[TimelineEntry]]
    order: int = 50
    takes_period: bool = False
    shown: Callable[[HttpRequest], bool] | None = None
    prepare_export: Callable[[HttpRequest, list[TimelineEntry]], None] | None = None

    def offered_to(self, request: HttpRequest) -> bool:
        return self.shown is None or self.shown(request)


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
        # And the ranges of dates each asked the school to avoid.
        lambda n: _parents_with_details(
            school_family.family_id, lambda: family_links(request, school_family)
        )[:n],
    )


def family_links(request: HttpRequest, school_family) -> list:
    """The family's links between children and parents, each with its parent and restriction
    (families.models.family_links), read once per request: the family page's children and its
    parents take theirs from the same rows."""
    from families.models import family_links as read

    return page_rows(
        request,
        f"families.links.{school_family.family_id}",
        10_000,
        lambda n: read(school_family.family_id),
    )


def _parents_with_details(family_id: int, links: Callable[[], list]) -> list:
    from families.models import parents_with_details

    return parents_with_details(family_id, links)


_row_annotations: dict[str, Callable[[], object]] = {}


def register_row_annotation(name: str, build: Callable[[], object]) -> None:
    """An annotation the family page's own row carries (SchoolFamily.for_family_page), e.g.
    whether a section has anything to show, so the section needs no query when it has not.
    `build()` returns an expression with OuterRef("family") / OuterRef("school")."""
    _row_annotations[name] = build


def row_annotations(today=None) -> dict:
    """The registered annotations; `today`, if given, is the day they compare with (a read
    built once and kept names it: portal.compiled)."""
    token = _row_day.set(today)
    try:
        return {name: build() for name, build in _row_annotations.items()}
    finally:
        _row_day.reset(token)


_row_day: ContextVar = ContextVar("row_day", default=None)


def row_today():
    """The day a row annotation compares with: the one row_annotations was given, or today."""
    return _row_day.get() or timezone.localdate()


def sections() -> list[FamilySection]:
    return list(_sections)


def timeline_sources() -> list[TimelineSource]:
    return list(_sources)
