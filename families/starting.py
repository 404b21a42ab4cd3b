"""Recording a child before they start: a new family at the school, with the child and (if
known) a parent or carer, so transition work can be logged before day one."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from families.models import Child, ChildParent, Family, ParentCarer, SchoolFamily
from portal.models import ClassGroup, School


@transaction.atomic
def child_record_before_start(
    *,
    school: School,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date,
    starts_on: dt.date,
    coming_from: str,
    family_name: str = "",
    class_group: ClassGroup | None = None,
    year_group: str = "",
    parent_first_name: str = "",
    parent_last_name: str = "",
    relationship: str = ChildParent.Relationship.MOTHER,
    parent_phone: str = "",
    parent_email: str = "",
    by=None,
) -> SchoolFamily:
    """A new family at `school` with one child still to start there (and their parent)."""
    family = Family(
        authority_id=school.authority_id,
        name=family_name or f"{first_name} {last_name}'s family",
    )
    family._history_user = by
    family.full_clean()
    family.save()
    child = Child(
        family=family,
        school=school,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        starts_on=starts_on,
        coming_from=coming_from,
        class_group=class_group,
        year_group=year_group or (class_group.year_group if class_group else ""),
    )
    child._history_user = by
    child.full_clean()
    child.save()
    if parent_last_name:
        parent = ParentCarer(
            family=family,
            first_name=parent_first_name,
            last_name=parent_last_name,
            phone=parent_phone,
            email=parent_email,
        )
        parent._history_user = by
        parent.full_clean()
        parent.save()
        link = ChildParent(child=child, parent=parent, relationship=relationship)
        link.full_clean()
        link.save()
    school_family = SchoolFamily(school=school, family=family)
    school_family.full_clean()
    school_family.save()
    return school_family
