"""The "review placement" prompt for a key contact, computed in one query.

A family the member of staff is key contact for needs its placement reviewed when:
- it has never been placed;
- its last placement is older than the school's `placement_review_weeks`; or
- its contact pattern changed since: the three latest contacts, all after the last placement,
  are concerns, and before them came a positive period (the contact before them was positive,
  or the last placement was in the goal region).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.safestring import SafeString

from compass.models import CompassRegion, Placement
from families.models import Contact, SchoolFamily, Tone
from portal import access
from portal.compiled import SCHOOL, SHAPE, USER, Compiled
from portal.lib.links import link_by_id
from portal.lib.markup import escaped, joined

REASON_NEVER = "Not placed on the compass yet"
REASON_OLD = "Last placed over {weeks} weeks ago"
REASON_PATTERN = "Three concerns in a row since a positive period"
PANEL_LIMIT = 10


def _tone(contacts, index: int):
    return Subquery(contacts.values("tone")[index : index + 1])


def review_queryset(user, school, *, cutoff=None, goal_keys=None):
    """The key contact's families with what the prompt needs, annotated in the database."""
    latest = Placement.objects.filter(school_family=OuterRef("pk")).order_by("-placed_at", "-pk")
    contacts = Contact.objects.filter(
        school=OuterRef("school"), family=OuterRef("family")
    ).order_by("-occurred_at", "-pk")
    if goal_keys is None:
        goal_keys = [r.key for r in CompassRegion.objects.for_school(school) if r.is_goal]
    if cutoff is None:
        cutoff = timezone.now() - datetime.timedelta(weeks=school.placement_review_weeks)
    families = SchoolFamily.objects.visible_to(user, school).filter(key_contact=user)
    # last_placed_at and current_region are kept on the row by compass.services. The panel
    # shows only the region's label: the tones are asked in the filter alone (alias, not
    # annotate), so neither the ORM nor PostgreSQL works them out twice.
    annotated = families.annotate(
        last_region_label=Subquery(latest.values("region_label")[:1])
    ).alias(
        tone_1=_tone(contacts, 0),
        tone_2=_tone(contacts, 1),
        tone_3=_tone(contacts, 2),
        tone_4=_tone(contacts, 3),
        third_at=Subquery(contacts.values("occurred_at")[2:3]),
    )
    pattern = (
        Q(tone_1=Tone.CONCERN, tone_2=Tone.CONCERN, tone_3=Tone.CONCERN)
        & Q(third_at__gt=F("last_placed_at"))
        & (Q(tone_4=Tone.POSITIVE) | Q(current_region__in=goal_keys))
    )
    return (
        annotated.filter(Q(last_placed_at__isnull=True) | Q(last_placed_at__lt=cutoff) | pattern)
        .select_related("family")
        .order_by(F("last_placed_at").asc(nulls_first=True), "family__name")
        .fetch_mode(models.FETCH_RAISE)
    )


def reason_for(row, school) -> str:
    """Why this family is on the list, from the row's annotations (no further queries)."""
    if row.last_placed_at is None:
        return REASON_NEVER
    weeks = school.placement_review_weeks
    if row.last_placed_at < timezone.now() - datetime.timedelta(weeks=weeks):
        return REASON_OLD.format(weeks=weeks)
    return REASON_PATTERN


def review_panel(request) -> dict | None:
    """Home-page panel context: the key contact's families whose placement needs a look."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        return None
    goal_keys = tuple(r.key for r in CompassRegion.objects.for_school(school) if r.is_goal)
    cutoff = timezone.now() - datetime.timedelta(weeks=school.placement_review_weeks)
    rows = _reviews(user=request.user, school=school, cutoff=cutoff, goal_keys=goal_keys)
    if not rows:
        return None
    reviews = [{"school_family": r, "reason": reason_for(r, school)} for r in rows[:PANEL_LIMIT]]
    return {"reviews": reviews, "rows": review_rows(reviews), "more": len(rows) > PANEL_LIMIT}


def review_rows(reviews) -> SafeString:
    """The panel's `<li>`s, drawn in one go as the family panels' are (families.panel_rows,
    which says why; its test in `tests/compass/test_prompts.py` compares them with the loop
    they replaced): each family, why its placement needs a look, and where it is now."""
    add = link_by_id("compass:placement-add")
    return joined(_review(item, add) for item in reviews)


def _review(item, add) -> str:
    school_family = item["school_family"]
    now = school_family.last_region_label
    return (
        '<li class="mb-1">\n'
        f'  <a href="{add(school_family.family_id)}">{escaped(school_family.family.name)}</a>\n'
        f'  <span class="small">— {escaped(item["reason"])}'
        f"{f' (now: {escaped(now)})' if now else ''}</span>\n"
        "</li>\n"
    )


# The home page's read, built once per process and shape (portal.compiled).
_reviews = Compiled(
    lambda user, school, cutoff, goal_keys: review_queryset(
        user, school, cutoff=cutoff, goal_keys=list(goal_keys)
    )[: PANEL_LIMIT + 1],
    user=USER,
    school=SCHOOL,
    cutoff=datetime.datetime,
    goal_keys=SHAPE,
)
