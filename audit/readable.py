"""The family audit page in words: each record named as staff know it, with a link to it, and
each changed value as a person reads it (a choice's label, a person's name, "Yes").

Records are read by model label, and named as the app that keeps them registered them
(portal.family_records), so this app imports no feature app. Names come from
the edit history already loaded for the page where possible (which also names a record that
was since erased); what is left is read in one query per kind of record, never per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst

from portal import family_records
from portal.lib import clock
from portal.lib.staff import staff_name
from portal.lib.words import choice_label, day, yes_no

VALUE_LIMIT = 120


@dataclass
class Named:
    """A record as the page shows it: words, and where to open it (None: nowhere to go)."""

    words: str
    url: str | None = None


def name_of(label: str, row, *, may_open: bool) -> Named:
    """`row` (a record or one of its history rows) in words, with its link if the user
    `may_open` its kind (portal.family_records: how each kind is named, where it opens)."""
    record = family_records.record_for(label)
    if record is None or record.name is None:
        return Named(capfirst(row._meta.verbose_name))
    try:
        words = record.name(row) or capfirst(row._meta.verbose_name)
    except AttributeError:  # a field the history did not keep
        words = capfirst(row._meta.verbose_name)
    url = None
    if record.page is not None and may_open:
        url_name, id_field = record.page
        try:
            url = reverse(url_name, args=[getattr(row, id_field)])
        except (NoReverseMatch, AttributeError):
            url = None
    return Named(words, url)


@dataclass(frozen=True)
class Ref:
    """A stored id of another record or person, named once the page's rows are known."""

    label: str
    pk: object


class Names:
    """Names of records and people, from loaded history first, then one query per kind."""

    def __init__(self, *, user, school):
        self.user, self.school = user, school
        self.known: dict[tuple[str, object], object] = {}
        self._readers: dict[str, bool] = {}

    def may_read(self, label: str) -> bool:
        """Whether the user may read records of this kind (values and links), asked once."""
        if label not in self._readers:
            record = family_records.record_for(label)
            self._readers[label] = record is None or record.readers(self.user, self.school)
        return self._readers[label]

    def remember(self, label: str, row) -> None:
        """Keep the newest version of each record seen in the history (rows come newest
        first, so the first one seen wins)."""
        self.known.setdefault((label, row.id), row)

    def resolve(self, wanted: set[tuple[str, object]]) -> dict[tuple[str, object], Named]:
        """Named records for (label, id) pairs; unknown ones read in one query per label."""
        missing = defaultdict(set)
        for label, pk in wanted:
            if (label, pk) not in self.known:
                missing[label].add(pk)
        for label, ids in missing.items():
            model = apps.get_model(label)
            # _base_manager: a withdrawn record is still named (the default manager hides it).
            for obj in model._base_manager.filter(pk__in=ids):
                self.known[(label, obj.pk)] = obj
        named = {}
        for label, pk in wanted:
            row = self.known.get((label, pk))
            if row is None:
                model = apps.get_model(label)
                named[(label, pk)] = Named(f"{capfirst(model._meta.verbose_name)} (no longer held)")
            elif label == USER_LABEL:
                named[(label, pk)] = Named(staff_name(row))
            else:
                named[(label, pk)] = name_of(label, row, may_open=self.may_read(label))
        return named


USER_LABEL = get_user_model()._meta.label


def raw_value(field, value):
    """A stored value kept for naming later: a Ref for a relation, the value otherwise."""
    if value is None or value == "":
        return None
    if field.is_relation and field.related_model is not None:
        return Ref(field.related_model._meta.label, value)
    return value


def in_words(field, value, named: dict) -> str:
    """A stored value as a person reads it."""
    if value is None:
        return "—"
    if isinstance(value, Ref):
        found = named.get((value.label, value.pk))
        text = found.words if found else "—"
    elif field.choices:
        text = choice_label(field, value)
    elif isinstance(value, bool):
        text = yes_no(value)
    elif hasattr(value, "tzinfo") and hasattr(value, "hour"):
        text = clock.day_and_time(timezone.localtime(value))
    elif hasattr(value, "year"):
        text = day(value)
    elif isinstance(value, (list, tuple)):
        choices = dict(field.base_field.flatchoices) if hasattr(field, "base_field") else {}
        text = ", ".join(str(choices.get(v, v)) for v in value) or "—"
    else:
        text = str(value)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"
