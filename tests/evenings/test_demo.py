"""The demo's school calendars and parents' evenings (demo.evenings), on the demo schools with a
small roll of families (the full families demo is slow; tests/portal/test_demo_data.py loads
everything)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from demo import evenings as demo_evenings
from demo import schools as demo_schools
from evenings.models import Booking, Evening, Invitation, Way
from families.models import (
    Child,
    ChildParent,
    Contact,
    DateToAvoid,
    Family,
    ParentCarer,
    SchoolFamily,
)
from portal.lib.terms import closed_on, term_containing
from portal.models import CalendarEntry, ClassGroup, Membership
from reaching_out.models import Message

Kind = CalendarEntry.Kind
LANGUAGES = ["English", "English", "Polish", "Urdu", "English", "Arabic"]


def _roll(school, families=42):
    """`families` families spread over the classes: a mum with e-mail and a dad, every fifth
    with a younger brother or sister in the class below, some needing an interpreter, a few
    with no e-mail (they phone), and one dad with a recorded restriction."""
    classes = list(ClassGroup.objects.filter(school=school).order_by("name"))
    rows = Family.objects.bulk_create(
        Family(authority=school.authority, name=f"Family {n}") for n in range(families)
    )
    SchoolFamily.objects.bulk_create(SchoolFamily(school=school, family=f) for f in rows)
    children, parents, links = [], [], []
    for n, family in enumerate(rows):
        group = classes[n % len(classes)]
        mine = [
            Child(
                family=family,
                school=school,
                first_name=f"Child{n}",
                last_name="Test",
                date_of_birth=dt.date(2018, 1, 1),
                year_group=group.year_group,
                class_group=group,
            )
        ]
        if n % 5 == 0 and n % len(classes):
            below = classes[n % len(classes) - 1]
            mine.append(
                Child(
                    family=family,
                    school=school,
                    first_name=f"Young{n}",
                    last_name="Test",
                    date_of_birth=dt.date(2019, 1, 1),
                    year_group=below.year_group,
                    class_group=below,
                )
            )
        language = LANGUAGES[n % len(LANGUAGES)]
        mum = ParentCarer(
            family=family,
            first_name=f"Mum{n}",
            last_name="Test",
            language=language,
            interpreter_needed=language != "English",
            dates_to_avoid="Ramadan; Eid" if language == "Urdu" else "",
            email="" if n % 7 == 3 else f"mum{n}@example.org",
        )
        dad = ParentCarer(
            family=family, first_name=f"Dad{n}", last_name="Test", email=f"dad{n}@example.org"
        )
        children += mine
        parents += [mum, dad]
        for child in mine:
            links.append((child, mum, ""))
            links.append((child, dad, "No contact: court order." if n == 1 else ""))
    Child.objects.bulk_create(children)
    ParentCarer.objects.bulk_create(parents)
    ChildParent.objects.bulk_create(
        ChildParent(child=c, parent=p, restriction=r, parental_responsibility=True)
        for c, p, r in links
    )


@pytest.fixture
def demo(db, school_day):
    schools = demo_schools.load()
    _roll(schools["castlebrae"])
    demo_evenings.load()
    return schools["castlebrae"]


def _counts():
    models = [CalendarEntry, Evening, Invitation, Booking, Contact, DateToAvoid, Membership]
    return [m.objects.count() for m in models] + [get_user_model().objects.count()]


def test_loading_again_changes_nothing(demo):
    first = _counts()
    demo_evenings.load()
    assert _counts() == first
    assert Message.objects.count() == 0  # nothing was sent


def test_both_schools_have_this_year_and_next(demo):
    today = timezone.localdate()
    for school in demo_schools.load().values():
        entries = CalendarEntry.objects.filter(school=school)
        assert entries.filter(kind=Kind.TERM).count() == 6
        names = set(entries.values_list("name", flat=True))
        for name in (
            "October holiday",
            "Christmas holiday",
            "Spring holiday (mid-term)",
            "Easter holiday",
            "In-service day",
            "In-service days",
        ):
            assert name in names
        assert term_containing(today, school).label == "Autumn term 2026"
        assert closed_on(school, dt.date(2026, 10, 14))[0].name == "October holiday"


@pytest.mark.parametrize("first", range(2024, 2036))
def test_each_school_year_is_in_order(first):
    year = demo_evenings.school_year(first)
    terms = [(a, b) for kind, _n, a, b in year if kind == Kind.TERM]
    assert len(terms) == 3 and all(a <= b for a, b in terms)
    assert terms[0][1] < terms[1][0] and terms[1][1] < terms[2][0]
    closed = sorted((a, b) for kind, _n, a, b in year if kind != Kind.TERM)
    assert all(a <= b for a, b in closed)
    assert all(b < c for (_a, b), (c, _d) in zip(closed, closed[1:], strict=False))
    for _a, b in terms:  # no term starts or ends on a weekend
        assert b.weekday() < 5
    assert all(a.weekday() < 5 for a, _b in terms)


@pytest.mark.parametrize(
    "today", [dt.date(2026, 11, 18), dt.date(2026, 12, 16), dt.date(2027, 3, 21)]
)
def test_an_evening_day_is_a_school_day(db, today):
    school = demo_schools.load()["castlebrae"]
    demo_evenings.calendar_make(school, today)
    day = demo_evenings._school_day(school, today + dt.timedelta(days=10), list(range(0, 45)))
    assert day.weekday() < 4 and not closed_on(school, day)
    assert dt.timedelta(days=10) <= day - today < dt.timedelta(days=40)


def test_the_coming_evening_is_set_up_and_half_booked(demo):
    today = timezone.localdate()
    evening = Evening.objects.get(school=demo, name=demo_evenings.UPCOMING)
    assert 7 <= (evening.first_day - today).days <= 14
    assert evening.first_day.weekday() < 5 and not closed_on(demo, evening.first_day)
    assert evening.is_open()
    sittings = list(evening.sittings.all())
    assert len(sittings) == 2 and [s.video for s in sittings] == [False, True]
    assert evening.classes.count() == ClassGroup.objects.filter(school=demo).count()
    assert [u.username for u in evening.office.all()] == ["castlebrae.pastoral"]
    # Every class has its teacher taking part; the headteacher sees any family.
    assert evening.takings.filter(for_everyone=True).get().staff.username == "castlebrae.head"
    assert evening.takings.count() == 8

    restricted = evening.invitations.exclude(not_sent_because="")
    assert [i.parent.first_name for i in restricted] == ["Dad1"]
    families = evening.invitations.values("family").distinct().count()
    booked = evening.bookings.values("family").distinct().count()
    assert 0.3 * families <= booked <= 0.7 * families
    bookings = list(evening.bookings.select_related("parent", "slot").prefetch_related("children"))
    assert {b.way for b in bookings} >= {Way.IN_PERSON}
    assert all(b.outcome == "" and b.cancelled_at is None for b in bookings)
    for b in bookings:
        assert b.interpreter == (b.parent.language if b.parent.interpreter_needed else "")
        assert (b.booked_by is None) == bool(b.parent.email)
        if b.way == Way.VIDEO:
            assert b.slot.sitting.video


def test_brothers_and_sisters_are_seen_one_after_another(demo):
    evening = Evening.objects.get(school=demo, name=demo_evenings.UPCOMING)
    step = dt.timedelta(minutes=evening.slot_minutes)
    by_parent = {}
    for b in evening.bookings.order_by("starts_at"):
        by_parent.setdefault(b.parent_id, []).append(b.starts_at)
    pairs = [times for times in by_parent.values() if len(times) > 1]
    assert pairs
    for times in pairs:
        gaps = {later - earlier for earlier, later in zip(times, times[1:], strict=False)}
        assert gaps == {step}


def test_the_past_evening_has_what_happened(demo):
    evening = Evening.objects.get(school=demo, name=demo_evenings.PAST)
    ago = (timezone.localdate() - evening.first_day).days
    assert 28 <= ago <= 60 and not closed_on(demo, evening.first_day)
    bookings = evening.bookings.all()
    assert bookings.exists() and not bookings.filter(outcome="").exists()
    assert bookings.filter(outcome=Booking.Outcome.MISSED).exists()
    logged = bookings.exclude(contact=None).select_related("contact", "slot")
    assert logged.exists()
    for b in logged:
        assert b.outcome == Booking.Outcome.ATTENDED
        assert b.contact.occurred_at == b.starts_at and b.contact.staff_id == b.slot.staff_id
        assert b.contact.recorded_at < timezone.now() - dt.timedelta(days=20)


def test_festivals_and_days_away(demo):
    evening = Evening.objects.get(school=demo, name=demo_evenings.UPCOMING)
    urdu = ParentCarer.objects.filter(language="Urdu")
    assert all(p.avoid_festivals == ["ramadan", "eid_al_fitr", "eid_al_adha"] for p in urdu)
    assert ParentCarer.objects.filter(avoid_festivals=["diwali"]).count() == 1
    away = DateToAvoid.objects.get()
    assert away.parent.language == "Polish"
    assert away.starts_on <= evening.first_day <= away.ends_on
    assert not evening.bookings.filter(family=away.parent.family_id).exists()


def test_a_parent_booking_link_for_run_sh(demo):
    parent, url = demo_evenings.booking_link()
    assert "/p/" in url and parent.email
    assert not ChildParent.objects.filter(parent=parent).exclude(restriction="").exists()
    evening = Evening.objects.get(school=demo, name=demo_evenings.UPCOMING)
    assert not evening.bookings.filter(family=parent.family_id).exists()
    link = parent.links.get()
    assert link.purpose == "evening" and link.expires_at > evening.sittings.last().ends_at
