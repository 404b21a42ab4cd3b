"""The authorisation matrix's rows for parents' evenings and the school calendar (the table and
how to read a row: test_authorisation_matrix.py). Each school's evening is made on first use:
the side's teacher takes part, its family is invited through the child's class, and the
family's parent has one appointment with the teacher, booked by the office."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests.security.matrix import R

NOBODY = "404 404 404 404 404"
SEES = "200 200 200 403 404"  # the teacher takes part; pastoral staff and the headteacher run it
RUNS = "403 200 200 403 404"  # those who run it: pastoral staff, the headteacher (and the office)
RUNS_ACT = "403 302 302 403 404"
SETS_UP = "403 403 200 403 404"  # the headteacher
ACTS = "302 302 302 403 404"  # the appointment's member of staff, and those who run it


def _staff(school, role):
    from portal.models import Membership

    return Membership.objects.filter(school=school, role=role).order_by("pk").first().user


def evening(s):
    """The side's evening (made once): a sitting a week ahead, the teacher taking part, the
    family invited, one appointment for its parent."""
    if "_evening" in s.__dict__:
        return s._evening
    from evenings import services
    from evenings.models import Evening, Sitting, Slot
    from portal.models import Role

    head = _staff(s.school, Role.HEADTEACHER)
    teacher = s.child.class_group.staff.order_by("pk").first()
    now = timezone.now()
    evening = services.evening_save(
        evening=Evening(
            school=s.school,
            name=f"Spring evening {s.marker}",
            opens_at=now - datetime.timedelta(days=1),
            changes_until=now + datetime.timedelta(days=5),
            year_groups=[],
        ),
        by=head,
        classes=[s.child.class_group],
    )
    services.taking_set(evening=evening, staff=[teacher])
    day = timezone.localdate() + datetime.timedelta(days=7)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))
    sitting = services.sitting_add(
        evening=evening,
        sitting=Sitting(starts_at=start, ends_at=start + datetime.timedelta(hours=1)),
    )
    services.invitations_make(evening=evening)
    slot = Slot.objects.filter(evening=evening).order_by("starts_at").first()
    s._booking = services.booking_make(
        evening=evening,
        slot=slot,
        parent=s.parent,
        children=[s.child],
        by=head,
        note=f"About reading {s.marker}",
        confirm=False,
    )
    s._sitting, s._evening, s._teacher = sitting, evening, teacher
    return evening


def evening_pk(s):
    return {"pk": evening(s).pk}


def sitting_pk(s):
    evening(s)
    return {"pk": s._sitting.pk}


def booking_pk(s):
    evening(s)
    return {"pk": s._booking.pk}


def free_slot(s):
    from evenings.models import Slot

    return (
        Slot.objects.filter(evening=evening(s), bookings__isnull=True).order_by("starts_at").first()
    )


def calendar_entry(s):
    from portal.models import CalendarEntry

    if "_calendar_entry" not in s.__dict__:
        day = timezone.localdate() + datetime.timedelta(days=30)
        s._calendar_entry = CalendarEntry.objects.create(
            school=s.school, kind="holiday", name=f"Holiday {s.marker}", starts_on=day, ends_on=day
        )
    return s._calendar_entry


def date_avoided(s):
    from families.models import DateToAvoid

    if "_date_avoided" not in s.__dict__:
        day = timezone.localdate() + datetime.timedelta(days=20)
        s._date_avoided = DateToAvoid.objects.create(
            parent=s.parent, starts_on=day, ends_on=day, words=f"Away {s.marker}"
        )
    return s._date_avoided


CALENDAR_ROWS = [
    R(
        "calendar",
        None,
        "200 200 200 403 403",
        method="FORM",
        data={
            "kind": "holiday",
            "name": "Snow day",
            "starts_on": "2027-01-05",
            "ends_on": "2027-01-05",
        },
        post="403 403 302 403 403",
    ),
    R("calendar-import", None, "403 403 200 403 403", method="POST", data={}),
    R(
        "calendar-entry-delete",
        lambda s: {"pk": calendar_entry(s).pk},
        "403 403 302 403 404",
        method="POST",
        data={},
    ),
    R(
        "families:dates-avoid",
        lambda s: {"pk": s.family.pk, "parent_pk": s.parent.pk},
        "403 200 200 403 404",  # as a parent's preferences: key contact, pastoral, headteacher
        method="FORM",
        data={"starts_on": "2027-02-01", "ends_on": "2027-02-03", "words": "Away"},
        post="302",
    ),
    R(
        "families:dates-avoid-remove",
        lambda s: {"pk": s.family.pk, "parent_pk": s.parent.pk, "date_pk": date_avoided(s).pk},
        "403 302 302 403 404",
        method="POST",
        data={},
    ),
]

EVENINGS_ROWS = [
    R("evenings:list", None, "200 200 200 403 403"),
    R("evenings:add", None, "403 403 200 403 403"),
    R("evenings:detail", evening_pk, SEES),
    R("evenings:edit", evening_pk, SETS_UP),
    R("evenings:sitting-add", evening_pk, SETS_UP),
    R("evenings:sitting-remove", sitting_pk, "403 403 302 403 404", method="POST", data={}),
    R("evenings:staff", evening_pk, SETS_UP),
    R("evenings:invite", evening_pk, SETS_UP),
    R("evenings:timetable", evening_pk, SEES),
    R("evenings:timetable-print", evening_pk, SEES),
    R(
        "evenings:block",
        evening_pk,
        "302 403 403 403 404",
        method="POST",
        data=lambda s: {"slot": [free_slot(s).pk], "keep": "blocked"},
    ),
    R("evenings:whole", evening_pk, RUNS),
    R("evenings:office-book", evening_pk, RUNS),
    R("evenings:booking-move", booking_pk, RUNS),
    R("evenings:booking-cancel", booking_pk, RUNS_ACT, method="POST", data={}),
    R(
        "evenings:booking-outcome",
        booking_pk,
        ACTS,
        method="POST",
        data={"outcome": "missed"},
    ),
    R("evenings:booking-contact", booking_pk, ACTS, method="POST", data={}),
    R("evenings:not-booked", evening_pk, SEES),
    R("evenings:reach", evening_pk, RUNS),
    R("evenings:dashboard-reach", None, "403 200 200 403 403"),
    # The parent's side: the link's token is its own credential; staff sessions open nothing,
    # and a dead link is the same 404 whatever the record named after it.
    R(
        "evenings:parent-evening",
        {"token": "not-a-link", "pk": 1},
        NOBODY,
        anonymous=404,
    ),
    R(
        "evenings:parent-book",
        {"token": "not-a-link", "pk": 1},
        NOBODY,
        anonymous=404,
        # Like every page behind a link, a dead link is the same 404 whatever the method.
        method="FORM",
        data={"slot": "1", "children": ["1"], "way": "in_person"},
    ),
    R(
        "evenings:parent-cancel",
        {"token": "not-a-link", "pk": 1},
        NOBODY,
        anonymous=404,
        method="FORM",
        data={},
    ),
    R(
        "evenings:parent-ics",
        {"token": "not-a-link", "pk": 1},
        NOBODY,
        anonymous=404,
    ),
]
