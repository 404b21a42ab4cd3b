"""Writes for the compass: recording a placement, and installing the default data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from compass import defaults
from compass.models import CompassRegion, LeverStep, Placement, point_for, region_for
from families.models import Contact, Family, Level, ParentCarer, SchoolFamily
from portal.lib import records
from portal.lib.staff import family_workers
from portal.models import School


@transaction.atomic
def defaults_install() -> None:
    """Create the default regions and lever steps if missing (tests, fresh databases)."""
    for key, label, description, order, is_goal, x_min, x_max, y_min, y_max in defaults.REGIONS:
        CompassRegion.objects.get_or_create(
            school=None,
            key=key,
            defaults={
                "label": label,
                "description": description,
                "order": order,
                "is_goal": is_goal,
                "x_min": x_min,
                "x_max": x_max,
                "y_min": y_min,
                "y_max": y_max,
            },
        )
    for (lever, step), description in defaults.LEVER_STEPS.items():
        LeverStep.objects.get_or_create(
            school=None, lever=lever, step=step, defaults={"description": description}
        )


def _standing(placements):
    """The placements that count towards a family's current region: about the family as a
    whole (a placement about one parent is that parent's) and not withdrawn (the default
    manager already leaves those out; this says so where every refresh below goes through)."""
    return placements.filter(withdrawn_at__isnull=True).whole_family()


def _latest_placements():
    """The placements of the outer SchoolFamily row that count, newest first."""
    return _standing(Placement.objects.filter(school_family=OuterRef("pk"))).order_by(
        "-placed_at", "-pk"
    )


@transaction.atomic
def school_family_region_refresh(*, school_family: SchoolFamily) -> SchoolFamily:
    """Recompute one family's current region and last placement date at its school from its
    placements (after a placement is withdrawn or corrected, say). Returns the row, updated."""
    latest = (
        _standing(Placement.objects.filter(school_family=school_family))
        .order_by("-placed_at", "-pk")
        .values("region_key", "placed_at", "level")
        .first()
    )
    school_family.current_region = latest["region_key"] if latest else ""
    school_family.last_placed_at = latest["placed_at"] if latest else None
    school_family.current_level = latest["level"] if latest else Level.GENERAL
    # A queryset update: the columns are derived data with no edit history of their own.
    SchoolFamily.objects.filter(pk=school_family.pk).update(
        current_region=school_family.current_region,
        last_placed_at=school_family.last_placed_at,
        current_level=school_family.current_level,
    )
    return school_family


@transaction.atomic
def current_regions_refresh(*, school: School) -> int:
    """Recompute every family's current region at `school` in one UPDATE (after bulk loads:
    demo data, the load generator). Returns the number of families."""
    latest = _latest_placements()
    return SchoolFamily.objects.filter(school=school).update(
        current_region=Coalesce(Subquery(latest.values("region_key")[:1]), Value("")),
        last_placed_at=Subquery(latest.values("placed_at")[:1]),
        current_level=Coalesce(Subquery(latest.values("level")[:1]), Value(Level.GENERAL)),
    )


@transaction.atomic
def placement_record(
    *,
    school: School,
    family: Family,
    placed_by,
    communication: int,
    access: int,
    attitude: int,
    evidence: str,
    parents: Iterable[ParentCarer] = (),
    level: str = Level.GENERAL,
    next_communication: str = "",
    next_access: str = "",
    next_attitude: str = "",
    parent_communication: int | None = None,
    parent_access: int | None = None,
    parent_attitude: int | None = None,
    parent_words: str = "",
    placed_at: datetime | None = None,
    confidentiality: str = Contact.Confidentiality.SCHOOL,
    confidentiality_reason: str = "",
    named_staff: Iterable = (),
) -> Placement:
    """Record a new placement; the point and its region come from the school's region data.
    A placement about the family as a whole (no parents chosen) moves the family's current
    region at the school, unless it is dated before the latest one already recorded; one
    about some of its parents is theirs and leaves the family's where it was."""
    # Locked, so two placements recorded at once leave the later one as the current region.
    school_family = SchoolFamily.objects.select_for_update().get(school=school, family=family)
    regions = CompassRegion.objects.for_school(school)
    x, y = point_for(communication, access, attitude)
    region = region_for(regions, x, y)
    if region is None:
        raise ValidationError(
            "No compass region covers this point. Ask an administrator to check the regions."
        )
    placement = Placement(
        school=school,
        family=family,
        school_family=school_family,
        placed_by=placed_by,
        placed_at=placed_at or timezone.now(),
        communication=communication,
        access=access,
        attitude=attitude,
        evidence=evidence,
        level=level,
        next_communication=next_communication,
        next_access=next_access,
        next_attitude=next_attitude,
        x=x,
        y=y,
        region_key=region.key,
        region_label=region.label,
        parent_communication=parent_communication,
        parent_access=parent_access,
        parent_attitude=parent_attitude,
        parent_words=parent_words,
        confidentiality=confidentiality,
        confidentiality_reason=(
            "" if confidentiality == Contact.Confidentiality.SCHOOL else confidentiality_reason
        ),
    )
    if (
        placement.has_parent_view
        and parent_communication is not None
        and parent_access is not None
        and parent_attitude is not None
    ):
        px, py = point_for(parent_communication, parent_access, parent_attitude)
        parent_region = region_for(regions, px, py)
        if parent_region is not None:
            placement.parent_region_key = parent_region.key
            placement.parent_region_label = parent_region.label
    placement.full_clean()
    records.history_by(placement, placed_by)
    placement.save()
    parents = list(parents)
    if any(p.family_id != family.pk for p in parents):
        raise ValidationError({"parents": "Choose parents or carers of this family."})
    placement.parents.set(parents)
    named_staff = list(named_staff) if confidentiality == Contact.Confidentiality.NAMED else []
    workers = (
        set(
            family_workers(school)
            .filter(pk__in=[u.pk for u in named_staff])
            .values_list("pk", flat=True)
        )
        if named_staff
        else set()
    )
    if any(u.pk not in workers for u in named_staff):
        raise ValidationError(
            {"named_staff": "Everyone named must work with families at this school."}
        )
    placement.named_staff.set(named_staff)
    last = school_family.last_placed_at
    if parents:
        return placement
    if last is None or placement.placed_at >= last:
        SchoolFamily.objects.filter(pk=school_family.pk).update(
            current_region=placement.region_key,
            last_placed_at=placement.placed_at,
            current_level=placement.level,
        )
    return placement


@transaction.atomic
def placement_withdraw(*, placement: Placement, withdrawn_by, reason: str) -> Placement:
    """Withdraw a placement recorded in error: it leaves the compass, the path and the
    dashboards, and stays in its history with who withdrew it, when and why. The family's
    current region falls back to its latest placement still standing, in the same transaction."""
    records.withdraw(placement, by=withdrawn_by, reason=reason)
    school_family_region_refresh(school_family=placement.school_family)
    return placement
