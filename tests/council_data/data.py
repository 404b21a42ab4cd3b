"""Builders for the council data tests: families in regions, held meetings, complaints with
their response times, and a parents' evening with invitations and bookings, written straight to
the database (the figures read rows; how the rows are made is other apps' business)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from council_data.models import CouncilToken
from evenings.models import Booking, Evening, Invitation, Sitting, Slot
from tests import factories

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)  # Autumn term 2026 (August–December)
IN_TERM = NOW - dt.timedelta(days=20)
BEFORE_TERM = dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC)  # Summer term 2026


def families(school, n: int, region: str = "north-east") -> list:
    return [factories.SchoolFamilyFactory(school=school, current_region=region) for _ in range(n)]


def meetings(school, n: int, *, kind="solution_oriented", status="held", when=IN_TERM) -> None:
    for _ in range(n):
        factories.MeetingFactory(school=school, kind=kind, status=status, starts_at=when)


def complaints(school, n: int, *, days: float | None, received=IN_TERM) -> None:
    """`n` complaints received at `received`, each first answered `days` later (None: not yet)."""
    for _ in range(n):
        first = received + dt.timedelta(days=days) if days is not None else None
        factories.ComplaintFactory(school=school, received_at=received, first_response_at=first)


def evening(school, *, day: dt.date | None = None, name="Autumn evening") -> Evening:
    day = day or (IN_TERM + dt.timedelta(days=1)).date()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(16, 0)))
    ev = Evening.objects.create(
        school=school,
        name=name,
        opens_at=start - dt.timedelta(days=10),
        changes_until=start - dt.timedelta(days=1),
    )
    Evening.objects.filter(pk=ev.pk).update(first_day=day, last_day=day)
    ev.refresh_from_db()
    ev._sitting = Sitting.objects.create(
        evening=ev, starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )
    ev._staff = factories.UserFactory()
    ev._minute = 0
    return ev


def invite(ev: Evening, school_family, *, outcome: str | None = None) -> None:
    """Invite the family's one parent; book a slot when `outcome` is given ("" not yet marked,
    "attended" or "missed")."""
    parent = factories.ParentCarerFactory(family=school_family.family)
    Invitation.objects.create(evening=ev, family=school_family.family, parent=parent)
    if outcome is None:
        return
    start = ev._sitting.starts_at + dt.timedelta(minutes=ev._minute)
    ev._minute += 5
    slot = Slot.objects.create(
        evening=ev,
        sitting=ev._sitting,
        staff=ev._staff,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=5),
    )
    Booking.objects.create(
        evening=ev,
        slot=slot,
        starts_at=start,
        family=school_family.family,
        parent=parent,
        outcome=outcome,
    )


def token_for(authority, *, name="Power BI", by=None) -> tuple[CouncilToken, str]:
    return CouncilToken.make(authority=authority, name=name, created_by=by)
