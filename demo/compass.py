"""Demo compass placements: every demo family gets a path over two terms, moving both ways.

Idempotent: a family that already has placements at a school is left alone, and each
family's path comes from a random generator seeded with the school and family name, so a
fresh database always gets the same paths. Dates are relative to today.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from compass.models import CompassRegion, Placement, point_for, region_for
from compass.services import current_regions_refresh, defaults_install
from demo import schools as demo_schools
from demo.family_cases import CASES
from families.models import Level, SchoolFamily
from portal.models import Membership, Role, School

SEED = 20261123
TERM_DAYS = 84  # two terms ≈ 170 days, so every path starts in last term
PATH_DAYS = 2 * TERM_DAYS
STALE_SHARE, STALE_DAYS = 0.15, 100  # about one path in seven ends over fourteen weeks ago

# How a family's relationship tends to move over the two terms, with weights.
TRENDS = [("towards", 55), ("away", 25), ("back_and_forth", 20)]

EVIDENCE = {
    "up": [
        "Returned the call the same day and suggested a time to meet.",
        "Came to the class assembly and stayed to talk about how things are going.",
        "Asked for a copy of the reading log so they can help at home.",
        "Shared what works at home at bedtime; we are trying the same in class.",
        "Agreed the next steps with us and rang to say the first one went well.",
    ],
    "down": [
        "Two calls about attendance not returned this fortnight.",
        "Felt blamed at the last meeting and said so; we need to rebuild trust.",
        "Contact this month has only been about incidents.",
        "Missed the review meeting; the time clashed with a new shift pattern.",
        "Said they hear from school only when something is wrong.",
    ],
    "same": [
        "Contact is steady: a short chat at the gate most weeks.",
        "No change since the last review; letters home are read and signed.",
        "Occasional contact, friendly when it happens.",
    ],
}
NEXT = {
    "communication": "Make a good-news call within the fortnight.",
    "access": "Offer the next meeting after 5pm or at the community centre.",
    "attitude": "Open the next conversation with what is going well and ask what works at home.",
}


# The guidance's five cases get paths that tell their story. Each stop: days ago, the parents it
# is about by full name (none = the family as a whole), communication, access, attitude, level,
# evidence, and what changes next (lever, words).
CASE_PATHS = {
    CASES["starting_school"]: [
        (
            160,
            [],
            2,
            1,
            3,
            Level.ENHANCED,
            "Shona is keen to help but the settling-in visits clashed with her shifts.",
            ("access", "Offer the medical-needs meeting on a Thursday or Friday morning."),
        ),
        (
            110,
            ["Shona Cameron"],
            3,
            3,
            3,
            Level.ENHANCED,
            "Shona came to the planning meeting and brought the nurse's care notes.",
            ("communication", "Share a short weekly note on how the day went."),
        ),
        (
            110,
            ["Alan Cameron"],
            1,
            1,
            3,
            Level.ENHANCED,
            "Alan is offshore for half of each month and has not yet heard from us directly.",
            ("communication", "Text Alan the same weekly note; offer a call on his weeks home."),
        ),
        (
            40,
            [],
            4,
            3,
            4,
            Level.ENHANCED,
            "Both parents reply to the weekly note and suggested the visual timetable we now use.",
            ("access", "Invite both parents to the class sharing afternoon."),
        ),
    ],
    CASES["bereavement"]: [
        (
            150,
            [],
            2,
            2,
            3,
            Level.GENERAL,
            "Lorna keeps in touch at parents' evening; otherwise little contact.",
            None,
        ),
        (
            95,
            [],
            3,
            3,
            4,
            Level.ENHANCED,
            "After the bereavement Lorna asked us to tell named staff; we agreed how and when.",
            ("communication", "Call Lorna on Fridays after 7pm with how Kai's week went."),
        ),
        (
            30,
            [],
            4,
            4,
            4,
            Level.ENHANCED,
            "Lorna rings when Kai has a hard night; the quiet corner plan came from her.",
            ("access", "Keep the Friday calls and review the plan with Lorna at half term."),
        ),
    ],
    CASES["exclusions"]: [
        (
            165,
            ["Karen Docherty"],
            3,
            2,
            2,
            Level.ENHANCED,
            "Karen hears from us often, but nearly always after an incident.",
            ("attitude", "Open the next call with something Ryan did well."),
        ),
        (
            165,
            ["Paul Docherty"],
            1,
            1,
            1,
            Level.INTENSIVE,
            "Paul learned of the second exclusion from Ryan, not from us, and is angry.",
            ("communication", "Send Paul the same letters as Karen and call him after 6pm."),
        ),
        (
            100,
            ["Paul Docherty"],
            2,
            2,
            2,
            Level.INTENSIVE,
            "Paul came to the evening meeting we moved for him; he wants to be involved.",
            ("access", "Hold the review after 6pm so both parents can come."),
        ),
        (
            60,
            ["Karen Docherty"],
            2,
            2,
            1,
            Level.INTENSIVE,
            "Karen felt blamed at the exclusion meeting and asked for a supporter next time.",
            ("attitude", "Invite Karen's supporter and start from what is going well at home."),
        ),
        (
            20,
            [],
            3,
            3,
            3,
            Level.INTENSIVE,
            "Both parents came to the solution-focused review and agreed three small steps.",
            ("communication", "Weekly good-news text to both parents for the next month."),
        ),
    ],
    CASES["siblings_apart"]: [
        (
            150,
            ["Nicola Morrison"],
            1,
            1,
            2,
            Level.INTENSIVE,
            "Letters to Nicola go unanswered; she has said written things are hard to follow.",
            ("communication", "Talk to Nicola in person at the gate rather than by letter."),
        ),
        (
            150,
            ["Margaret Morrison", "Sandra Wilson"],
            3,
            3,
            3,
            Level.ENHANCED,
            "Gran and the foster carer both keep in regular touch about the children.",
            ("access", "Invite both carers to the same review so the plans match."),
        ),
        (
            70,
            ["Nicola Morrison"],
            2,
            2,
            3,
            Level.INTENSIVE,
            "Nicola stopped to talk at the gate twice and asked how Lily is doing.",
            ("access", "Offer Nicola a meeting at the family centre she already visits."),
        ),
        (
            25,
            [],
            3,
            3,
            3,
            Level.INTENSIVE,
            "One plan agreed with Nicola, Gran, the foster carer and social work together.",
            ("communication", "Share the plan in a spoken summary, not only on paper."),
        ),
    ],
    CASES["residential"]: [
        (
            170,
            [],
            2,
            1,
            1,
            Level.INTENSIVE,
            "After two exclusions, contact with the care home is mostly about incidents.",
            ("attitude", "Ask Marcus and Jordan what has helped on the better days."),
        ),
        (
            120,
            ["Marcus Bell"],
            3,
            2,
            2,
            Level.INTENSIVE,
            "Marcus now phones each morning to say how Jordan's night was.",
            ("access", "Give Marcus a direct line to the pastoral teacher."),
        ),
        (
            45,
            [],
            3,
            3,
            3,
            Level.INTENSIVE,
            "The joint planning meeting set out learning during any time out of school.",
            ("communication", "Send the weekly summary to Marcus, social work and Tracey."),
        ),
        (
            10,
            ["Tracey Hughes"],
            2,
            2,
            3,
            Level.INTENSIVE,
            "Tracey asked to hear how Jordan is doing; we agreed a monthly call.",
            ("communication", "Call Tracey on the first Monday of each month."),
        ),
    ],
}


def _placer(school_family, pastoral_by_school):
    return school_family.key_contact or pastoral_by_school[school_family.school_id]


def _path(rng: random.Random) -> list[tuple[int, int, int]]:
    """Three to five lever readings (communication, access, attitude), oldest first."""
    trend = rng.choices([t for t, _ in TRENDS], weights=[w for _, w in TRENDS])[0]
    steps = [rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 3)]
    if trend == "away":
        steps = [rng.randint(2, 4), rng.randint(2, 4), rng.randint(3, 4)]
    readings = [tuple(steps)]
    for index in range(rng.randint(2, 4)):
        lever = rng.randrange(3)
        if trend == "towards":
            change = 1
        elif trend == "away":
            change = -1
        else:
            change = 1 if index % 2 == 0 else -1
        steps[lever] = max(1, min(4, steps[lever] + change))
        if rng.random() < 0.4:  # movement is not linear: sometimes a second lever shifts too
            other = (lever + 1) % 3
            steps[other] = max(1, min(4, steps[other] + rng.choice([-1, 1])))
        readings.append(tuple(steps))
    return readings


def _level(reading) -> str:
    low = min(reading)
    return Level.INTENSIVE if low == 1 else Level.ENHANCED if low == 2 else Level.GENERAL


@transaction.atomic
def load() -> None:
    """Give every demo family without placements a path of placements over two terms."""
    defaults_install()
    names = [name for name, _stage in demo_schools.SCHOOLS.values()]
    families = list(
        SchoolFamily.objects.filter(
            school__name__in=names,
            school__authority__name=demo_schools.AUTHORITY,
            placements__isnull=True,
        )
        .select_related("family", "school", "key_contact")
        .prefetch_related("family__parents")
        .order_by("school_id", "family__name")
    )
    if not families:
        return
    school_ids = {sf.school_id for sf in families}
    pastoral_by_school = {
        m.school_id: m.user
        for m in Membership.objects.active()
        .filter(school_id__in=school_ids, role__in=[Role.PASTORAL, Role.HEADTEACHER])
        .select_related("user")
        .order_by("-role")  # pastoral before headteacher; the last written wins
    }
    fallback = get_user_model().objects.filter(is_superuser=True).first()
    regions = {sid: CompassRegion.objects.for_school(sid) for sid in school_ids}
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    placements, parent_links = [], []
    for sf in families:
        rng = random.Random(f"{SEED}:{sf.school.name}:{sf.family.name}")
        placer = _placer(sf, pastoral_by_school) if pastoral_by_school else fallback
        if sf.family.name in CASE_PATHS:
            _case_path(sf, placer, regions[sf.school_id], now, placements, parent_links)
            continue
        readings = _path(rng)
        # Some paths stop before this term, so "review placement" prompts have something to show.
        span = PATH_DAYS - STALE_DAYS if rng.random() < STALE_SHARE else PATH_DAYS
        gap = span // len(readings)
        parents = list(sf.family.parents.all())
        previous = None
        for index, (c, a, t) in enumerate(readings):
            days_ago = PATH_DAYS - index * gap - rng.randint(0, 10)
            x, y = point_for(c, a, t)
            region = region_for(regions[sf.school_id], x, y)
            direction = (
                "same"
                if previous is None or sum(previous) == c + a + t
                else "up"
                if c + a + t > sum(previous)
                else "down"
            )
            weakest = min(zip((c, a, t), NEXT, strict=True))[1]
            placement = Placement(
                school=sf.school,
                family=sf.family,
                school_family=sf,
                placed_by=placer,
                placed_at=now - datetime.timedelta(days=max(days_ago, 1), hours=rng.randint(0, 6)),
                communication=c,
                access=a,
                attitude=t,
                evidence=rng.choice(EVIDENCE[direction]),
                level=_level((c, a, t)),
                **{f"next_{weakest}": NEXT[weakest]},
                x=x,
                y=y,
                region_key=region.key,
                region_label=region.label,
            )
            placements.append(placement)
            # Where a family has two parents or carers, some placements are about one of them.
            if len(parents) > 1 and index % 2 == 1:
                parent_links.append((placement, parents[index // 2 % len(parents)]))
            previous = (c, a, t)
    Placement.objects.bulk_create(placements)
    Through = Placement.parents.through
    Through.objects.bulk_create(
        Through(placement_id=p.pk, parentcarer_id=parent.pk) for p, parent in parent_links
    )
    # Bulk-created placements bypass placement_record: set each family's current region.
    for school in School.objects.filter(pk__in=school_ids):
        current_regions_refresh(school=school)


def _case_path(sf, placer, regions, now, placements, parent_links) -> None:
    """One of the guidance's cases: its own story, with per-parent placements."""
    by_name = {p.full_name: p for p in sf.family.parents.all()}
    for days_ago, names, c, a, t, level, evidence, change in CASE_PATHS[sf.family.name]:
        x, y = point_for(c, a, t)
        region = region_for(regions, x, y)
        nexts = {f"next_{change[0]}": change[1]} if change else {}
        placement = Placement(
            school=sf.school,
            family=sf.family,
            school_family=sf,
            placed_by=placer,
            placed_at=now - datetime.timedelta(days=days_ago),
            communication=c,
            access=a,
            attitude=t,
            evidence=evidence,
            level=level,
            x=x,
            y=y,
            region_key=region.key,
            region_label=region.label,
            **nexts,
        )
        placements.append(placement)
        parent_links.extend((placement, by_name[n]) for n in names if n in by_name)
