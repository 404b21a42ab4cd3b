"""A parent's own contact preferences, changed through their link.

What a parent asks for waits as a PreferenceChange (one waiting change per parent: asking again
replaces what waits) and never touches their record until a member of staff accepts it; the
record's own history then keeps the change, with the member of staff who accepted it."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from families.models import ParentCarer, SchoolFamily
from family_voice.models import ParentLink, PreferenceChange
from portal.compiled import SCHOOL, SHAPE, USER, Compiled
from portal.lib import records
from portal.models import School

# The parent's record's fields a parent may ask to change, in the order they are asked.
PARENT_FIELDS = (
    "preferred_channel",
    "phone",
    "email",
    "good_times",
    "language",
    "interpreter_needed",
    "reading",
    "transport_needs",
    "work_pattern",
    "dates_to_avoid",
    "good_places",
)
BOOLEAN_FIELDS = frozenset({"interpreter_needed"})
CHOICES = {"preferred_channel": ParentCarer.Channel, "reading": ParentCarer.Reading}
# How staff name each field when they check a change.
STAFF_LABELS = {
    "preferred_channel": "How to get in touch",
    "phone": "Phone",
    "email": "E-mail",
    "good_times": "Good times",
    "language": "Language",
    "interpreter_needed": "Interpreter",
    "reading": "Reading",
    "transport_needs": "Transport",
    "work_pattern": "Work pattern",
    "dates_to_avoid": "Dates to avoid",
    "good_places": "Good places",
}
TAKEN_BACK = "The parent took this back through their link."
WAITING = PreferenceChange.Status.WAITING


def _normal(field: str, value) -> str | bool:
    if field in BOOLEAN_FIELDS:
        return bool(value)
    return str(value if value is not None else "").strip()


def held(parent: ParentCarer) -> dict[str, str | bool]:
    """What the school holds now for this parent, by field."""
    return {field: _normal(field, getattr(parent, field)) for field in PARENT_FIELDS}


def differences(parent: ParentCarer, values: dict) -> dict[str, str | bool]:
    """The values that differ from what is held (JSON-safe strings and booleans)."""
    now = held(parent)
    asked = {f: _normal(f, values[f]) for f in PARENT_FIELDS if f in values}
    return {f: v for f, v in asked.items() if v != now[f]}


def waiting_change(*, school: School, parent: ParentCarer) -> PreferenceChange | None:
    return (
        PreferenceChange.objects.filter(school=school, parent=parent, status=WAITING)
        .order_by("-asked_at", "-pk")
        .first()
    )


@transaction.atomic
def preference_change_ask(*, link: ParentLink, values: dict, note: str) -> PreferenceChange | None:
    """The parent asks, through their link, for their details to change: only the values that
    differ from what is held wait, with their note. Asking again replaces what waits; asking for
    nothing at all takes a waiting change back (None is returned then, and when nothing waits)."""
    # The parent's row is locked so that two answers sent at once leave one waiting change.
    parent = ParentCarer.objects.select_for_update().get(pk=link.parent_id)
    proposed = differences(parent, values)
    note = note.strip()
    waiting = (
        PreferenceChange.objects.select_for_update()
        .filter(school=link.school, parent=parent, status=WAITING)
        .order_by("-asked_at", "-pk")
        .first()
    )
    now = timezone.now()
    if not proposed and not note:
        if waiting is not None:
            waiting.status = PreferenceChange.Status.DECLINED
            waiting.decided_at = now
            waiting.decline_reason = TAKEN_BACK
            records.history_by(waiting, None)
            waiting.save(update_fields=["status", "decided_at", "decline_reason"])
        return None
    change = waiting or PreferenceChange(
        school=link.school, family_id=parent.family_id, parent=parent
    )
    change.link = link
    change.proposed = proposed
    change.note = note
    change.asked_at = now
    change.full_clean()
    records.history_by(change, None)  # the parent, through their link
    change.save()
    return change


def check_values(parent: ParentCarer, proposed: dict) -> dict[str, list[str]]:
    """What is wrong with the values asked for, by field, checked again against the parent's
    record's own rules (choices, e-mail, lengths); empty when all may be taken on."""
    problems: dict[str, list[str]] = {}
    unknown = sorted(set(proposed) - set(PARENT_FIELDS))
    if unknown:
        problems["__all__"] = [f"Not a detail a parent may change: {', '.join(unknown)}."]
    trial = copy.copy(parent)  # checked in memory: the parent's record is not touched here
    for field, value in proposed.items():
        if field not in PARENT_FIELDS:
            continue
        if field in BOOLEAN_FIELDS and not isinstance(value, bool):
            problems.setdefault(field, []).append("Not a yes or no.")
            continue
        if field not in BOOLEAN_FIELDS and not isinstance(value, str):
            problems.setdefault(field, []).append("Not a piece of text.")
            continue
        setattr(trial, field, value)
    if "language" in proposed and not str(proposed["language"]).strip():
        problems.setdefault("language", []).append("Say which language suits them.")
    exclude = [
        f.name
        for f in ParentCarer._meta.concrete_fields
        if f.name not in proposed or f.name in problems
    ]
    try:
        trial.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            problems.setdefault(field, []).extend(messages)
    return problems


