"""Getting started: the home-page checklist that walks a new school's senior and pastoral staff
through set-up (import pupils and families, choose key contacts, first placements). Each step
ticks itself from the school's data; the panel goes away once all three are done."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from compass.models import Placement
from families.models import SchoolFamily
from portal import access
from portal.compiled import SCHOOL, Compiled
from portal.models import School

# Importing creates and changes children, parents and families (families/admin.py asks the same).
IMPORT_PERMS = [
    f"families.{action}_{model}"
    for action in ("add", "change")
    for model in ("child", "parentcarer", "family")
]


def setup_panel(request) -> dict | None:
    """The checklist for headteachers and pastoral staff, while any step is still to do."""
    school = request.school
    if school is None or not (
        access.is_headteacher(request.user, school) or access.is_pastoral(request.user, school)
    ):
        return None
    today = timezone.localdate()
    # Once the school is set up (as it is on every day but the first few), one kept read of
    # three EXISTS says so and the panel goes; the counts are read only while a step is to do.
    (left,) = _steps_left(school=school, today=today)
    if not any(left.values()):
        return None
    # One query for all three steps, however many families the school has.
    counts = (
        SchoolFamily.objects.filter(school=school)
        .on_roll(today)
        .annotate(
            is_placed=Exists(
                Placement.objects.filter(school=school, family_id=OuterRef("family_id"))
            )
        )
        .aggregate(
            families=Count("pk"),
            with_key_contact=Count("pk", filter=Q(key_contact__isnull=False)),
            placed=Count("pk", filter=Q(is_placed=True)),
        )
    )
    families, with_key, placed = (
        counts["families"],
        counts["with_key_contact"],
        counts["placed"],
    )
    steps = [
        {
            "title": "Import pupils and families",
            "done": families > 0,
            "status": f"{families} families in the portal." if families else "No families yet.",
            "help": "From a CSV export of the school information system, one row per pupil "
            "and parent or carer. A dry run shows what would change before anything is saved.",
            "url": reverse("admin:families_child_import")
            if request.user.has_perms(IMPORT_PERMS)
            else None,
            "link": "Import from CSV",
            "ask": "Your portal administrator imports the file: ask them to load this school's "
            "pupils and families.",
        },
        {
            "title": "Choose a key contact for each family",
            "done": families > 0 and with_key == families,
            "status": f"{with_key} of {families} families have a key contact."
            if families
            else "Once families are imported.",
            "help": "One member of staff each family knows and can reach: open a family and "
            "choose its key contact beside its strengths.",
            "url": reverse("families:family-list") if families else None,
            "link": "Open the family list",
        },
        {
            "title": "Place the first relationships on the compass",
            "done": placed > 0,
            "status": f"{placed} of {families} families placed so far."
            if families
            else "Once families are imported.",
            "help": "Start with the families you know best: where the relationship sits now on "
            "communication, access and attitude, and why.",
            "url": reverse("families:family-list") if families else None,
            "link": "Choose a family to place",
        },
    ]
    if all(step["done"] for step in steps):
        return None
    return {"steps": steps, "done_count": sum(step["done"] for step in steps)}


def _build_steps_left(school, today):
    on_roll = SchoolFamily.objects.filter(school=school).on_roll(today)
    placed = Placement.objects.filter(school=school, family_id=OuterRef("family_id"))
    return (
        School.objects.filter(pk=school.pk)
        .annotate(
            no_families=~Exists(on_roll),
            no_key_contact=Exists(on_roll.filter(key_contact__isnull=True)),
            none_placed=~Exists(on_roll.filter(Exists(placed))),
        )
        .values("no_families", "no_key_contact", "none_placed")
    )


# Whether any step is still to do (each step's "done", as the panel words it): read on every
# home page of a headteacher or pastoral lead (portal.compiled).
_steps_left = Compiled(_build_steps_left, school=SCHOOL, today=dt.date)
