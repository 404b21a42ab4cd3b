"""The communication level sets the rhythm: how often a family should hear from the school.

Each family's level at a school is the level of its latest compass placement
(`SchoolFamily.current_level`, kept by compass.services; general until first placed). The
headteacher sets, per level, the longest gap between contacts (`ContactRhythm`); a family whose
last contact is older than that, or who has had none, is *due a contact*.

Every test here is a filter in the database: one range of last contact per level, so a list of
any length is one query (the index schoolfamily_rhythm serves the stored column).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from families.models import ContactRhythm, Level
from portal.compiled import SCHOOL, Compiled
from portal.models import School

# Who may change the rhythm (portal.access); whoever sees the dashboard may read it.
SET_PERM = "portal.set_contact_rhythm"
VIEW_PERM = "portal.view_school_dashboard"

DEFAULT_WEEKS = {Level.GENERAL: 13, Level.ENHANCED: 2, Level.INTENSIVE: 1}


def rhythm_for(school: School) -> ContactRhythm:
    """The school's rhythm (an unsaved one with the defaults if never set); read once per
    school object, so a page asking several times pays one query."""
    cached = getattr(school, "_contact_rhythm_cache", None)
    if cached is None:
        found = _rhythm_of(school=school)
        cached = (found[0] if found else None) or ContactRhythm(
            school=school, **{f"{level}_weeks": weeks for level, weeks in DEFAULT_WEEKS.items()}
        )
        school._contact_rhythm_cache = cached
    return cached


# Read on every home page and family list (portal.compiled).
_rhythm_of = Compiled(
    lambda school: ContactRhythm.objects.filter(school=school).order_by("pk")[:1], school=SCHOOL
)


def forget(school: School) -> None:
    """Drop the cached rhythm (after the headteacher changes it)."""
    school.__dict__.pop("_contact_rhythm_cache", None)


def due_q(
    rhythm: ContactRhythm | None, *, field: str = "last_contact_at", now=None, cutoffs=None
) -> Q:
    """Families due a contact: none yet, or the last one older than their level allows.
    `field` is the last-contact column to test (a `seen_last_at` annotation on lists, so a
    contact the user may not read neither hides nor reveals anything). `cutoffs` (from
    `cutoffs_for`) may be given instead of `now`."""
    if cutoffs is None:
        if rhythm is None:
            raise ValueError("due_q needs the school's rhythm or its cut-offs.")
        cutoffs = cutoffs_for(rhythm, now)
    due = Q(**{f"{field}__isnull": True})
    for level in Level.values:
        due |= Q(current_level=level, **{f"{field}__lt": cutoffs[level]})
    return due


def cutoffs_for(rhythm: ContactRhythm, now=None) -> dict[str, dt.datetime]:
    """Per level, the time before which a family's last contact makes it due one."""
    now = now or timezone.now()
    return {level: now - dt.timedelta(weeks=rhythm.weeks_for(level)) for level in Level.values}


def with_every_weeks(families, rhythm: ContactRhythm):
    """Annotate `every_weeks`: the most weeks the family's level allows between contacts."""
    return families.annotate(
        every_weeks=Case(
            *[
                When(current_level=level, then=Value(rhythm.weeks_for(level)))
                for level in Level.values
            ],
            default=Value(rhythm.general_weeks),
            output_field=IntegerField(),
        )
    )


def due(families, rhythm: ContactRhythm, *, field: str = "last_contact_at", now=None, cutoffs=None):
    """`families` due a contact for their level, each with `every_weeks`."""
    return with_every_weeks(
        families.filter(due_q(rhythm, field=field, now=now, cutoffs=cutoffs)), rhythm
    )


def describe(rhythm: ContactRhythm) -> list[tuple[str, int]]:
    """(level label, weeks) in order, for "General: every 13 weeks; …"."""
    return [(label, rhythm.weeks_for(level)) for level, label in Level.choices]


def level_label(value: str) -> str:
    try:
        return Level(value).label
    except ValueError:
        return value
