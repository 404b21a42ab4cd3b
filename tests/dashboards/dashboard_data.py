"""Builders for the dashboard tests: families with pupils, parents, placements and contacts,
and the same figures worked out independently in Python from the rows."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.utils import timezone

from compass.models import Placement
from families.models import Contact, SchoolFamily
from families.services import summaries_refresh
from portal.models import ClassGroup
from tests import factories

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)  # Autumn term 2026
LAST_TERM = dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC)  # Summer term 2026
LAST_YEAR = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)  # Spring term, school year 2025–26


def family_at(
    school,
    *,
    name=None,
    year="P4",
    class_group=None,
    key_contact=None,
    looked_after=False,
    interpreter=False,
):
    kwargs = {"family__name": name} if name else {}
    school_family = factories.SchoolFamilyFactory(school=school, key_contact=key_contact, **kwargs)
    factories.ChildFactory(
        school=school,
        family=school_family.family,
        year_group=year,
        class_group=class_group,
        looked_after=looked_after,
    )
    factories.ParentCarerFactory(family=school_family.family, interpreter_needed=interpreter)
    return school_family


def place(school_family, when, steps, *, by, level="general"):
    communication, access, attitude = steps
    return factories.PlacementFactory(
        school_family=school_family,
        placed_by=by,
        placed_at=when,
        communication=communication,
        access=access,
        attitude=attitude,
        level=level,
    )


def contact(school_family, when, *, staff, tone="neutral", formality="informal", **kwargs):
    return factories.ContactFactory(
        school=school_family.school,
        family=school_family.family,
        staff=staff,
        occurred_at=when,
        tone=tone,
        formality=formality,
        **kwargs,
    )


STEPS = [(1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4), (4, 3, 1), (1, 2, 4), (4, 4, 2), (2, 1, 3)]


def populate(school, size: int, staff: list, *, seed: int = 7) -> list[SchoolFamily]:
    """`size` families with two or three placements each and contacts over two terms."""
    rng = random.Random(seed)
    classes = [
        ClassGroup.objects.get_or_create(school=school, name=f"Class {y}", year_group=y)[0]
        for y in ("P1", "P4")
    ]
    families = []
    for i in range(size):
        cg = classes[i % 2]
        sf = family_at(
            school,
            year=cg.year_group,
            class_group=cg,
            key_contact=staff[i % len(staff)],
            looked_after=i % 3 == 0,
            interpreter=i % 4 == 0,
        )
        for when in (LAST_YEAR, LAST_TERM, NOW - dt.timedelta(days=rng.randint(1, 60))):
            if rng.random() < 0.85:
                place(
                    sf,
                    when,
                    rng.choice(STEPS),
                    by=staff[0],
                    level=rng.choice(["general", "enhanced", "intensive"]),
                )
        for _ in range(rng.randint(0, 4)):
            when = NOW - dt.timedelta(days=rng.randint(0, 200), hours=rng.randint(0, 20))
            contact(
                sf,
                when,
                staff=rng.choice(staff),
                tone=rng.choice(["positive", "neutral", "concern"]),
                formality=rng.choice(["formal", "informal"]),
                follow_up_on=(NOW - dt.timedelta(days=3)).date() if rng.random() < 0.2 else None,
            )
        families.append(sf)
    summaries_refresh(school=school)
    return families


# Figures worked out in Python from the rows, to compare with the dashboard's SQL.


def latest_region(school_family, before=None):
    rows = [
        p
        for p in Placement.objects.filter(school_family=school_family)
        if before is None or p.placed_at < before
    ]
    if not rows:
        return None
    return max(rows, key=lambda p: (p.placed_at, p.pk))


def expected_region_counts(school_families) -> Counter:
    counts = Counter()
    for sf in school_families:
        latest = latest_region(sf)
        counts[latest.region_key if latest else ""] += 1
    return counts


def expected_balance(contacts) -> dict:
    contacts = list(contacts)
    return {
        "positive": sum(c.tone == "positive" for c in contacts),
        "neutral": sum(c.tone == "neutral" for c in contacts),
        "concern": sum(c.tone == "concern" for c in contacts),
        "formal": sum(c.formality == "formal" for c in contacts),
        "informal": sum(c.formality == "informal" for c in contacts),
        "total": len(contacts),
    }


def contacts_between(school, start, end):
    return [c for c in Contact.objects.filter(school=school) if start <= c.occurred_at < end]


def local_month(when):
    return timezone.localtime(when).strftime("%B %Y")