@transaction.atomic
def preference_change_accept(*, change: PreferenceChange, by) -> PreferenceChange:
    """A member of staff takes the change on: the parent's record gets the values asked for
    (kept in its history as their change), checked again first. ValidationError, by field, if a
    value may not be held, or if the change was decided already."""
    change = PreferenceChange.objects.select_for_update().get(pk=change.pk)
    if change.status != WAITING:
        raise ValidationError("This change has been dealt with already.")
    parent = ParentCarer.objects.select_for_update().get(pk=change.parent_id)
    problems = check_values(parent, change.proposed)
    if problems:
        raise ValidationError(problems)
    if change.proposed:
        for field, value in change.proposed.items():
            setattr(parent, field, value)
        records.history_by(parent, by)
        parent.save(update_fields=[*change.proposed, "updated_at"])
    change.status = PreferenceChange.Status.ACCEPTED
    change.decided_by = by
    change.decided_at = timezone.now()
    records.history_by(change, by)
    change.save(update_fields=["status", "decided_by", "decided_at"])
    return change


@transaction.atomic
def preference_change_decline(*, change: PreferenceChange, by, reason: str) -> PreferenceChange:
    """A member of staff does not take the change on now, with a short reason; the parent's
    record stays as it is."""
    change = PreferenceChange.objects.select_for_update().get(pk=change.pk)
    if change.status != WAITING:
        raise ValidationError("This change has been dealt with already.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say briefly why this change is not taken on now."})
    change.status = PreferenceChange.Status.DECLINED
    change.decided_by = by
    change.decided_at = timezone.now()
    change.decline_reason = reason
    change.full_clean()
    records.history_by(change, by)
    change.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    return change


# What staff read.


@dataclass
class Difference:
    field: str
    label: str
    held: str
    asked: str
    same_now: bool  # the record already holds what was asked (changed since by someone)


def _in_words(parent: ParentCarer, field: str, value) -> str:
    if field in BOOLEAN_FIELDS:
        return "Wanted" if value else "Not wanted"
    if value in ("", None):
        return "(nothing)"
    if field in CHOICES:
        return str(dict(CHOICES[field].choices).get(value, value))
    return str(value)


def side_by_side(change: PreferenceChange) -> list[Difference]:
    """Each value asked for beside what the school holds now (the parent is read already)."""
    parent = change.parent
    rows = []
    for field in PARENT_FIELDS:
        if field not in change.proposed:
            continue
        now, asked = getattr(parent, field), change.proposed[field]
        rows.append(
            Difference(
                field=field,
                label=STAFF_LABELS[field],
                held=_in_words(parent, field, now),
                asked=_in_words(parent, field, asked),
                same_now=_normal(field, now) == _normal(field, asked),
            )
        )
    return rows


def waiting_for_family(school: School, family_id: int) -> list[PreferenceChange]:
    """A family's waiting changes, oldest first, with their parents."""
    return list(
        PreferenceChange.objects.filter(school=school, family_id=family_id, status=WAITING)
        .select_related("parent")
        .order_by("asked_at", "pk")
    )


def has_waiting_changes():
    """Whether the family has a change waiting here: carried by the family page's own row."""
    return Exists(
        PreferenceChange.objects.filter(
            school=OuterRef("school"), family=OuterRef("family"), status=WAITING
        )
    )


def waiting_for_key_contact(user, school: School, limit: int) -> list:
    """The families this member of staff is key contact for with changes waiting, and how many
    each has (at most `limit` + 1 families, so the caller can say there are more)."""
    return _waiting(user=user, school=school, limit=limit)


def _waiting_changes(user, school):
    theirs = SchoolFamily.objects.filter(school=school, key_contact=user).values("family_id")
    return PreferenceChange.objects.filter(school=school, status=WAITING, family_id__in=theirs)


def key_contact_waiting(*, user, school, **moments) -> list:
    """The home page asks this first (portal.shell.HomePanel): the panel's own read."""
    return [_waiting_changes(user, school)]


def _waiting_for(user, school, limit):
    return (
        _waiting_changes(user, school)
        .values("family_id", "family__name")
        .annotate(n=Count("pk"))
        .order_by("family__name", "family_id")[: limit + 1]
    )


# The home page's read, built once per process and shape (portal.compiled).
_waiting = Compiled(_waiting_for, user=USER, school=SCHOOL, limit=SHAPE)
