"""Home-page panels: my follow-ups, and families due some good news."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from families import panel_rows
from families.models import FOLLOW_UP_NOTICE_DAYS, Child, Contact, SchoolFamily
from families.views.paging import TOTAL, with_total
from portal import access
from portal.compiled import SCHOOL, USER, Compiled
from portal.http import SchoolRequest

SHOWN = 8


def follow_ups_panel(request: SchoolRequest) -> dict | None:
    """The user's open follow-ups that are overdue or due within the week."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        return None
    today = timezone.localdate()
    due_by = today + timedelta(days=FOLLOW_UP_NOTICE_DAYS)
    rows, total = panel_rows.with_total_of(
        _follow_ups(user=request.user, school=school, due_by=due_by), panel_rows.FollowUpRow
    )
    if not rows:
        return None
    return {
        "follow_ups": rows,
        "today": today,
        "more": total - len(rows),
        "rows": panel_rows.follow_up_rows(rows, today),
    }


def _open_follow_ups(user, school):
    return Contact.objects.visible_to(user, school).follow_ups_for(user, school)


def follow_ups_waiting(*, user, school, **moments) -> list:
    """The home page asks this first (portal.shell.HomePanel): any open follow-up of the
    user's, however far off; the panel shows those due within the week."""
    return [_open_follow_ups(user, school)]


# The home page's reads are built once per process and shape (portal.compiled).
# Each as a plain row of only what its panel shows, with the total (families.panel_rows).
_follow_ups = Compiled(
    lambda user, school, due_by: with_total(
        _open_follow_ups(user, school)
        .filter(follow_up_on__lte=due_by)
        .order_by("follow_up_on", "pk")
    ).values_list(*panel_rows.FollowUpRow.COLUMNS, TOTAL)[:SHOWN],
    user=USER,
    school=SCHOOL,
    due_by=date,
)


def good_news_panel(request: SchoolRequest) -> dict | None:
    """The user's families (key contact for, or taught) with no recent positive contact."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        return None
    weeks = school.good_news_weeks
    since = timezone.now() - timedelta(weeks=weeks)
    rows, total = panel_rows.with_total_of(
        _quiet_families(user=request.user, school=school, since=since), panel_rows.QuietRow
    )
    if not rows:
        return None
    return {
        "families": rows,
        "weeks": weeks,
        "more": total - len(rows),
        "rows": panel_rows.good_news_rows(rows),
    }


def _quiet(user, school, since):
    taught = Child.objects.filter(
        family=OuterRef("family"),
        school=school,
        class_group__staff=user,
        left_on__isnull=True,
    )
    return with_total(
        SchoolFamily.objects.filter(school=school)
        .filter(Q(key_contact=user) | Exists(taught))
        .with_seen_summary(user, school, fields=["last_positive_at"])
        .filter(Q(seen_last_positive_at__isnull=True) | Q(seen_last_positive_at__lt=since))
        .order_by(F("seen_last_positive_at").asc(nulls_first=True), "family__name")
    ).values_list(*panel_rows.QuietRow.COLUMNS, TOTAL)[:SHOWN]


_quiet_families = Compiled(_quiet, user=USER, school=SCHOOL, since=datetime)
