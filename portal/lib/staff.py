"""Listing and naming staff, the same way on every form and page."""

from django.contrib.auth import get_user_model
from django.db.models import F, QuerySet

from portal import access
from portal.access import FAMILY_ROLES
from portal.compiled import IDS, Compiled
from portal.lib.limits import IdChoiceField, IdMultipleChoiceField
from portal.lib.words import staff_name

__all__ = [
    "staff_name",
    "family_workers",
    "offer_family_workers",
    "family_worker_names",
    "StaffChoiceField",
    "StaffMultipleChoiceField",
    "person_columns",
    "shared_people",
]

# What a record shows of the staff member who wrote, owns or withdrew it: their name.
PERSON_COLUMNS = ("first_name", "last_name", "username")


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


# The people a staff picker offers: read once per process (portal.compiled), as plain rows of
# only the columns their names need (a model made for each was most of a long picker's cost).
_workers_of = Compiled(
    lambda school_id: family_workers(school_id).values_list(
        "id", "first_name", "last_name", "username"
    ),
    school_id=int,
)


def _named(first: str, last: str, username: str) -> str:
    """staff_name, from the columns: the full name as get_full_name gives it, else the
    username."""
    return f"{first} {last}".strip() or username


def person_columns(*fields: str) -> dict:
    """Annotations that carry the columns of the users a row's `fields` name (PERSON_COLUMNS),
    for shared_people: in place of select_related(*fields), which makes a user for every row."""
    return {
        f"{field}__{column}_": F(f"{field}__{column}")
        for field in fields
        for column in PERSON_COLUMNS
    }


def shared_people(rows: list, *fields: str) -> list:
    """Give each row's user `fields` (read with person_columns) as select_related would, but
    one user for each person, however many rows name them: a chronology of twenty contacts by
    three people makes three, not twenty. Only the name's columns are read; any other is
    fetched if asked for, as for a deferred field, unless the rows were read to raise instead
    (FETCH_RAISE, as the chronology's are): the users are read as their rows were."""
    made: dict = {}
    model = get_user_model()
    # from_db takes the values in the order of the model's fields.
    names = [f.attname for f in model._meta.concrete_fields if f.attname in {"id", *PERSON_COLUMNS}]
    for field in fields:
        relation = rows[0]._meta.get_field(field) if rows else None
        for row in rows:
            pk = getattr(row, relation.attname)
            user = None
            if pk is not None:
                user = made.get(pk)
                if user is None:
                    columns = {name: getattr(row, f"{field}__{name}_") for name in PERSON_COLUMNS}
                    columns["id"] = pk
                    user = made[pk] = model.from_db(
                        row._state.db,
                        names,
                        [columns[name] for name in names],
                        fetch_mode=row._state.fetch_mode,
                    )
            relation.set_cached_value(row, user)
    return rows


def family_worker_names(school_id: int) -> list[tuple[int, str]]:
    """The school's family workers as (id, name), in the pickers' order, from one kept read."""
    return [(pk, _named(*names)) for pk, *names in _workers_of(school_id=school_id)]


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
            read.append(family_worker_names(school.pk))
        return read[0]

    def lookup(ids: list[int]) -> list:
        if signed_in is not None and ids == [signed_in.pk]:
            return [signed_in] if access.works_with_families(signed_in, school) else []
        return _workers_named(school_id=school.pk, ids=ids)

    workers = _family_workers_of(school.pk)
    for field in fields:
        field.queryset = workers
        # Those chosen are looked up with a kept read of the same query (portal.lib.limits).
        field.kept_rows = (field.queryset, lookup)
        # As the queryset's own options would be: "nobody" first where the picker has one.
        first = [] if field.empty_label is None else [("", field.empty_label)]
        field.choices = lambda first=first: first + people()


# The people a sent picker names, if family workers of the school (a kept read of
# `family_workers(school).filter(pk__in=...)`, which Django would build on each form sent).
_workers_named = Compiled(
    lambda school_id, ids: family_workers(school_id).filter(pk__in=ids),
    school_id=int,
    ids=IDS,
)


class StaffChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return staff_name(obj)


class StaffMultipleChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj):
        return staff_name(obj)
