"""Writes that span several models: the contact log and the per-family summary it keeps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.sql.subqueries import UpdateQuery
from django.utils import timezone

from families.models import (
    Child,
    Contact,
    ContactAmendment,
    Family,
    ParentCarer,
    SchoolFamily,
    Tone,
)
from portal import access
from portal.compiled import SCHOOL, Compiled, KeptStatement
from portal.lib import records
from portal.models import School

# The fields a member of staff fills in when logging or editing a contact.
CONTACT_FIELDS = (
    "occurred_at",
    "channel",
    "initiated_by",
    "tone",
    "formality",
    "level",
    "purpose",
    "summary",
    "agreed",
    "with_child",
    "follow_up_on",
    "follow_up_owner",
    "confidentiality",
    "confidentiality_reason",
    "consent",
    "subject",
    "lesson",
)


def _summary_values(school: School) -> dict:
    """Update expressions that recompute a SchoolFamily summary from its school's contacts."""
    contacts = Contact.objects.filter(school=school, family=OuterRef("family"))
    latest = contacts.order_by("-occurred_at", "-pk")
    counts = (
        Contact.objects.filter(school=school, family=OuterRef("family"))
        .values("family")
        .annotate(
            positive=Count("pk", filter=Q(tone=Tone.POSITIVE)),
            neutral=Count("pk", filter=Q(tone=Tone.NEUTRAL)),
            concern=Count("pk", filter=Q(tone=Tone.CONCERN)),
        )
    )
    return {
        "last_contact_at": Subquery(latest.values("occurred_at")[:1]),
        "last_contact_tone": Coalesce(Subquery(latest.values("tone")[:1]), Value("")),
        "last_positive_at": Subquery(latest.filter(tone=Tone.POSITIVE).values("occurred_at")[:1]),
        "positive_count": Coalesce(Subquery(counts.values("positive")), 0),
        "neutral_count": Coalesce(Subquery(counts.values("neutral")), 0),
        "concern_count": Coalesce(Subquery(counts.values("concern")), 0),
    }


@transaction.atomic
def summaries_refresh(*, school: School) -> int:
    """Recompute every SchoolFamily summary of `school` from its contacts, in the database.

    Used after bulk loads (demo data, imports); day-to-day contacts update their own row.
    """
    return SchoolFamily.objects.filter(school=school).update(**_summary_values(school))


_SUMMARY_SQL: dict[tuple[str, int], tuple[KeptStatement, list, int]] = {}
_ANY_FAMILY = -7071071  # stands for the family's id while the statement is built


def _summary_refresh_one(*, school: School, family: Family) -> None:
    # A queryset update: the summary is derived data and keeps no edit history of its own.
    # The statement differs between a school's families only in the family's id, and Django
    # takes far longer to build it than the database to run it (the outbox logs a contact for
    # each e-mail it sends): it is built once per school and database, then reused.
    using = router.db_for_write(SchoolFamily)
    key = (using, school.pk)
    if key not in _SUMMARY_SQL:
        query = cast(
            UpdateQuery,
            SchoolFamily.objects.using(using)
            .filter(school=school, family_id=_ANY_FAMILY)
            .query.chain(UpdateQuery),
        )
        query.add_update_values(_summary_values(school))
        compiler = query.get_compiler(using)
        compiler.pre_sql_setup()
        sql, built = compiler.as_sql()
        if list(built).count(_ANY_FAMILY) != 1:  # not the simple statement expected: no reuse
            SchoolFamily.objects.filter(school=school, family=family).update(
                **_summary_values(school)
            )
            return
        _SUMMARY_SQL[key] = (KeptStatement(sql), list(built), list(built).index(_ANY_FAMILY))
    statement, template, at = _SUMMARY_SQL[key]
    params = list(template)
    params[at] = family.pk
    with transaction.mark_for_rollback_on_error(using), connections[using].cursor() as cursor:
        statement.execute(cursor, using, params)


def _is_family_worker(user, school: School) -> bool:
    return user is not None and access.works_with_families(user, school)


def _text_limits(contact: Contact) -> dict:
    """TextField max_length is enforced by forms only; the service checks it for every caller."""
    errors = {}
    for field in contact._meta.concrete_fields:
        if isinstance(field, models.TextField) and field.max_length:
            value = getattr(contact, field.attname) or ""
            if len(value) > field.max_length:
                errors[field.name] = (
                    f"Please keep this to {field.max_length} characters (it has {len(value)})."
                )
    return errors


