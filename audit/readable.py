"""The family audit page in words: each record named as staff know it, with a link to it, and
each changed value as a person reads it (a choice's label, a person's name, "Yes").

Records are read by model label, so this app still imports no feature app. Names come from
the edit history already loaded for the page where possible (which also names a record that
was since erased); what is left is read in one query per kind of record, never per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.text import capfirst

from portal.lib import clock

VALUE_LIMIT = 120


def _day(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return formats.date_format(value, "j M Y")


def _parent_name(row) -> str:
    return f"{row.first_name} {row.last_name}".strip()


# Model label -> (how to name one record from its own fields, the page it links to: URL name and
# the field holding that page's id). Links are only to pages that check access themselves.
NAMES = {
    "families.Family": (lambda r: r.name, ("families:family-detail", "id")),
    "families.SchoolFamily": (
        lambda r: "The family's record at this school",
        ("families:family-detail", "family_id"),
    ),
    "families.ParentCarer": (_parent_name, ("families:family-detail", "family_id")),
    "families.Child": (_parent_name, ("families:family-detail", "family_id")),
    # No page of their own: they are read on the family page (the kind column says which).
    "families.ChildParent": (
        lambda r: f"How a parent or carer is linked to a child ({r.get_relationship_display()})",
        None,
    ),
    "families.Restriction": (
        lambda r: f"Restriction dated {_day(r.dated)}" if r.dated else "Restriction",
        None,
    ),
    "families.Contact": (
        lambda r: f"Contact on {_day(r.occurred_at)}",
        ("families:contact-history", "id"),
    ),
    "families.ContactAmendment": (
        lambda r: f"Amendment to a contact, {_day(r.at)}",
        ("families:contact-history", "contact_id"),
    ),
    "compass.Placement": (
        lambda r: f"Compass placement on {_day(r.placed_at)}",
        ("compass:family-compass", "family_id"),
    ),
    "meetings.Meeting": (
        lambda r: f"Meeting on {_day(r.starts_at)}",
        ("meetings:meeting-detail", "id"),
    ),
    "meetings.MeetingAmendment": (
        lambda r: f"Amendment to a meeting, {_day(r.at)}",
        ("meetings:meeting-detail", "meeting_id"),
    ),
    "meetings.ActionPoint": (
        lambda r: f"Agreed step due {_day(r.due_on)}",
        ("meetings:meeting-detail", "meeting_id"),
    ),
    "consent.Consent": (
        lambda r: f"Consent to share with {r.organisation}, given {_day(r.given_on)}",
        ("families:family-detail", "family_id"),
    ),
    "complaints.Complaint": (
        lambda r: f"Complaint received {_day(r.received_at)}",
        ("complaints:complaint-detail", "id"),
    ),
}
COMPLAINT_LABEL = "complaints.Complaint"


@dataclass
class Named:
    """A record as the page shows it: words, and where to open it (None: nowhere to go)."""

    words: str
    url: str | None = None


def name_of(label: str, row, *, may_open_complaints: bool) -> Named:
    """`row` (a record or one of its history rows) in words, with its link."""
    naming = NAMES.get(label)
    if naming is None:
        return Named(capfirst(row._meta.verbose_name))
    words_of, page = naming
    try:
        words = words_of(row) or capfirst(row._meta.verbose_name)
    except AttributeError:  # a field the history did not keep
        words = capfirst(row._meta.verbose_name)
    url = None
    if page is not None and (label != COMPLAINT_LABEL or may_open_complaints):
        url_name, id_field = page
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

    def __init__(self, *, may_open_complaints: bool):
        self.may_open_complaints = may_open_complaints
        self.known: dict[tuple[str, object], object] = {}

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
                named[(label, pk)] = Named(row.get_full_name() or row.get_username())
            else:
                named[(label, pk)] = name_of(
                    label, row, may_open_complaints=self.may_open_complaints
                )
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
        text = str(dict(field.flatchoices).get(value, value))
    elif isinstance(value, bool):
        text = "Yes" if value else "No"
    elif hasattr(value, "tzinfo") and hasattr(value, "hour"):
        text = clock.day_and_time(timezone.localtime(value))
    elif hasattr(value, "year"):
        text = _day(value)
    elif isinstance(value, (list, tuple)):
        choices = dict(field.base_field.flatchoices) if hasattr(field, "base_field") else {}
        text = ", ".join(str(choices.get(v, v)) for v in value) or "—"
    else:
        text = str(value)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"
