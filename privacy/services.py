"""Writes of the privacy app: retention policies, legal holds, and erasure past retention."""

from __future__ import annotations

import datetime
import logging

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from families.models import Family
from families.services import summaries_refresh
from portal.models import School
from privacy.models import ErasureLog, ErasureRun, LegalHold, RetentionPolicy
from privacy.retention import SchoolReview, Stage, kinds, school_review

logger = logging.getLogger("privacy")


@transaction.atomic
def retention_policy_save(
    *, school: School, routine_years: int, protection_years: int, notes: str = "", user
) -> RetentionPolicy:
    """Sets the school's retention periods (creating its policy on first use)."""
    policy = RetentionPolicy.objects.select_for_update().filter(school=school).first()
    policy = policy or RetentionPolicy(school=school)
    policy.routine_years = routine_years
    policy.protection_years = protection_years
    policy.notes = notes
    policy.updated_by = user
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def legal_hold_set(*, family: Family, school: School, reason: str, user) -> LegalHold:
    """Puts a hold on the family's records: nothing of it is erased until the hold is lifted."""
    if LegalHold.objects.active().filter(family=family, school=school).exists():
        raise ValidationError("This family's records are already on hold at this school.")
    hold = LegalHold(family=family, school=school, reason=reason.strip(), set_by=user)
    hold.full_clean()
    hold.save()
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, reason: str, user) -> LegalHold:
    """Lifts a hold; the record of it stays (who set and lifted it, when and why)."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not hold.is_active:
        raise ValidationError("This hold has already been lifted.")
    if not reason.strip():
        raise ValidationError({"lift_reason": "Say why the hold can be lifted."})
    hold.lifted_at = timezone.now()
    hold.lifted_by = user
    hold.lift_reason = reason.strip()
    hold.full_clean()
    hold.save()
    return hold


# --- Erasure ---------------------------------------------------------------------------------


def _history_models():
    """Every model with django-simple-history (`Model.history`), with its historical model."""
    found = []
    for model in apps.get_models():
        manager = getattr(model, "history", None)
        if manager is not None and hasattr(manager, "model") and manager.model is not model:
            found.append((model, manager.model))
    return found


def _erase_history(erased: dict[type[models.Model], set], *, school, family_id, stage) -> int:
    """Deletes the edit-history rows of the erased records, and of any record pointing at an
    erased one (e.g. a contact removed earlier, whose history still names the family). When the
    family's records at the school are all gone, its history rows at the school go too."""
    by_label = {model._meta.label: ids for model, ids in erased.items()}
    removed = 0
    for model, historical in _history_models():
        where = models.Q(pk__in=[])
        if by_label.get(model._meta.label):
            where |= models.Q(id__in=by_label[model._meta.label])
        for f in historical._meta.concrete_fields:
            target = getattr(f, "related_model", None)
            if target is not None and by_label.get(target._meta.label):
                where |= models.Q(**{f"{f.attname}__in": by_label[target._meta.label]})
        names = {f.attname for f in historical._meta.concrete_fields}
        if stage == Stage.FAMILY and {"family_id", "school_id"} <= names:
            where |= models.Q(family_id=family_id, school_id=school.pk)
        removed += historical.objects.filter(where).delete()[0]
    return removed


def _erase(queryset, *, run, school, family_id, stage, erased) -> int:
    """Deletes `queryset` and everything that cascades from it, logging each row's kind and id."""
    collector = Collector(using=queryset.db, origin=queryset)
    collector.collect(queryset)
    found: list[tuple[type[models.Model], set]] = []
    for model, instances in collector.data.items():
        ids = {obj.pk for obj in instances}
        erased.setdefault(model, set()).update(ids)
        found.append((model, ids))
    for fast in collector.fast_deletes:
        # Link rows (e.g. a contact's children) go without signals; log them too.
        model = fast.model if hasattr(fast, "model") else type(fast[0])
        ids = set(fast.values_list("pk", flat=True)) if hasattr(fast, "values_list") else set()
        found.append((model, ids or {obj.pk for obj in fast if hasattr(obj, "pk")}))
    rows = [
        ErasureLog(
            run=run,
            kind=model._meta.label,
            object_id=pk,
            school=school,
            family_id=family_id,
            stage=stage,
        )
        for model, ids in found
        for pk in sorted(ids)
    ]
    ErasureLog.objects.bulk_create(rows)
    collector.delete()
    return len(rows)


def _erase_family(run: ErasureRun, review: SchoolReview, family_id: int) -> int:
    """Erases what is due of one family at one school, in one transaction (0 if held)."""
    school = review.school
    with transaction.atomic():
        # Lock the family so a hold set meanwhile is seen, then check again.
        if not Family.objects.select_for_update().filter(pk=family_id).exists():
            return 0
        if LegalHold.objects.active().filter(family_id=family_id).exists():
            return 0
        full = family_id in review.full_ids
        erased: dict = {}
        count = 0
        for kind in kinds():
            if kind.stage != Stage.ROUTINE and not full:
                continue
            stage = Stage.ROUTINE if kind.stage == Stage.ROUTINE else kind.stage
            count += _erase(
                kind.of(school, [family_id]),
                run=run,
                school=school,
                family_id=family_id,
                stage=stage,
                erased=erased,
            )
        _erase_history(
            erased,
            school=school,
            family_id=family_id,
            stage=Stage.FAMILY if full else Stage.ROUTINE,
        )
        return count


def retention_erase(
    *, as_of: datetime.date, started_by: str, school: School | None = None, user=None
) -> ErasureRun:
    """Erases every record past retention at `school` (or every school) on `as_of`, with its
    edit history, logging the kind and id of each; families on legal hold are left alone.
    The same for the command and the retention page (`user`: the headteacher who erased there).

    A family whose records another one protects (a foreign key that forbids deletion) is left
    whole and reported in the server log, never half-erased."""
    run = ErasureRun.objects.create(
        as_of=as_of, started_by=started_by[:150], school=school, started_by_user=user
    )
    schools = [school] if school is not None else list(School.objects.order_by("pk"))
    for each in schools:
        review = school_review(each, as_of=as_of, with_counts=False)
        if not review.routine_ids:
            continue
        for family_id in review.routine_ids:
            try:
                run.erased += _erase_family(run, review, family_id)
            except (ProtectedError, RestrictedError) as error:
                found = (
                    error.protected_objects
                    if isinstance(error, ProtectedError)
                    else error.restricted_objects
                )
                blockers = sorted({obj._meta.label for obj in found})
                logger.warning(
                    "Erasure run %s: family %s at school %s kept whole; protected by %s",
                    run.pk,
                    family_id,
                    each.pk,
                    ", ".join(blockers),
                )
        # The family-at-school summary counts are derived from the contacts just erased.
        summaries_refresh(school=each)
    run.finished_at = timezone.now()
    run.save(update_fields=["erased", "finished_at"])
    logger.info("Erasure run %s erased %s records", run.pk, run.erased)
    return run
