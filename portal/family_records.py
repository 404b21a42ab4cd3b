"""The records each app keeps about a family, in one registry.

Every app that keeps records about a family registers each kind from its AppConfig.ready():
how to find its rows for one family (and school), how to name one, who may read its values,
and, where it has them, its part in erasure past retention and in a subject access copy. Three
modules read the registry and nothing else, so a kind of record added later is covered by all
three without touching them:

- the family audit page (audit/) shows each kind's edit history, in words, with a link;
- the retention review and erasure (privacy/retention.py, privacy/services.py) count and remove
  each kind's `erasures`, in their order;
- the subject access copy (privacy/subject_access.py) asks each kind's `export` for its section.

The registry lives in the portal so that audit (below the feature apps) can read it: apps
register into it, and it imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Model, QuerySet

# The stages of an erasure, in the order they come (privacy.models.ErasureLog.Stage).
ROUTINE = "routine"  # the family's everyday records, once its last child left long enough ago
PROTECTION = "protection"  # child-protection records, once the youngest child is old enough
FAMILY = "family"  # what is left: the children, the family at the school, the family itself
# The key of the note put on a record in a subject access copy for the data protection lead.
REVIEW_FLAG = "For the data protection lead: check before sending"


@dataclass(frozen=True)
class Erasure:
    """One kind of record the retention review counts and an erasure removes.

    `records(school)` gives this kind's rows at the school, read through the base manager so
    that nothing a default manager hides (withdrawn rows) escapes; erasure narrows them to the
    families due with `family_field`. Records that are not tied to one school (a parent, the
    family itself) give `for_families(school, family_ids)` instead."""

    key: str
    label: str
    stage: str
    order: int
    records: Callable[[Any], QuerySet] | None = None
    family_field: str = "family"
    for_families: Callable[[Any, list[int]], QuerySet] | None = None

    def of(self, school, family_ids) -> QuerySet:
        """This kind's rows at `school` for the families `family_ids`."""
        if self.for_families is not None:
            return self.for_families(school, list(family_ids))
        if self.records is None:
            raise ValueError(f"Erasure {self.key!r} gives neither records nor for_families.")
        return self.records(school).filter(**{f"{self.family_field}__in": family_ids})


@dataclass
class Asker:
    """Who a subject access copy is for, as each kind's export needs to know it."""

    parent: Any  # the parent or carer asking (families.ParentCarer)
    school: Any
    family: Any
    entitled_ids: set[int]  # children they hold parental responsibility for, unrestricted
    restricted: bool  # a recorded restriction applies to them
    unlinked: list  # children of the household they have no entitled link to

    def about_entitled(self, obj) -> bool:
        """Whether every child `obj` is about (its `children`, prefetched) is one of theirs."""
        return all(child.pk in self.entitled_ids for child in obj.children.all())


@dataclass
class ExportPart:
    """One section of a subject access copy: its records in words, the objects they came from
    (for the access log rows), what was left out and why, and how many records carry a note
    for the data protection lead besides the restriction's (which the copy adds itself)."""

    records: list[dict]
    covered: list = field(default_factory=list)
    withheld: list[tuple[str, int]] = field(default_factory=list)
    flagged: int = 0


@dataclass(frozen=True)
class Export:
    """A section of the subject access copy: `build(asker)` reads it in a fixed number of
    queries; sections come in `order`."""

    title: str
    build: Callable[[Asker], ExportPart]
    order: int


def _never_hidden(user, school) -> bool:
    return True


@dataclass(frozen=True)
class FamilyRecord:
    """One kind of record kept about a family.

    - `label`: the model's label ("app.Model"); its edit history (simple-history) is what the
      audit page reads, with `family_lookup` (and `school_lookup`, if its rows belong to one
      school) tying a history row to the family.
    - `title`: what the audit page calls this kind; `name(row)` names one record (from a row
      or one of its history rows) and `page` = (URL name, id field) is where it opens.
    - `readers(user, school)`: who may read this kind's values at all (e.g. complaints: those
      who handle them); others see that a record changed, and which fields, but no values and
      no link. Beyond that, a record with a `confidentiality` level above the whole school
      never shows its values on the audit page.
    - `erasures` and `export`: its part in retention and in a subject access copy, if any.
    - `unsigned_author`: who the audit page names for a change with no member of staff behind
      it (a parent writing through their link, say), instead of "Unknown".
    """

    label: str
    title: str
    family_lookup: str
    school_lookup: str | None = None
    order: int = 50
    name: Callable[[Any], str] | None = None
    page: tuple[str, str] | None = None
    readers: Callable[[Any, Any], bool] = _never_hidden
    erasures: tuple[Erasure, ...] = ()
    export: Export | None = None
    # Who made a change with no member of staff behind it (e.g. a parent, through their link).
    unsigned_author: str = "Unknown"

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.label)


_records: dict[str, FamilyRecord] = {}


def register(record: FamilyRecord) -> None:
    """Adds a kind of record (from an AppConfig.ready(); registering it again replaces it)."""
    _records[record.label] = record


def records() -> list[FamilyRecord]:
    """Every registered kind, in order."""
    return sorted(_records.values(), key=lambda r: (r.order, r.label))


def record_for(label: str) -> FamilyRecord | None:
    return _records.get(label)


def erasures() -> list[Erasure]:
    """Every kind's erasures, in erasure order."""
    return sorted((e for r in _records.values() for e in r.erasures), key=lambda e: e.order)


def exports() -> list[Export]:
    """Every kind's subject access section, in the copy's order."""
    return sorted((r.export for r in _records.values() if r.export), key=lambda e: e.order)


@contextmanager
def registered(*extra: FamilyRecord, without: tuple[str, ...] = ()) -> Iterator[None]:
    """For tests: the registry with `extra` kinds added and the labels `without` left out,
    put back as it was afterwards."""
    saved = dict(_records)
    try:
        for label in without:
            _records.pop(label, None)
        for record in extra:
            register(record)
        yield
    finally:
        _records.clear()
        _records.update(saved)
