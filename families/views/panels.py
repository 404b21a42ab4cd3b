"""Home-page panels: my follow-ups, and families due some good news."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from families.models import Child, Contact, SchoolFamily
from families.views.paging import rows_and_total
from portal import access
from portal.http import SchoolRequest

SHOWN = 8


def follow_ups_panel(request: SchoolRequest) -> dict | None:
    """The user's open follow-ups that are overdue or due within the week."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        return None
    today = timezone.localdate()
    due = (
        Contact.objects.visible_to(request.user, school)
        .follow_ups_due(request.user, school, today)
        .select_related("family")
        # Only what the panel shows (and nothing else is read: FETCH_RAISE).
        .only("family__name", "follow_up_on", "agreed", "summary")
        .fetch_mode(models.FETCH_RAISE)
        .order_by("follow_up_on", "pk")
    )
    rows, total = rows_and_total(due, 0, SHOWN)
    if not rows:
        return None
    return {"follow_ups": rows, "today": today, "more": total - len(rows)}


def good_news_panel(request: SchoolRequest) -> dict | None:
    """The user's families (key contact for, or taught) with no recent positive contact."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        return None
    weeks = school.good_news_weeks
    since = timezone.now() - timedelta(weeks=weeks)
    taught = Child.objects.filter(
        family=OuterRef("family"),
        school=school,
        class_group__staff=request.user,
        left_on__isnull=True,
    )
    quiet = (
        SchoolFamily.objects.filter(school=school)
        .filter(Q(key_contact=request.user) | Exists(taught))
        .with_seen_summary(request.user, school, fields=["last_positive_at"])
        .filter(Q(seen_last_positive_at__isnull=True) | Q(seen_last_positive_at__lt=since))
        .select_related("family")
        .only("family__name")
        .fetch_mode(models.FETCH_RAISE)
        .order_by(F("seen_last_positive_at").asc(nulls_first=True), "family__name")
    )
    rows, total = rows_and_total(quiet, 0, SHOWN)
    if not rows:
        return None
    return {"families": rows, "weeks": weeks, "more": total - len(rows)}
