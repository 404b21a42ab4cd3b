"""The family audit page: who has viewed, and who has changed, one family's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.utils.text import capfirst
from django.views.decorators.http import require_GET

from audit.models import AccessLog
from portal import access

ROW_LIMIT = 500
VALUE_LIMIT = 120
# Edit history read for a family, by model label: (label, what to call it, the lookups that
# tie a history row to the family, and to the school if its rows belong to one). Read by label
# so this app imports no feature app.
HISTORY_SOURCES = [
    ("families.Family", "Family details", "id", None),
    ("families.SchoolFamily", "Family at this school", "family_id", "school_id"),
    ("families.ParentCarer", "Parent or carer", "family_id", None),
    ("families.Child", "Child", "family_id", "school_id"),
    ("families.ChildParent", "Parent–child link", "child__family_id", "child__school_id"),
    ("families.Restriction", "Restriction", "link__child__family_id", "link__child__school_id"),
    ("families.Contact", "Contact", "family_id", "school_id"),
    ("families.ContactAmendment", "Contact amendment", "contact__family_id", "contact__school_id"),
    ("compass.Placement", "Compass placement", "family_id", "school_id"),
    ("meetings.Meeting", "Meeting", "family_id", "school_id"),
    ("meetings.MeetingAmendment", "Meeting amendment", "meeting__family_id", "meeting__school_id"),
    ("meetings.ActionPoint", "Agreed step", "meeting__family_id", "meeting__school_id"),
    ("meetings.Complaint", "Complaint", "family_id", "school_id"),
]
CHANGE_WORDS = {"+": "Created", "~": "Changed", "-": "Deleted"}
IGNORED_FIELDS = {"updated_at", "created_at"}
# Records whose contents only some staff may read: the audit names the fields that changed,
# not their values (the record's own history page shows those to whoever may read it).
CONFIDENTIAL_LEVEL_FIELD = "confidentiality"
SCHOOL_LEVEL = "school"
COMPLAINT_LABEL = "meetings.Complaint"


@dataclass
class Change:
    at: datetime
    who: str
    kind: str
    record: str
    fields: list[str]
    values: list[tuple[str, str, str]]
    values_hidden: bool = False


PARENT_LABEL = "families.ParentCarer"


def _restricted_details_hidden(family, school, user) -> set[int]:
    """Parents and carers whose details (phone, e-mail, home) this user may not see: those
    with a recorded restriction, unless the user is pastoral staff, the headteacher or the
    family's key contact (portal.access.may_see_restricted_contact_details)."""
    key_contact_id = (
        apps.get_model("families", "SchoolFamily")
        .objects.filter(school=school, family_id=family.pk)
        .values_list("key_contact_id", flat=True)
        .first()
    )
    if access.may_see_restricted_contact_details(user, school, key_contact_id=key_contact_id):
        return set()
    links = apps.get_model("families", "ChildParent").objects.filter(parent__family_id=family.pk)
    return set(links.exclude(restriction="").values_list("parent_id", flat=True))


def _get_family_for_audit(request, pk: int):
    """The family `pk` if it is a family of the current school (404 otherwise, as if absent);
    403 for those who may not see its audit."""
    school_family_model = apps.get_model("families", "SchoolFamily")
    school_family = (
        school_family_model.objects.filter(school=request.school, family_id=pk)
        .select_related("family")
        .first()
        if request.school is not None
        else None
    )
    if school_family is None:
        raise Http404("No such family.")
    if not access.may_see_family_audit(request.user, request.school):
        raise PermissionDenied
    return school_family.family


def _person(user, fallback: str = "Unknown") -> str:
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()


def _shown(field, value) -> str:
    """A stored value in words: a choice by its label, a person or record by its id."""
    if value is None or value == "":
        return "—"
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    elif field.is_relation:
        value = f"#{value}"
    text = str(value)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


def _values_hidden(label: str, row, user, school) -> bool:
    if label == COMPLAINT_LABEL:
        return not access.handles_complaints(user, school)
    level = getattr(row, CONFIDENTIAL_LEVEL_FIELD, SCHOOL_LEVEL)
    return level != SCHOOL_LEVEL


def _changes(family, school, user) -> list[Change]:
    """Edit-history rows for the family's records, newest first, with each change's fields
    before and after (compared with the previous version of the same record, in memory)."""
    changes: list[Change] = []
    restricted = _restricted_details_hidden(family, school, user)
    for label, title, family_lookup, school_lookup in HISTORY_SOURCES:
        model = apps.get_model(label)
        history = model.history.model
        where = {family_lookup: family.pk}
        if school_lookup:
            where[school_lookup] = school.pk
        rows = list(
            history.objects.filter(**where)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            .fetch_mode(models.FETCH_PEERS)[:ROW_LIMIT]
        )
        kept = {f.attname for f in history._meta.concrete_fields}
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.attname in kept and f.attname not in IGNORED_FIELDS | {"id"}
        ]
        previous = {}
        for row in reversed(rows):
            before = previous.get(row.id)
            changed, values = [], []
            kind = CHANGE_WORDS.get(row.history_type, row.history_type)
            if before is not None and row.history_type == "~":
                for f in fields:
                    old, new = getattr(before, f.attname), getattr(row, f.attname)
                    if old != new:
                        changed.append(capfirst(f.verbose_name))
                        values.append((capfirst(f.verbose_name), _shown(f, old), _shown(f, new)))
                if getattr(row, "withdrawn_at", None) and not getattr(before, "withdrawn_at", None):
                    kind = "Withdrawn"
            previous[row.id] = row
            changes.append(
                Change(
                    at=row.history_date,
                    who=row.history_author,
                    kind=kind,
                    record=f"{title} #{row.id}",
                    fields=changed,
                    values=values,
                    values_hidden=bool(values)
                    and (
                        _values_hidden(label, row, user, school)
                        or (label == PARENT_LABEL and row.id in restricted)
                    ),
                )
            )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:ROW_LIMIT]


@require_GET
def family_audit(request, pk: int):
    """Who has viewed, printed or exported the family's records, and who has changed them."""
    family = _get_family_for_audit(request, pk)
    views = (
        AccessLog.objects.filter(school=request.school, family_id=family.pk)
        .select_related("content_type", "user")
        .fetch_mode(models.FETCH_PEERS)[:ROW_LIMIT]
    )
    return render(
        request,
        "audit/family_audit.html",
        {
            "family": family,
            "views": [(row, _person(row.user, row.username)) for row in views],
            "changes": _changes(family, request.school, request.user),
            "limit": ROW_LIMIT,
        },
    )