# Asked on every contact logged (portal.compiled).
_on_roll = Compiled(
    lambda school, family_id: (
        SchoolFamily.objects.filter(school=school, family_id=family_id)
        .order_by()
        .values_list("pk", flat=True)[:1]
    ),
    school=SCHOOL,
    family_id=int,
)


def _contact_check(
    contact: Contact,
    *,
    parents: list[ParentCarer],
    children: list[Child],
    named_staff: list,
) -> None:
    """Every rule of a contact that spans rows: who was involved, and who may see it."""
    school, family = contact.school, contact.family
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    excluded = ["school", "family", "staff", "follow_up_owner"]
    # The constraints, but not those on the confidentiality level: the check that it is one of
    # the three is the field's choices again, checked by full_clean already, and asking the
    # database too would cost three statements a save.
    for check in (
        lambda: contact.full_clean(exclude=excluded, validate_constraints=False),
        lambda: contact.validate_constraints(exclude=[*excluded, "confidentiality"]),
    ):
        try:
            check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    add(field, message)
    for field, message in _text_limits(contact).items():
        add(field, message)
    if not _on_roll(school=school, family_id=family.pk):
        add("__all__", "This family is not on this school's roll.")
    if not parents and not contact.with_child:
        add(
            "parents",
            "Choose at least one parent or carer the contact was with, or tick that it was "
            "with the child or young person.",
        )
    elif any(p.family_id != family.pk for p in parents):
        add("parents", "Only this family's parents and carers can be chosen.")
    if contact.with_child and not children:
        add("children", "Choose which child or young person the conversation was with.")
    if any(c.family_id != family.pk or c.school_id != school.pk for c in children):
        add("children", "Only this family's children at this school can be chosen.")
    if not _is_family_worker(contact.staff, school):
        add("staff", "The member of staff must work with families at this school.")
    if contact.follow_up_owner_id and not _is_family_worker(contact.follow_up_owner, school):
        add("follow_up_owner", "The person following up must work with families at this school.")
    if any(not _is_family_worker(u, school) for u in named_staff):
        add("named_staff", "Everyone named must work with families at this school.")
    owner = contact.follow_up_owner
    if owner is not None and not access.may_see_confidential(
        owner,
        school,
        level=contact.confidentiality,
        author_id=contact.staff_id,
        named_ids=[u.pk for u in named_staff],
    ):
        add("follow_up_owner", "The person following up must be allowed to see this contact.")
    if errors:
        raise ValidationError(errors)


def _contact_apply(contact: Contact, fields: dict) -> None:
    for name, value in fields.items():
        if name not in CONTACT_FIELDS:
            raise TypeError(f"{name} is not a contact field")
        setattr(contact, name, value)
    if contact.follow_up_on and contact.follow_up_owner_id is None:
        contact.follow_up_owner = contact.staff
    if contact.follow_up_on is None:
        contact.follow_up_owner = None
    if contact.confidentiality == Contact.Confidentiality.SCHOOL:
        contact.confidentiality_reason = ""


@transaction.atomic
def contact_log(
    *,
    school: School,
    family: Family,
    staff,
    parents: Iterable[ParentCarer],
    children: Iterable[Child] = (),
    named_staff: Iterable = (),
    completes: Contact | None = None,
    **fields,
) -> Contact:
    """Log a contact with a family, with its parents and children, and update the family's
    summary row; if `completes` is given, that contact's follow-up is marked done by this one.

    `fields` are Contact fields from CONTACT_FIELDS (occurred_at defaults to now).
    """
    parents, children, named_staff = list(parents), list(children), list(named_staff)
    contact = Contact(school=school, family=family, staff=staff)
    contact.occurred_at = timezone.now()
    _contact_apply(contact, fields)
    _contact_check(contact, parents=parents, children=children, named_staff=named_staff)
    if completes is not None and (
        completes.school_id != school.pk
        or completes.family_id != family.pk
        or not completes.follow_up_is_open
    ):
        raise ValidationError("That follow-up is not open for this family.")
    records.history_by(contact, staff)
    contact.save()
    # A new contact has no links yet: add (one insert each, none when empty), not set.
    contact.parents.add(*parents)
    contact.children.add(*children)
    contact.named_staff.add(*named_staff)
    if completes is not None:
        # A queryset update: completing a follow-up is shown by the link, not as an edit.
        Contact.objects.filter(pk=completes.pk).update(
            follow_up_done_at=timezone.now(), follow_up_contact=contact
        )
    _summary_refresh_one(school=school, family=family)
    return contact


