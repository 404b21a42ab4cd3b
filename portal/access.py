"""The access policy: who may see and do what. Views and templates ask here; none re-implement it.

The rules, in short:
- A member of staff sees only the schools they hold an active membership of. Another school's
  object is answered with 404 (its existence is not confirmed), never 403.
- Teachers and support staff (role *staff*) work with the families of the pupils they teach or
  support, those they are key contact for, and those they meet: a meeting they chair or attend,
  or an agreed step they own (met_at_meetings); or every family if the school chooses so.
- Pastoral staff and headteachers work with every family of their school.
- Headteachers (and pastoral leads) see the school's dashboards.
- Authority officers see aggregate figures for the schools of their authority, never a family.
- Administrators (superusers, or the "Administrators" group) manage users, schools and
  memberships in Django admin; administration alone gives no sight of family records.

Predicates are `rules` predicates, so templates can ask `{% has_perm "perm" user obj %}`.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from typing import Any

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, router
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.http import Http404

from portal.compiled import Compiled
from portal.models import Authority, Membership, Role, School

ADMINISTRATORS_GROUP = "Administrators"
FAMILY_ROLES = frozenset({Role.STAFF, Role.PASTORAL, Role.HEADTEACHER})
WHOLE_SCHOOL_ROLES = frozenset({Role.PASTORAL, Role.HEADTEACHER})


FAMILY_AUDIT_PERM = "audit.view_family_audit"


def memberships(user) -> Memberships:
    """The user's active memberships by school id, loaded once per request and cached on user.

    The same query asks whether the user holds the family audit permission (which makes a data
    protection lead), so the navigation can offer leads their pages without a query of its own.
    """
    if not getattr(user, "is_authenticated", False):
        return Memberships()
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        rows = _memberships_of(user_id=user.pk)
        cached = Memberships(rows)
        user._portal_memberships = cached
        if rows:
            perms = user.__dict__.setdefault("_portal_stored_perms", {})
            perms.setdefault(FAMILY_AUDIT_PERM, rows[0][_AUDIT_AT])
    return cached


_MEMBERSHIP = [f.attname for f in Membership._meta.concrete_fields]
_SCHOOL = [f.attname for f in School._meta.concrete_fields]
_AUTHORITY = [f.attname for f in Authority._meta.concrete_fields]
_SCHOOL_AT = len(_MEMBERSHIP)
_AUTHORITY_AT = _SCHOOL_AT + len(_SCHOOL)
_AUDIT_AT = _AUTHORITY_AT + len(_AUTHORITY)
_SCHOOL_ID = _MEMBERSHIP.index("school_id")
_ROLE = _MEMBERSHIP.index("role")
_SCHOOL_AUTHORITY_ID = _SCHOOL_AT + _SCHOOL.index("authority_id")

# Every signed-in request reads this, so its SQL is built once per process (portal.compiled).
# Plain rows: each membership, its school and authority are made as models only when asked for.
_memberships_of = Compiled(
    lambda user_id: (
        Membership.objects.active()
        .filter(user_id=user_id)
        .annotate(holds_audit=_stored_perm(FAMILY_AUDIT_PERM, user_id))
        .order_by("school__name")
        .values_list(
            *_MEMBERSHIP,
            *(f"school__{name}" for name in _SCHOOL),
            *(f"school__authority__{name}" for name in _AUTHORITY),
            "holds_audit",
        )
    ),
    user_id=int,
)


class Memberships(Mapping):
    """A user's active memberships by school id, in the order of the schools' names. Each is
    made (with its school and the school's authority) from its row only when asked for: an
    authority officer may hold one at each of 150 schools, and a page uses one of them. Making
    them all took 17 ms of every officer's page, twice the whole site shell."""

    __slots__ = ("_db", "_made", "_rows")

    def __init__(self, rows=(), made: dict[int, Membership] | None = None):
        self._db = router.db_for_read(Membership)  # where the rows were read, as Compiled does
        self._rows: dict[int, tuple] = {row[_SCHOOL_ID]: row for row in rows}
        self._made: dict[int, Membership] = {}
        for school_id, membership in (made or {}).items():
            self._rows.setdefault(school_id, ())
            self._made[school_id] = membership

    def __getitem__(self, school_id) -> Membership:
        made = self._made.get(school_id)
        if made is None:
            made = self._made[school_id] = _membership_from(self._rows[school_id], self._db)
        return made

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def roles(self) -> list[tuple[int, str, int]]:
        """(school id, role, the school's authority id) of each, without making any."""
        found: list[tuple[int, str, int]] = []
        for school_id, row in self._rows.items():
            made = self._made.get(school_id)
            if made is not None:
                found.append((school_id, made.role, made.school.authority_id))
            else:
                found.append((school_id, row[_ROLE], row[_SCHOOL_AUTHORITY_ID]))
        return found


def _membership_from(row: tuple, db: str) -> Membership:
    """The membership, its school and the school's authority, as select_related makes them."""
    membership = Membership.from_db(db, _MEMBERSHIP, row[:_SCHOOL_AT])
    school = School.from_db(db, _SCHOOL, row[_SCHOOL_AT:_AUTHORITY_AT])
    authority = Authority.from_db(db, _AUTHORITY, row[_AUTHORITY_AT:_AUDIT_AT])
    School.authority.field.set_cached_value(school, authority)
    Membership.school.field.set_cached_value(membership, school)
    return membership


def membership_in(user, school: School | int | None) -> Membership | None:
    if school is None:
        return None
    school_id = school if isinstance(school, int) else school.pk
    return memberships(user).get(school_id)


def role_in(user, school) -> str | None:
    membership = membership_in(user, school)
    return membership.role if membership else None


def school_ids(user) -> set[int]:
    return set(memberships(user))


def places(user) -> list[Membership]:
    """The places this user can choose to work in, one membership each, in the chooser's
    order: every school where they hold a school role, and each authority they are an
    officer of (once, however many of its schools the officer's role was given at), since an
    officer's home page and figures are the authority's, not one school's."""
    mine = memberships(user)
    chosen, authorities = [], set()
    for school_id, role, authority_id in mine.roles():
        if role == Role.AUTHORITY:
            if authority_id in authorities:
                continue
            authorities.add(authority_id)
        chosen.append(mine[school_id])
    return chosen


def authority_ids(user) -> set[int]:
    """Authorities whose aggregate figures this user may see (as an authority officer)."""
    return {
        authority_id
        for _, role, authority_id in memberships(user).roles()
        if role == Role.AUTHORITY
    }


def may_see_council_data(user, authority_id: int | None) -> bool:
    """Whether this user may download an authority's figures for the council's own reporting
    (council_data): its authority officers only; administering the portal gives none."""
    return authority_id is not None and authority_id in authority_ids(user)


def may_manage_council_tokens(user, authority_id: int | None) -> bool:
    """Whether this user may make, see and revoke the authority's API tokens: the same
    officers, since a token reads exactly what they may download."""
    return may_see_council_data(user, authority_id)


@rules.predicate
def is_administrator(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.is_staff:
        # Administrators work in Django admin, which only staff accounts can enter: anyone else
        # is not one, and most requests are spared the group query.
        return False
    cached = getattr(user, "_portal_is_admin", None)
    if cached is None:
        cached = user.groups.filter(name=ADMINISTRATORS_GROUP).exists()
        user._portal_is_admin = cached
    return cached


@rules.predicate
def is_member(user, school) -> bool:
    return membership_in(user, school) is not None


@rules.predicate
def works_with_families(user, school) -> bool:
    return role_in(user, school) in FAMILY_ROLES


@rules.predicate
def is_pastoral(user, school) -> bool:
    return role_in(user, school) == Role.PASTORAL


@rules.predicate
def is_headteacher(user, school) -> bool:
    return role_in(user, school) == Role.HEADTEACHER


@rules.predicate
def is_authority_officer(user, school) -> bool:
    return role_in(user, school) == Role.AUTHORITY


@rules.predicate
def sees_all_families(user, school) -> bool:
    """Whether the user works with every family of this school, not only their own pupils'."""
    role = role_in(user, school)
    if role in WHOLE_SCHOOL_ROLES:
        return True
    return role == Role.STAFF and bool(school.staff_see_all_families)


def met_at_meetings(user, school):
    """Beside who-teaches-whom: whether this member of staff chairs, attends or was recorded as
    at a meeting with the family at `school` (not cancelled), or owns one of its agreed steps.
    An EXISTS for a SchoolFamily query, so seeing families stays one query; what they then
    read of the family is still each record's confidentiality."""
    from django.apps import apps
    from django.db.models import Exists, OuterRef, Q

    # Read by name: the policy imports no feature app (meetings is above it).
    meeting_model: Any = apps.get_model("meetings", "Meeting")
    step_model: Any = apps.get_model("meetings", "ActionPoint")
    meetings = meeting_model.objects.filter(school=school, family=OuterRef("family"))
    meetings = meetings.exclude(status="cancelled")
    steps = step_model.objects.filter(meeting=OuterRef("pk"), owner_staff=user)
    present = meeting_model.staff_present.through.objects.filter(meeting=OuterRef("pk"), user=user)
    return Exists(meetings.filter(Q(chair=user) | Q(staff=user) | Exists(present) | Exists(steps)))


def is_designated_teacher(user, school) -> bool:
    """Whether the school names this member of staff its designated teacher for looked-after
    children (School.designated_teacher, set by the headteacher)."""
    if school is None or isinstance(school, int) or not works_with_families(user, school):
        return False
    return school.designated_teacher_id is not None and school.designated_teacher_id == user.pk


def sees_looked_after_children(user, school) -> bool:
    """Whether the user works with every family of the school that has a looked-after pupil,
    beyond their own pupils': the designated teacher does (pastoral staff and headteachers see
    every family anyway). It is a family's sight, not the pastoral team's: contacts kept to the
    pastoral team or to named staff stay hidden unless the designated teacher is named on them,
    since their work is the children's education, not every confidential matter at home."""
    return is_designated_teacher(user, school) and not sees_all_families(user, school)


def may_record_consent(user, school) -> bool:
    """Whether this user may record consent to share, or its withdrawal: pastoral staff and
    headteachers (everyone who works with the family reads it)."""
    return role_in(user, school) in WHOLE_SCHOOL_ROLES


@rules.predicate
def handles_complaints(user, school) -> bool:
    """Pastoral staff and headteachers see, record and edit every complaint of their school."""
    return role_in(user, school) in WHOLE_SCHOOL_ROLES


def refusal(school, records) -> Exception:
    """What to answer someone whose role may never open this kind of record (an authority
    officer or administrator asking for a family's): 403 if `records` (filtered to the id asked
    for) holds one of their current school's, otherwise 404, as for anyone asking for another
    school's record, so that its existence is not confirmed. Raise what it returns."""
    if school is not None and records.filter(school=school).exists():
        return PermissionDenied()
    return Http404("No such record.")


def may_see_complaint(user, school, *, point_of_contact_id: int | None) -> bool:
    """Whether this user may read one complaint: those who handle complaints, and its named
    point of contact. Other staff and authority officers never do (complaints are sensitive)."""
    if not works_with_families(user, school):
        return False
    return handles_complaints(user, school) or user.pk == point_of_contact_id


rules.add_perm("portal.view_school", is_member)
rules.add_perm("portal.view_team", works_with_families)
rules.add_perm("portal.view_school_dashboard", is_headteacher | is_pastoral)
rules.add_perm("portal.view_authority_dashboard", is_authority_officer)
# Each member of staff sees their own contact balance; the headteacher sees everyone's.
rules.add_perm("portal.view_own_contact_balance", works_with_families)
rules.add_perm("portal.view_staff_contact_balance", is_headteacher)
# The senior team's self-evaluation: pastoral leads read it, the headteacher records it.
rules.add_perm("portal.record_self_evaluation", is_headteacher)
# How often each communication level hears from us (families.rhythm): the headteacher sets it.
rules.add_perm("portal.set_contact_rhythm", is_headteacher)
rules.add_perm("portal.use_admin", is_administrator)
rules.add_perm("portal.manage_complaints", handles_complaints)
rules.add_perm("portal.view_complaints_overview", is_headteacher)


# Confidentiality of a contact, meeting or placement. Values match Contact.Confidentiality.
CONFIDENTIAL_SCHOOL = "school"
CONFIDENTIAL_PASTORAL = "pastoral"
CONFIDENTIAL_NAMED = "named"


def levels_open_to(user, school) -> tuple[str, ...]:
    """The one definition of confidentiality: the levels this user reads on any record of a
    family they work with, whoever wrote it or is named on it. Everyone who works with families
    reads the whole school's records; pastoral staff and headteachers the pastoral team's too.
    Beyond these, a record is read by the people it names: its author and its named staff
    (a meeting: its chair, staff attendees and staff recorded as there), which is all the
    "named" level allows. may_see_confidential asks this of one record in Python;
    readable_levels builds the same rule as a query filter (Contact, Meeting)."""
    if not works_with_families(user, school):
        return ()
    if role_in(user, school) in WHOLE_SCHOOL_ROLES:
        return (CONFIDENTIAL_SCHOOL, CONFIDENTIAL_PASTORAL)
    return (CONFIDENTIAL_SCHOOL,)


def may_see_confidential(user, school, *, level: str, author_id: int | None, named_ids) -> bool:
    """Whether this user may read one record at `level` confidentiality, written by
    `author_id` and naming `named_ids` (see levels_open_to)."""
    if not works_with_families(user, school):
        return False
    if user.pk == author_id or user.pk in set(named_ids):
        return True
    return level in levels_open_to(user, school)


def readable_levels(user, school, *, field: str = "confidentiality"):
    """levels_open_to as a query filter on `field`: true for rows at a level this user reads
    whoever wrote them. Callers add, with |, the rows that name the user (author, named)."""
    levels = levels_open_to(user, school)
    if not levels:
        return Q(pk__in=[])
    return functools.reduce(operator.or_, (Q(**{field: level}) for level in levels))


def may_change_meeting(user, school, *, chair_id: int | None, staff_ids) -> bool:
    """Whether this user may prepare, record or follow up a meeting they can see: its chair,
    its staff attendees, and pastoral staff and headteachers; other staff only read it."""
    if not works_with_families(user, school):
        return False
    if user.pk == chair_id or user.pk in set(staff_ids):
        return True
    return role_in(user, school) in WHOLE_SCHOOL_ROLES


def may_edit_record(user, school, *, author_id: int | None) -> bool:
    """Whether this user may change a contact or note they can see: its author, pastoral staff
    and headteachers."""
    if not works_with_families(user, school):
        return False
    return user.pk == author_id or role_in(user, school) in WHOLE_SCHOOL_ROLES


# Roles whose sign-in must be confirmed with a second factor (their sight is wider).
TWO_FACTOR_ROLES = frozenset({Role.PASTORAL, Role.HEADTEACHER, Role.AUTHORITY})


def needs_two_factor(user) -> bool:
    """Whether this user must confirm sign-in with a code: pastoral staff, headteachers,
    authority officers at any of their schools, and anyone who can open Django admin
    (administrators need is_staff for that, so no group query is needed here)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(role in TWO_FACTOR_ROLES for _, role, _ in memberships(user).roles())


DATA_PROTECTION_LEADS_GROUP = "Data protection leads"


def may_see_family_audit(user, school) -> bool:
    """Whether this user may see who viewed and changed a family's records: the headteacher,
    staff the school has made data protection leads (the "Data protection leads" group,
    which holds the audit.view_family_audit permission), and the pastoral lead if the school
    names one (School.pastoral_lead, a member of its pastoral staff). Authority officers never
    do."""
    if not works_with_families(user, school):
        return False
    return _is_data_protection_lead(user, school) or is_pastoral_lead(user, school)


def is_pastoral_lead(user, school) -> bool:
    """Whether the school names this user, in their pastoral role there, as its pastoral lead."""
    if school is None or isinstance(school, int) or not is_pastoral(user, school):
        return False
    return school.pastoral_lead_id is not None and school.pastoral_lead_id == user.pk


def _is_data_protection_lead(user, school) -> bool:
    return is_headteacher(user, school) or holds_stored_perm(user, FAMILY_AUDIT_PERM)


def holds_stored_perm(user, perm: str) -> bool:
    """Whether a permission is granted in admin, to the user or one of their groups, asked in
    one query (ModelBackend.has_perm loads every permission of both kinds, in two)."""
    if not (user.is_active and getattr(user, "is_authenticated", False)):
        return False
    if user.is_superuser:
        return True
    # Asked once per permission and request: cached on the user object, like memberships.
    cache = user.__dict__.setdefault("_portal_stored_perms", {})
    if perm not in cache:
        users = get_user_model()
        held = _stored_perm(perm, (users, users._meta.pk.column))
        cache[perm] = users.objects.filter(pk=user.pk).alias(held=held).filter(held=True).exists()
    return cache[perm]


def _stored_perm(perm: str, user_column: tuple | int) -> RawSQL:
    """True if the permission is granted in admin to the user whose id is in `user_column`
    (a model and one of its columns), or is `user_column` itself (an id), directly or through
    one of their groups. Given the id, PostgreSQL asks once however many rows it is asked for
    (an officer's 150 memberships: 2.8 ms asked for each row against the column).

    Written as SQL rather than built with the ORM (Permission rows filtered on user OR
    group__user): it is part of the memberships query every page runs, where the ORM's version
    made every page about 4 ms slower than this one (half to build it, half to plan it). The
    two `IN` lists plan in under half the time of one chain of outer joins (0.3 against 0.7 ms
    in PostgreSQL 15), which every signed-in page would pay."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    users = get_user_model()
    app_label, codename = perm.split(".", 1)
    name = connection.ops.quote_name
    asked: tuple[int, ...] = ()
    if isinstance(user_column, int):
        user_id, asked = "%s", (user_column, user_column)
    else:
        model, column = user_column
        user_id = f"{name(model._meta.db_table)}.{name(column)}"
    user_perm, group_perm, user_group = (
        users.user_permissions.field,
        Group.permissions.field,
        users.groups.field,
    )
    tables: tuple[Any, ...] = (
        Permission,
        ContentType,
        user_perm.remote_field.through,
        group_perm.remote_field.through,
        user_group.remote_field.through,
    )
    p, ct, up, gp, ug = (name(table._meta.db_table) for table in tables)
    up_user, up_perm = name(user_perm.m2m_column_name()), name(user_perm.m2m_reverse_name())
    gp_group, gp_perm = name(group_perm.m2m_column_name()), name(group_perm.m2m_reverse_name())
    ug_user, ug_group = name(user_group.m2m_column_name()), name(user_group.m2m_reverse_name())
    # Only names are put into the text, each from the models' metadata and quoted; the values
    # asked about are parameters.
    sql = (
        f"EXISTS (SELECT 1 FROM {p}"  # nosec B608
        f" INNER JOIN {ct} ON {ct}.id = {p}.content_type_id"
        f" WHERE {ct}.app_label = %s AND {p}.codename = %s"
        f" AND ({p}.id IN (SELECT {up_perm} FROM {up} WHERE {up}.{up_user} = {user_id})"
        f" OR {p}.id IN (SELECT {gp}.{gp_perm} FROM {gp}"
        f" INNER JOIN {ug} ON {ug}.{ug_group} = {gp}.{gp_group}"
        f" WHERE {ug}.{ug_user} = {user_id})))"
    )
    return RawSQL(sql, (app_label, codename, *asked), output_field=BooleanField())  # nosec B611


def may_update_step(user, school, *, owner_id: int | None, chair_id: int | None, staff_ids) -> bool:
    """Whether this user may update one agreed step of a meeting they can see: whoever may change
    the meeting, and the member of staff who owns the step."""
    if not works_with_families(user, school):
        return False
    return user.pk == owner_id or may_change_meeting(
        user, school, chair_id=chair_id, staff_ids=staff_ids
    )


def may_handle_data_protection(user, school) -> bool:
    """Whether this user may read the retention review and prepare subject access exports: the
    headteacher and the school's data protection leads (not the pastoral lead as such)."""
    if not works_with_families(user, school):
        return False
    return _is_data_protection_lead(user, school)


def may_manage_retention(user, school) -> bool:
    """Whether this user may set the school's retention periods and put a family's records on
    legal hold, or lift a hold: the headteacher only."""
    return is_headteacher(user, school)


def may_withdraw_record(user, school, *, author_ids) -> bool:
    """Whether this user may withdraw (never delete) a record they can see, with a reason: its
    author (for a meeting, its chair or whoever planned it; for a placement, who placed it),
    pastoral staff and headteachers. Authority officers and administrators never do."""
    if not works_with_families(user, school):
        return False
    return user.pk in set(author_ids) or role_in(user, school) in WHOLE_SCHOOL_ROLES


def may_see_restricted_contact_details(user, school, *, key_contact_id: int | None) -> bool:
    """Whether this user may see the phone, e-mail and address of a parent or carer who has a
    recorded restriction (e.g. a court order): pastoral staff, the headteacher and the family's
    key contact, who need them to honour it. Other staff are told who holds them."""
    if not works_with_families(user, school):
        return False
    return user.pk == key_contact_id or role_in(user, school) in WHOLE_SCHOOL_ROLES


def may_override_restriction(user, school, *, key_contact_id: int | None) -> bool:
    """Whether this user may decide, with a reason, to invite or write to a parent or carer
    despite a recorded restriction: the same people who may see their contact details."""
    return may_see_restricted_contact_details(user, school, key_contact_id=key_contact_id)


def may_send_messages(user, school) -> bool:
    """Whether this user may write to parents and carers from the portal (good news, a meeting
    invitation, a summary, their own message): anyone who works with families, to the families
    they see. Who each message may go to is the recipients' rules (reaching_out.planning)."""
    return works_with_families(user, school)


def sees_school_outbox(user, school) -> bool:
    """Whether this user sees every message of the school and runs the outbox: prints and
    posts the letters, makes or hands on the calls, tries a failed message another way:
    pastoral staff and the headteacher. Others see and act on the messages they wrote."""
    return role_in(user, school) in WHOLE_SCHOOL_ROLES


def may_handle_message(user, school, *, sent_by_id: int | None) -> bool:
    """Whether this user may open one message and act on it: whoever wrote it (while they work
    with families here), pastoral staff and the headteacher."""
    if not works_with_families(user, school):
        return False
    return user.pk == sent_by_id or sees_school_outbox(user, school)


def may_keep_calendar(user, school) -> bool:
    """Whether this user keeps the school's calendar (terms, holidays, in-service days, the
    council's .ics imported): the headteacher."""
    return role_in(user, school) == Role.HEADTEACHER


def may_set_up_evenings(user, school) -> bool:
    """Whether this user sets up parents' evenings (sittings, staff, slots, who is invited,
    the office), sends the invitations and sees every one: the headteacher."""
    return role_in(user, school) == Role.HEADTEACHER


def may_run_evening(user, school, *, office_ids) -> bool:
    """Whether this user sees one whole evening (every timetable, every booking, who has not
    booked) and books, moves or cancels for a parent who phones: the headteacher, pastoral
    staff, and the office staff the evening names."""
    if not works_with_families(user, school):
        return False
    return role_in(user, school) in WHOLE_SCHOOL_ROLES or user.pk in set(office_ids)


def may_see_evening(user, school, *, office_ids, staff_ids) -> bool:
    """Whether this user sees an evening at all: those who run it, and the staff taking part
    (their own timetable, and who has not booked among the families they see)."""
    if may_run_evening(user, school, office_ids=office_ids):
        return True
    return works_with_families(user, school) and user.pk in set(staff_ids)


def may_act_on_appointment(user, school, *, slot_staff_id: int, office_ids) -> bool:
    """Whether this user records what happened at one appointment (came, did not come, a
    contact): the member of staff it was with, and those who run the evening."""
    if may_run_evening(user, school, office_ids=office_ids):
        return True
    return works_with_families(user, school) and user.pk == slot_staff_id


def may_keep_child_up_to_date(user, school, *, teaches_child: bool) -> bool:
    """Whether this user may change who is who for one child of a family they see (add a
    parent or carer to them, change a relationship, parental responsibility, who the child
    lives with, the household), or add a brother or sister to a family with this child:
    pastoral staff and headteachers; teachers and support staff only for a pupil they teach or
    support, and only where the school allows it (School.teachers_keep_families_up_to_date)."""
    role = role_in(user, school)
    if role in WHOLE_SCHOOL_ROLES:
        return True
    return role == Role.STAFF and teaches_child and bool(school.teachers_keep_families_up_to_date)


def may_record_restriction(user, school) -> bool:
    """Whether this user may record a restriction on a parent or carer (a court order, a
    social work decision) or lift one: pastoral staff and headteachers only, whatever the
    school allows teachers."""
    return role_in(user, school) in WHOLE_SCHOOL_ROLES


# Administration. Administrators who are not superusers manage only the schools they are linked
# to (School.administrators), never give more rights than they hold, and never read family
# records in admin. A family-seeing role they give waits for a second person's confirmation.


def administered_school_ids(user) -> set[int]:
    """The schools this administrator manages in admin (superusers: see may_administer_all)."""
    if not is_administrator(user):
        return set()
    cached = getattr(user, "_portal_administered", None)
    if cached is None:
        cached = set(user.administered_schools.values_list("pk", flat=True))
        user._portal_administered = cached
    return cached


def may_administer_all(user) -> bool:
    """Superusers manage every school, account and group."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def may_set_letterhead(user, school) -> bool:
    """Whether this user may change the school's letterhead in admin (its page there)."""
    if may_administer_all(user):
        return True
    school_id = school if isinstance(school, int) else school.pk
    return school_id in administered_school_ids(user) and holds_stored_perm(
        user, "portal.change_school"
    )


def stored_perms(user) -> set[str]:
    """Permissions granted in admin to the user or their groups ("app_label.codename")."""
    from django.contrib.auth.backends import ModelBackend

    if not user.is_active:
        return set()
    return ModelBackend().get_all_permissions(user)


def holds_no_more_than(actor, target) -> bool:
    """Whether `target` holds no right `actor` lacks: an account an administrator may change.
    Superusers hold every right; anyone else's are their flags and stored permissions."""
    if may_administer_all(actor):
        return True
    if target.is_superuser or (target.is_staff and not actor.is_staff):
        return False
    return stored_perms(target) <= stored_perms(actor)


def may_take_over(actor, target) -> bool:
    """Whether `actor` may set `target`'s password, username or e-mail address (any of which
    lets them sign in as `target`): superusers; anyone for their own account; administrators
    only for accounts holding no more rights than theirs and no role that sees families."""
    if may_administer_all(actor) or actor.pk == target.pk:
        return True
    if not holds_no_more_than(actor, target):
        return False
    return not target.memberships.filter(is_active=True, role__in=FAMILY_ROLES).exists()


def _family_admin_perms(user) -> set[str] | None:
    """Family records in admin: superusers (None: every permission), and staff given the
    permission on purpose, but never a member of the Administrators group who is not a
    superuser, whatever their permissions (administration alone gives no sight of families)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return set()
    if user.is_superuser:
        return None
    if is_administrator(user):
        return set()
    return stored_perms(user)


def may_read_family_records_in_admin(user, perm: str) -> bool:
    """Whether this user may use `perm` on family records in admin (see above)."""
    perms = _family_admin_perms(user)
    return perms is None or perm in perms


def may_use_family_admin(user, app_label: str) -> bool:
    """Whether admin lists an app of family records for this user at all (see above)."""
    perms = _family_admin_perms(user)
    return perms is None or any(perm.startswith(f"{app_label}.") for perm in perms)


def may_confirm_membership(user, membership) -> bool:
    """Whether `user` may confirm (or decline) a role awaiting confirmation: a headteacher of
    its school or a superuser, never the person who asked for it nor the person it is for."""
    if membership.confirmed_at is not None or not membership.is_active:
        return False
    if user.pk in (membership.user_id, membership.requested_by_id):
        return False
    return may_administer_all(user) or is_headteacher(user, membership.school_id)


rules.add_perm("portal.review_staff_access", is_headteacher)
# The school's subjects and its designated teacher for looked-after children.
rules.add_perm("portal.set_school_lists", is_headteacher)


# Importing pupils and families from a CSV file creates and changes children, parents and
# families, so it needs all six permissions, granted in admin on purpose (never a role's).
IMPORT_PERMS = tuple(
    f"families.{action}_{model}"
    for action in ("add", "change")
    for model in ("child", "parentcarer", "family")
)


def import_school_ids(user) -> set[int] | None:
    """The schools this user may import pupils and families into, and whose import runs they
    see: superusers every school (None); staff granted the six import permissions in admin,
    the schools they hold an active membership of; anyone else none."""
    from django.contrib.auth.backends import ModelBackend

    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return set()
    if user.is_superuser:
        return None
    stored = ModelBackend()  # permissions granted in admin only, never the portal's role rules
    if not all(stored.has_perm(user, perm) for perm in IMPORT_PERMS):
        return set()
    return school_ids(user)


def may_import(user) -> bool:
    """Whether this user may import into at least one school (see import_school_ids)."""
    schools = import_school_ids(user)
    return schools is None or bool(schools)


def may_import_into(user, school) -> bool:
    schools = import_school_ids(user)
    school_id = school if isinstance(school, int) else school.pk
    return schools is None or school_id in schools
