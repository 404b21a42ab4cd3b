"""Listing and naming staff, the same way on every form and page."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from portal import access
from portal.access import FAMILY_ROLES
from portal.compiled import Compiled
from portal.lib.limits import KEYS, IdChoiceField, IdMultipleChoiceField, is_plain_id
from portal.lib.words import staff_name

__all__ = [
    "staff_name",
    "family_workers",
    "offer_family_workers",
    "StaffChoiceField",
    "StaffMultipleChoiceField",
]


def family_workers(school):
    """Active staff of `school` who work with families, for choosing people on forms."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__school=school,
            memberships__is_active=True,
            memberships__confirmed_at__isnull=False,
            memberships__role__in=FAMILY_ROLES,
        )
        .order_by("last_name", "first_name")
        .distinct()
    )


# The people a staff picker offers: read once per process (portal.compiled), with only the
# columns their names need.
_workers_of = Compiled(
    lambda school_id: family_workers(school_id).only("id", "username", "first_name", "last_name"),
    school_id=int,
)


# The pickers' querysets, built once per process and school: each picker is given its own
# copy (ModelChoiceField takes `.all()` of what it is given), and this one is never read.
_WORKERS: dict[int, QuerySet] = {}


def _family_workers_of(school_id: int) -> QuerySet:
    found = _WORKERS.get(school_id)
    if found is None:
        if len(_WORKERS) >= 4096:
            _WORKERS.clear()
        found = _WORKERS[school_id] = family_workers(school_id)
    return found


def offer_family_workers(school, *fields, signed_in=None) -> None:
    """Staff pickers offer the school's family workers from one kept read, shared by the
    pickers of one form, instead of each building and running its own query to draw its
    options. What a picker accepts is still checked against `family_workers(school)`. Call it
    last: a picker's empty label is taken as it is then, and a queryset set on the field
    afterwards would change what it accepts but not what it offers. `signed_in`, the user
    filling in the form: chosen, they are the answer as they are, their roles already read
    (access.works_with_families asks what family_workers does), with no read at all."""
    read: list = []

    def people() -> list:  # read when a picker is drawn, not when a sent form is checked
        if not read:
            read.append([(u.pk, staff_name(u)) for u in _workers_of(school_id=school.pk)])
        return read[0]

    workers = _family_workers_of(school.pk)
    for field in fields:
        field.queryset = workers
        # The one chosen is looked up with a kept read of the same query (StaffChoiceField).
        field.kept_workers = (field.queryset, school)
        field.signed_in = signed_in
        # As the queryset's own options would be: "nobody" first where the picker has one.
        first = [] if field.empty_label is None else [("", field.empty_label)]
        field.choices = lambda first=first: first + people()


# The one person a sent picker names, if a family worker of the school (a kept read of
# `family_workers(school).filter(pk=...)`, which Django would build on each form sent).
_worker_at = Compiled(
    lambda school_id, user_id: family_workers(school_id).filter(pk=user_id),
    school_id=int,
    user_id=int,
)


class StaffChoiceField(IdChoiceField):
    kept_workers: tuple | None = None
    signed_in = None

    def label_from_instance(self, obj):
        return staff_name(obj)

    def to_python(self, value):
        kept = self.kept_workers
        # Only while the queryset is the one offer_family_workers gave, and for a plain id.
        if kept is None or kept[0] is not self.queryset or self.to_field_name not in KEYS:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        if not is_plain_id(value):
            return super().to_python(value)  # Django's own answer: not a choice
        user_id, school = int(str(value).strip()), kept[1]
        me = self.signed_in
        if me is not None and me.pk == user_id:
            found = [me] if access.works_with_families(me, school) else []
        else:
            found = _worker_at(school_id=school.pk, user_id=user_id)
        if not found:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found[0]


class StaffMultipleChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return staff_name(obj)