@transaction.atomic
def contact_edit(
    *,
    contact: Contact,
    editor,
    parents: Iterable[ParentCarer],
    children: Iterable[Child] = (),
    named_staff: Iterable = (),
    staff=None,
    **fields,
) -> Contact:
    """Change a logged contact; its edit history records `editor`, and the summary follows.

    Who may edit, and for how long, is the view's rule (families.rules.edits_contact); a
    withdrawn contact is never changed."""
    if contact.is_withdrawn:
        raise ValidationError("A withdrawn contact cannot be changed.")
    parents, children, named_staff = list(parents), list(children), list(named_staff)
    if staff is not None:
        contact.staff = staff
    _contact_apply(contact, fields)
    _contact_check(contact, parents=parents, children=children, named_staff=named_staff)
    records.history_by(contact, editor)
    contact.save()
    contact.parents.set(parents)
    contact.children.set(children)
    contact.named_staff.set(named_staff)
    _summary_refresh_one(school=contact.school, family=contact.family)
    return contact


@transaction.atomic
def key_contact_set(*, school_family: SchoolFamily, key_contact, changed_by) -> SchoolFamily:
    """Name the family's key member of staff (or nobody), keeping who changed it."""
    if key_contact is not None and not _is_family_worker(key_contact, school_family.school):
        raise ValidationError(
            {"key_contact": "The key contact must work with families at this school."}
        )
    school_family.key_contact = key_contact
    school_family.full_clean()
    records.history_by(school_family, changed_by)
    school_family.save(update_fields=["key_contact"])
    return school_family


@transaction.atomic
def contact_withdraw(*, contact: Contact, withdrawn_by, reason: str) -> Contact:
    """Withdraw a contact (never delete it): it leaves the family's summary, lists and
    follow-ups, and stays in its history with who withdrew it, when and why."""
    records.withdraw(contact, by=withdrawn_by, reason=reason)
    _summary_refresh_one(school=contact.school, family=contact.family)
    return contact


@transaction.atomic
def contact_amend(
    *,
    contact: Contact,
    amended_by,
    text: str,
    reason: str,
    disputed: bool = False,
    parent_view: str = "",
) -> ContactAmendment:
    """Store a correction to a contact (or a parent's dispute of it) beside the original,
    which is left exactly as it was written."""
    if contact.is_withdrawn:
        raise ValidationError("A withdrawn contact cannot be amended.")
    amendment = ContactAmendment(
        contact=contact, text=text, reason=reason, disputed=disputed, parent_view=parent_view
    )
    return records.amendment_add(amendment, by=amended_by)


@transaction.atomic
def import_run_start(
    *, school: School, user, content: str, file_name: str = "", all_or_nothing: bool = False
):
    """Stores an uploaded CSV file as a dry run and queues it for the background worker.

    Dry runs (of any school) never imported and past their time lose their copy of the file
    here: it holds pupils' and parents' details.
    """
    from families.import_runs import CONFIRM_WITHIN, ImportRun
    from families.tasks import import_run_process

    ImportRun.objects.filter(dry_run=True, finished_at__lt=timezone.now() - CONFIRM_WITHIN).exclude(
        content=""
    ).update(content="")
    run = ImportRun(
        school=school,
        started_by=user,
        dry_run=True,
        all_or_nothing=all_or_nothing,
        file_name=file_name[:255],
        content=content,
    )
    run.full_clean(exclude=["started_by", "school"])
    run.save()
    # Queued in this transaction: a database worker sees the task only once the run is saved.
    import_run_process.enqueue(run.pk)
    return run


@transaction.atomic
def import_run_confirm(*, dry_run, user):
    """Starts the import of a finished dry run's file, without a second upload; returns the
    import run (the one already started, if the confirmation was sent twice).

    Raises ValidationError if the dry run can no longer be imported.
    """
    from families.import_runs import ImportRun
    from families.tasks import import_run_process

    locked = ImportRun.objects.select_for_update().get(pk=dry_run.pk)
    started = locked.imports.order_by("pk").first()
    if started is not None:
        return started
    if not locked.can_be_imported():
        raise ValidationError(
            "This dry run can no longer be imported; please upload the file again."
        )
    run = ImportRun.objects.create(
        school_id=locked.school_id,
        started_by=user,
        dry_run=False,
        all_or_nothing=locked.all_or_nothing,
        checked_by=locked,
        file_name=locked.file_name,
        content=locked.content,
    )
    locked.content = ""  # the import has its own copy now
    locked.save(update_fields=["content"])
    import_run_process.enqueue(run.pk)
    return run
