"""The home page's panel for parents' evenings: each coming evening a member of staff takes
part in or runs, with their own appointments so far and, for those who run it, how many
invited families have not booked (a fixed number of queries whatever the evenings' size)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from evenings.models import Evening, Invitation
from portal import access
from portal.compiled import SCHOOL, SHAPE, USER, Compiled


def home_panel(request) -> dict | None:
    school = getattr(request, "school", None)
    if school is None or not access.works_with_families(request.user, school):
        return None
    today = timezone.localdate()
    user = request.user
    runs_all = access.may_set_up_evenings(user, school) or access.sees_school_outbox(user, school)
    evenings = _coming(user=user, school=school, today=today, runs_all=runs_all)
    rows = []
    for evening in evenings:
        runs = runs_all or evening.office.filter(pk=user.pk).exists()
        waiting = None
        if runs:
            # As the list it links to counts them: every invited family with no appointment.
            waiting = (
                Invitation.objects.filter(evening=evening)
                .not_booked()
                .values("family")
                .distinct()
                .count()
            )
        rows.append(
            {
                "evening": evening,
                "mine": evening.mine,
                "runs": runs,
                "waiting": waiting,
                "soon": (evening.first_day or today) <= today + dt.timedelta(days=1),
            }
        )
    return {"rows": rows} if rows else None


def _not_over(school, today):
    return Evening.objects.filter(school=school, last_day__gte=today, first_day__isnull=False)


def home_waiting(*, school, today, **moments) -> list:
    """The home page asks this first (portal.shell.HomePanel): any evening of the school not
    yet over; the panel shows those this user takes part in or runs."""
    return [_not_over(school, today)]


# The panel's first read, built once per process and shape (portal.compiled).
_coming = Compiled(
    lambda user, school, today, runs_all: (
        _not_over(school, today)
        .filter(
            Q(takings__staff=user) | Q(office=user) if not runs_all else Q(),
        )
        .distinct()
        .annotate(
            mine=Count(
                "bookings",
                filter=Q(bookings__slot__staff=user, bookings__cancelled_at=None),
                distinct=True,
            )
        )
        .order_by("first_day", "name", "pk")[:3]
    ),
    user=USER,
    school=SCHOOL,
    today=dt.date,
    runs_all=SHAPE,
)
