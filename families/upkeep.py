"""Staff keep a family's shape up to date in the portal: a parent or carer added, a brother or
sister added, who is who to each child changed, a restriction recorded or lifted.

Each write keeps history with who made it, and marks the fields staff set (StaffChange) so a
later import keeps them and reports the difference instead (families/importer.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from families.models import Child, ChildParent, Family, ParentCarer
from families.staff_records import Restriction, StaffChange
from portal.models import School

# The fields staff set on each kind of record here, which an import then leaves alone.
PARENT_FIELDS = ("first_name", "last_name", "household", "phone", "email", "language")
LINK_FIELDS = ("relationship", "parental_responsibility", "lives_with_child")
CHILD_FIELDS = ("first_name", "last_name", "date_of_birth", "class_group", "year_group")


def _mark(*, family: Family, record: str, record_id: int, fields: Iterable[str], by) -> None:
    """Remember that staff set these fields (once per field: the latest change wins)."""
    now = timezone.now()
    StaffChange.objects.bulk_create(
        [
            StaffChange(
                family=family,
                record=record,
                record_id=record_id,
                field=name,
                changed_at=now,
                changed_by=by,
            )
            for name in fields
        ],
        update_conflicts=True,
        unique_fields=["record", "record_id", "field"],
        update_fields=["changed_at", "changed_by"],
    )


def _save(obj, by) -> None:
    obj._history_user = by
    obj.full_clean()
    obj.save()


def _link(*, family: Family, child: Child, parent: ParentCarer, by, **values) -> ChildParent:
    """A new parent–child link set by staff, kept with its history and marked as theirs."""
    link = ChildParent(child=child, parent=parent, **values)
    _save(link, by)
    _mark(
        family=family,
        record=StaffChange.Record.LINK,
        record_id=link.pk,
        fields=LINK_FIELDS,
        by=by,
    )
    return link


@transaction.atomic
def parent_add(
    *,
    family: Family,
    children: list[Child],
    values: dict,
    relationship: str,
    parental_responsibility: bool,
    lives_with_child: bool,
    by,
) -> ParentCarer:
    """A new parent or carer of the family, linked to each of `children`."""
    parent = ParentCarer(family=family, **values)
    _save(parent, by)
    _mark(
        family=family,
        record=StaffChange.Record.PARENT,
        record_id=parent.pk,
        fields=[name for name in PARENT_FIELDS if getattr(parent, name)],
        by=by,
    )
    for child in children:
        _link(
            family=family,
            child=child,
            parent=parent,
            by=by,
            relationship=relationship,
            parental_responsibility=parental_responsibility,
            lives_with_child=lives_with_child,
        )
    return parent


@transaction.atomic
def link_change(*, link: ChildParent, values: dict, household: str, by) -> list[str]:
    """Change who a parent or carer is to one child, and which home they live in; returns
    the names of the fields that changed (none: nothing is saved)."""
    changed = [name for name in LINK_FIELDS if getattr(link, name) != values[name]]
    family = link.parent.family
    if changed:
        for name in changed:
            setattr(link, name, values[name])
        _save(link, by)
        _mark(
            family=family, record=StaffChange.Record.LINK, record_id=link.pk, fields=changed, by=by
        )
    parent = link.parent
    if parent.household != household:
        parent.household = household
        _save(parent, by)
        _mark(
            family=family,
            record=StaffChange.Record.PARENT,
            record_id=parent.pk,
            fields=["household"],
            by=by,
        )
        changed.append("household")
    return changed


@transaction.atomic
def child_add(
    *, family: Family, school: School, values: dict, parents: list[ParentCarer], by
) -> Child:
    """A brother or sister at this school. Each chosen adult is linked as they are to another
    child of the family (their first link), which staff can then change."""
    child = Child(family=family, school=school, **values)
    _save(child, by)
    _mark(
        family=family,
        record=StaffChange.Record.CHILD,
        record_id=child.pk,
        fields=[name for name in CHILD_FIELDS if getattr(child, name)],
        by=by,
    )
    for parent in parents:
        like = parent.child_links.order_by("pk").first()
        _link(
            family=family,
            child=child,
            parent=parent,
            by=by,
            relationship=like.relationship if like else ChildParent.Relationship.OTHER,
            parental_responsibility=like.parental_responsibility if like else True,
            lives_with_child=like.lives_with_child if like else True,
        )
    return child


@transaction.atomic
def restriction_record(
    *,
    links: list[ChildParent],
    words: str,
    source: str,
    source_detail: str,
    dated: datetime.date,
    by,
) -> list[Restriction]:
    """Record a restriction on a parent or carer for each of these children: its words become
    the links' restriction, which every page, letter and invitation honours."""
    made = []
    # Locked, and read as saved now: someone may have recorded one meanwhile.
    links = list(
        ChildParent.objects.select_for_update()
        .select_related("child", "parent__family")
        .filter(pk__in=[link.pk for link in links])
        .order_by("pk")
    )
    taken = [link.child.first_name for link in links if link.is_restricted]
    if taken:
        raise ValidationError(
            {
                "links": "Someone has just recorded a restriction for "
                + ", ".join(taken)
                + ": nothing was saved. Read it on the family page, and lift it first to "
                "record another."
            }
        )
    for link in links:
        restriction = Restriction(
            link=link,
            words=words,
            source=source,
            source_detail=source_detail,
            dated=dated,
            recorded_by=by,
        )
        _save(restriction, by)
        made.append(restriction)
        link.restriction = words
        _save(link, by)
        _mark(
            family=link.parent.family,
            record=StaffChange.Record.LINK,
            record_id=link.pk,
            fields=["restriction"],
            by=by,
        )
    return made


@transaction.atomic
def restriction_lift(
    *, links: list[ChildParent], lifted_on: datetime.date, reason: str, by
) -> None:
    """Lift the restriction on each of these links (kept, with when, why and by whom). A
    restriction recorded before the portal kept them as records (admin or an import) is kept
    as one now, its source unknown."""
    now = timezone.now()
    links = list(
        ChildParent.objects.select_for_update()
        .select_related("parent__family")
        .filter(pk__in=[link.pk for link in links])
        .order_by("pk")
    )
    for link in links:
        if not link.is_restricted:
            continue  # lifted meanwhile by someone else: their lift stands
        current = list(Restriction.objects.current().filter(link=link))
        if not current and link.is_restricted:
            current = [Restriction(link=link, words=link.restriction, recorded_at=now)]
        for restriction in current:
            restriction.lifted_on = lifted_on
            restriction.lifted_reason = reason
            restriction.lifted_at = now
            restriction.lifted_by = by
            _save(restriction, by)
        link.restriction = ""
        _save(link, by)
        _mark(
            family=link.parent.family,
            record=StaffChange.Record.LINK,
            record_id=link.pk,
            fields=["restriction"],
            by=by,
        )
