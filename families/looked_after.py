"""The family page's note of the school's designated teacher, for a looked-after child."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists

from families.models import Child


def designated_teacher_section(request, school_family) -> dict | None:
    """Who the designated teacher is, when the school names one and one of the family's pupils
    here is looked after (one query, none if the school names nobody)."""
    school = school_family.school
    if not school.designated_teacher_id:
        return None
    looked_after = Child.objects.filter(
        family_id=school_family.family_id, school=school, looked_after=True, left_on__isnull=True
    )
    teacher = (
        get_user_model()
        .objects.filter(pk=school.designated_teacher_id)
        .annotate(looked_after=Exists(looked_after.values("pk")))
        .filter(looked_after=True)
        .first()
    )
    if teacher is None:
        return None
    return {"teacher": teacher}
