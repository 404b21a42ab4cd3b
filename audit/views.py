"""The family audit page: who has viewed, and who has changed, one family's records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.utils.text import capfirst
from django.views.decorators.http import require_GET

from audit.forms import AuditFilter
from audit.models import AccessLog
from audit.readable import USER_LABEL, Named, Names, in_words, raw_value
from portal import access, family_records
from portal.http import SchoolRequest
from portal.lib.staff import staff_name

# Edit-history rows read per kind of record (the changes are worked out in memory, each
# compared with the version before it); the page shows PER_PAGE rows at a time. The kinds of
# record read, how each ties to a family and who may read its values, are those the apps
# registered (portal.family_records), so this app imports no feature app.
ROW_LIMIT = 1000
PER_PAGE = 30
CHANGE_WORDS = {"+": "Created", "~": "Changed", "-": "Deleted"}
# The region keys are read as the region labels kept beside them.
IGNORED_FIELDS = {"updated_at", "created_at", "region_key", "parent_region_key"}
# Records whose contents only some staff may read: the audit names the fields that changed,
# not their values (the record's own history page shows those to whoever may read it).
CONFIDENTIAL_LEVEL_FIELD = "confidentiality"
SCHOOL_LEVEL = access.CONFIDENTIAL_SCHOOL


@dataclass
class Change:
    at: datetime
    who: str
    who_id: int | None
    kind: str
    record: Named
    fields: list[str]
    values: list[tuple[str, str, str]]
    values_hidden: bool = False
    raw: list = field(default_factory=list)  # (field, before, after) until named
    key: tuple = ()  # (model label, record id)


PARENT_LABEL = "families.ParentCarer"


def _restricted_details_hidden(family, school, user) -> set[int]:
    """Parents and carers whose details (phone, e-mail, home) this user may not see: those
    with a recorded restriction, unless the user is pastoral staff, the headteacher or the
    family's key contact (portal.access.may_see_restricted_contact_details)."""
    if access.role_in(user, school) in access.WHOLE_SCHOOL_ROLES:
        return set()  # they see every restricted person's details: nothing to ask
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


def _get_family_for_audit(request: SchoolRequest, pk: int):
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


def _values_hidden(label: str, row, names: Names) -> bool:
    if not names.may_read(label):
        return True
    return getattr(row, CONFIDENTIAL_LEVEL_FIELD, SCHOOL_LEVEL) != SCHOOL_LEVEL


def _changes(family, school, user, names: Names) -> list[Change]:
    """Edit-history rows for the family's records, newest first, with each change's fields
    before and after (compared with the previous version of the same record, in memory)."""
    changes: list[Change] = []
    restricted = _restricted_details_hidden(family, school, user)
    for source in family_records.records():
        label, title = source.label, source.title
        model = source.model
        history = model.history.model
        where = {source.family_lookup: family.pk}
        if source.school_lookup:
            where[source.school_lookup] = school.pk
        rows = list(
            history.objects.filter(**where)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            .fetch_mode(models.FETCH_PEERS)[:ROW_LIMIT]
        )
        for row in rows:
            names.remember(label, row)
        kept = {f.attname for f in history._meta.concrete_fields}
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.attname in kept and f.attname not in IGNORED_FIELDS | {"id"}
        ]
        previous = {}
        for row in reversed(rows):
            before = previous.get(row.id)
            changed, raw = [], []
            kind = CHANGE_WORDS.get(row.history_type, row.history_type)
            if before is not None and row.history_type == "~":
                for f in fields:
                    old, new = getattr(before, f.attname), getattr(row, f.attname)
                    if old != new:
                        changed.append(capfirst(f.verbose_name))
                        raw.append((f, raw_value(f, old), raw_value(f, new)))
                if getattr(row, "withdrawn_at", None) and not getattr(before, "withdrawn_at", None):
                    kind = "Withdrawn"
            previous[row.id] = row
            changes.append(
                Change(
                    at=row.history_date,
                    who=(
                        row.history_author
                        if row.history_user_id or row.history_username
                        else source.unsigned_author
                    ),
                    who_id=row.history_user_id,
                    kind=kind,
                    record=Named(title, None),
                    fields=changed,
                    values=[],
                    raw=raw,
                    key=(label, row.id),
                    values_hidden=bool(raw)
                    and (
                        _values_hidden(label, row, names)
                        or (label == PARENT_LABEL and row.id in restricted)
                    ),
                )
            )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes


def _name_changes(changes: list[Change], names: Names) -> None:
    """Name the records of one page's changes and the values they changed."""
    wanted = {c.key for c in changes}
    for change in changes:
        if not change.values_hidden:
            for _f, *values in change.raw:
                wanted |= {(v.label, v.pk) for v in values if hasattr(v, "label")}
    named = names.resolve(wanted)
    for change in changes:
        change.record = named[change.key]
        change.values = [
            (capfirst(f.verbose_name), in_words(f, old, named), in_words(f, new, named))
            for f, old, new in change.raw
        ]


def _name_views(rows, names: Names) -> list[tuple]:
    """(row, who, the record in words) for one page of the access log."""
    keys = [(_label(row.content_type), row.object_id) for row in rows]
    known = {record.label for record in family_records.records()} | {USER_LABEL}
    named = names.resolve({key for key in keys if key[0] in known})
    shown = []
    for row, key in zip(rows, keys, strict=True):
        record = named.get(key) or Named(capfirst(row.content_type.name))
        who = staff_name(row.user) if row.user else row.username
        shown.append((row, who, record))
    return shown


def _label(content_type) -> str:
    model = content_type.model_class()
    return model._meta.label if model is not None else ""


def _people(school, family, changes) -> list[tuple[int, str]]:
    """Everyone in the access log or the edit history of this family, by name."""
    people = {c.who_id: c.who for c in changes if c.who_id is not None}
    logged = (
        AccessLog.objects.filter(school=school, family_id=family.pk, user__isnull=False)
        .values_list("user_id", "user__first_name", "user__last_name", "user__username")
        .distinct()
        .order_by()
    )
    for pk, first, last, username in logged:
        people.setdefault(pk, f"{first} {last}".strip() or username)
    return sorted(people.items(), key=lambda item: (item[1].lower(), item[0]))


@require_GET
def family_audit(request: SchoolRequest, pk: int):
    """Who has viewed, printed or exported the family's records, and who has changed them,
    30 rows at a time, for everyone or one person."""
    family = _get_family_for_audit(request, pk)
    school = request.school
    names = Names(user=request.user, school=school)
    changes = _changes(family, school, request.user, names)
    filters = AuditFilter(request.GET or None, people=_people(school, family, changes))
    person = filters.chosen()
    views = (
        AccessLog.objects.filter(school=school, family_id=family.pk)
        .select_related("content_type", "user")
        .order_by("-at", "-pk")
        .fetch_mode(models.FETCH_PEERS)
    )
    if person is not None:
        views = views.filter(user_id=person)
        changes = [c for c in changes if c.who_id == person]
    views_page = Paginator(views, PER_PAGE).get_page(request.GET.get("page"))
    changes_page = Paginator(changes, PER_PAGE).get_page(request.GET.get("changes_page"))
    _name_changes(changes_page.object_list, names)
    return render(
        request,
        "audit/family_audit.html",
        {
            "family": family,
            "filters": filters,
            "person": person,
            "views": _name_views(views_page.object_list, names),
            "views_page": views_page,
            "changes": changes_page.object_list,
            "changes_page": changes_page,
            "limit": ROW_LIMIT,
        },
    )
