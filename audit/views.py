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
# Edit history read for a family, by model label: (label, what to call it, whether the rows
# belong to one school). Read by label so this app imports no feature app.
HISTORY_SOURCES = [
    ("families.Family", "Family details", False),
    ("families.SchoolFamily", "Family at this school", True),
    ("families.ParentCarer", "Parent or carer", False),
    ("families.Child", "Child", True),
    ("families.Contact", "Contact", True),
]
CHANGE_WORDS = {"+": "Created", "~": "Changed", "-": "Withdrawn"}
IGNORED_FIELDS = {"updated_at", "created_at"}


@dataclass
class Change:
    at: datetime
    who: str
    kind: str
    record: str
    fields: list[str]


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


def _changes(family, school) -> list[Change]:
    """Edit-history rows for the family's records, newest first, with the fields each changed
    (compared with the previous version of the same record, all in memory)."""
    changes: list[Change] = []
    for label, title, per_school in HISTORY_SOURCES:
        model = apps.get_model(label)
        history = model.history.model
        where = {"id": family.pk} if label == "families.Family" else {"family_id": family.pk}
        if per_school:
            where["school_id"] = school.pk
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
            changed = []
            if before is not None and row.history_type == "~":
                changed = [
                    capfirst(f.verbose_name)
                    for f in fields
                    if getattr(before, f.attname) != getattr(row, f.attname)
                ]
            previous[row.id] = row
            changes.append(
                Change(
                    at=row.history_date,
                    who=_person(row.history_user),
                    kind=CHANGE_WORDS.get(row.history_type, row.history_type),
                    record=f"{title} #{row.id}",
                    fields=changed,
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
            "changes": _changes(family, request.school),
            "limit": ROW_LIMIT,
        },
    )
