"""The demo schools' calendars (this school year and next: terms, holidays, in-service days) and
Castlebrae's parents' evenings: one coming up in about ten days, half booked, and one held about
five weeks ago with what happened at each appointment, so the reach page has figures. A few
parents have festivals to avoid and one has a stretch of days away.

Dates are relative to today (the demo runs on any date). Idempotent: calendar entries are found
by their school, kind, name and first day; each evening by its name; the festivals and the days
away are set once. No message is sent: the bookings are made as if parents had booked through
their links (or, for those with no e-mail address, as if they had phoned the office).
"""

from __future__ import annotations

import datetime as dt
import random

from dateutil.easter import easter
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from demo import schools as demo_schools
from evenings import services
from evenings.messages import link_until
from evenings.models import Booking, Evening, Invitation, Sitting, Slot, Taking, Way
from families.models import ChildParent, Contact, DateToAvoid, ParentCarer
from family_voice.models import Purpose
from family_voice.services import link_create
from portal.lib.terms import closed_on
from portal.models import CalendarEntry, ClassGroup, Membership, Role, School

SEED = 20261204
DAY = dt.timedelta(days=1)
Kind = CalendarEntry.Kind
EVENING_SCHOOL = "castlebrae"
UPCOMING = "Parents' evening"
PAST = "Autumn progress evening"
AWAY_WORDS = "Visiting family abroad"

# Castlebrae's class teachers besides Morag Lindsay (P4, the demo's teacher login). They take
# part in the evenings; they have no password (nobody signs in as them).
CLASS_TEACHERS = {
    "P1": ("Eilidh", "Sinclair"),
    "P2": ("Ruaridh", "MacKenzie"),
    "P3": ("Heather", "Drummond"),
    "P5": ("Joanne", "Baxter"),
    "P6": ("Alasdair", "Findlay"),
    "P7": ("Kirsten", "Ogilvie"),
}

# Festivals, from the words parents gave for dates to avoid (demo.families.AVOID).
FESTIVALS_FROM_WORDS = {
    "Ramadan": ["ramadan", "eid_al_fitr", "eid_al_adha"],
    "Chinese New Year": ["lunar_new_year"],
    "Wigilia": ["christmas"],
}


# The school calendar ----------------------------------------------------------------------


def _on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= DAY
    return day


def _weekday_after(day: dt.date) -> dt.date:
    day += DAY
    while day.weekday() >= 5:
        day += DAY
    return day


def _pupils_back(year: int) -> dt.date:
    """The first day pupils are in, in August: a Wednesday, after two in-service days."""
    return _on_or_after(dt.date(year, 8, 14), 2)


def school_year(first: int) -> list[tuple[str, str, dt.date, dt.date]]:
    """A usual Scottish school year starting in August of `first`: (kind, name, first, last)."""
    back = _pupils_back(first)
    october = _on_or_after(dt.date(first, 10, 10), 0)
    autumn_end = _weekday_on_or_before(dt.date(first, 12, 22))
    spring_start = _weekday_on_or_before(dt.date(first + 1, 1, 6))
    if spring_start <= dt.date(first + 1, 1, 4):
        spring_start = _weekday_after(dt.date(first + 1, 1, 5))
    february = _on_or_after(dt.date(first + 1, 2, 12), 0)
    sunday = easter(first + 1)
    # Two weeks from Good Friday; a week earlier when Easter is late, so the summer term is
    # back before the May Day holiday.
    easter_off = sunday - (2 if sunday <= dt.date(first + 1, 4, 12) else 9) * DAY
    may_day = _on_or_after(dt.date(first + 1, 5, 1), 0)
    summer_end = _weekday_on_or_before(dt.date(first + 1, 6, 26))
    next_back = _pupils_back(first + 1)
    return [
        (Kind.INSERVICE, "In-service days", back - 2 * DAY, back - DAY),
        (Kind.TERM, f"Autumn term {first}", back, autumn_end),
        (Kind.HOLIDAY, "October holiday", october, october + dt.timedelta(days=11)),
        (Kind.INSERVICE, "In-service day", october + dt.timedelta(days=14), october + 14 * DAY),
        (Kind.HOLIDAY, "Christmas holiday", _weekday_after(autumn_end), spring_start - DAY),
        (Kind.TERM, f"Spring term {first + 1}", spring_start, easter_off - DAY),
        (Kind.HOLIDAY, "Spring holiday (mid-term)", february, february + DAY),
        (Kind.INSERVICE, "In-service day", february + 2 * DAY, february + 2 * DAY),
        (Kind.HOLIDAY, "Easter holiday", easter_off, easter_off + 14 * DAY),
        (Kind.TERM, f"Summer term {first + 1}", easter_off + 17 * DAY, summer_end),
        (Kind.HOLIDAY, "May Day holiday", may_day, may_day),
        (Kind.INSERVICE, "In-service day", may_day + DAY, may_day + DAY),
        (Kind.HOLIDAY, "Summer holiday", _weekday_after(summer_end), next_back - 3 * DAY),
    ]


def calendar_make(school: School, today: dt.date | None = None) -> int:
    """This school year's calendar and next year's, for one school; returns how many entries
    were added (none when they are there already)."""
    today = today or timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    wanted = school_year(first) + school_year(first + 1)
    have = set(CalendarEntry.objects.filter(school=school).values_list("kind", "name", "starts_on"))
    new = [
        CalendarEntry(school=school, kind=kind, name=name, starts_on=start, ends_on=end)
        for kind, name, start, end in wanted
        if (kind, name, start) not in have
    ]
    CalendarEntry.objects.bulk_create(new)
    return len(new)


def _school_day(school: School, near: dt.date, order: list[int]) -> dt.date:
    """The first of near+k (k in order) that is a Monday to Thursday in a recorded term and not
    a holiday or in-service day; failing that, the first such weekday."""
    terms = list(
        CalendarEntry.objects.filter(school=school, kind=Kind.TERM).values_list(
            "starts_on", "ends_on"
        )
    )
    days = [near + dt.timedelta(days=k) for k in order]
    days = [d for d in days if d.weekday() < 4]
    closed = closed_on(school, min(days), max(days))

    def open_(d):
        return not any(c.starts_on <= d <= c.ends_on for c in closed)

    for day in days:
        if open_(day) and any(a <= day <= b for a, b in terms):
            return day
    return next((d for d in days if open_(d)), days[0])


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# The people -------------------------------------------------------------------------------


def _class_teachers(school: School) -> None:
    """A class teacher for each of Castlebrae's classes that has none."""
    User = get_user_model()
    for group in ClassGroup.objects.filter(school=school, staff__isnull=True):
        names = CLASS_TEACHERS.get(group.year_group)
        if names is None:
            continue
        username = f"{EVENING_SCHOOL}.{group.name.lower()}-teacher"
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": names[0],
                "last_name": names[1],
                "email": f"{username}@example.org",
            },
        )
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user,
            school=school,
            defaults={"role": Role.STAFF, "job_title": f"{group.name} class teacher"},
        )
        group.staff.add(user)


def _member(school: School, role: str):
    return (
        get_user_model()
        .objects.filter(memberships__school=school, memberships__role=role)
        .order_by("pk")
        .first()
    )


def festivals_set(school: School, evening_day: dt.date) -> None:
    """Festivals to avoid, from the words parents gave; Diwali for one parent; and one
    parent's days away over the coming evening. Each set once."""
    parents = ParentCarer.objects.filter(family__school_links__school=school)
    for words, keys in FESTIVALS_FROM_WORDS.items():
        parents.filter(dates_to_avoid__icontains=words, avoid_festivals=[]).update(
            avoid_festivals=keys
        )
    if not any("diwali" in keys for keys in parents.values_list("avoid_festivals", flat=True)):
        first = parents.filter(avoid_festivals=[]).order_by("pk").first()
        if first is not None:
            ParentCarer.objects.filter(pk=first.pk).update(avoid_festivals=["diwali"])
    if DateToAvoid.objects.filter(parent__in=parents, words=AWAY_WORDS).exists():
        return
    restricted = ChildParent.objects.exclude(restriction="").values("parent")
    away = (
        parents.exclude(pk__in=restricted).filter(language="Polish").order_by("pk").first()
        or parents.exclude(pk__in=restricted).order_by("-pk").first()
    )
    if away is not None:
        DateToAvoid.objects.create(
            parent=away,
            starts_on=evening_day - 3 * DAY,
            ends_on=evening_day + 10 * DAY,
            words=AWAY_WORDS,
        )


# The evenings -----------------------------------------------------------------------------


def _evening(school, *, name, day, opens_at, head, office, sittings) -> Evening:
    evening = services.evening_save(
        evening=Evening(
            school=school,
            name=name,
            about="A chance to hear how your child is getting on, to see their work, and to "
            "ask anything you would like to.",
            slot_minutes=10,
            opens_at=opens_at,
            changes_until=_at(day - DAY, 18),
        ),
        by=head,
        classes=ClassGroup.objects.filter(school=school),
        office=[office] if office else [],
    )
    teachers = list(
        get_user_model()
        .objects.filter(class_groups__school=school)
        .distinct()
        .order_by("last_name", "pk")
    )
    services.taking_set(evening=evening, staff=[*teachers, head], for_everyone=[head])
    for teacher in teachers:
        group = teacher.class_groups.filter(school=school).order_by("name").first()
        Taking.objects.filter(evening=evening, staff=teacher).update(
            room=f"{group.name} classroom" if group else "",
            video_link=f"https://meet.example.org/castlebrae-{teacher.pk}",
        )
    Taking.objects.filter(evening=evening, staff=head).update(
        room="Headteacher's office", video_link="https://meet.example.org/castlebrae-head"
    )
    for sitting, breaks in sittings:
        services.sitting_add(evening=evening, sitting=sitting, breaks=breaks)
    services.invitations_make(evening=evening)
    Evening.objects.filter(pk=evening.pk).update(invitations_sent_at=opens_at)
    return evening


def _sitting(day, starts: tuple, ends: tuple, *, video: bool, place: str, breaks=()) -> tuple:
    """A sitting (in person or by phone, and by video if `video`) with its breaks."""
    sitting = Sitting(
        starts_at=_at(day, *starts), ends_at=_at(day, *ends), video=video, place=place
    )
    return sitting, [(_at(day, *a), _at(day, *b)) for a, b in breaks]


TEA_BREAK = ((16, 30), (16, 40))


def _upcoming(school, day, head, office) -> Evening:
    """After school (with a tea break) and in the evening (video calls too)."""
    place = "Classrooms (sign in at the main door)"
    return _evening(
        school,
        name=UPCOMING,
        day=day,
        opens_at=_at(timezone.localdate() - 4 * DAY, 18),
        head=head,
        office=office,
        sittings=[
            _sitting(day, (15, 30), (17, 30), video=False, place=place, breaks=[TEA_BREAK]),
            _sitting(day, (18, 0), (19, 30), video=True, place=place),
        ],
    )


def _past(school, day, head, office) -> Evening:
    return _evening(
        school,
        name=PAST,
        day=day,
        opens_at=_at(day - 14 * DAY, 18),
        head=head,
        office=office,
        sittings=[_sitting(day, (15, 30), (18, 30), video=False, place="Classrooms")],
    )


SUPPORTERS = [
    "My sister, who helps me with forms",
    "Our family support worker from Riverbank Family Centre",
]
NOTES = [
    "I'd like to ask about reading at home.",
    "Could we talk about friendships at playtime?",
    "",
    "",
    "",
]


def bookings_make(evening: Evening, *, office, share: float = 0.5, seed: int = SEED) -> int:
    """Bookings for about `share` of the invited families: each child with their teacher,
    brothers and sisters one after another, a few with the headteacher too; a mix of ways,
    an interpreter for parents who need one, a supporter or two. Returns how many were made."""
    rng = random.Random(f"{seed}-book-{evening.name}")
    invitations = list(
        Invitation.objects.filter(evening=evening, not_sent_because="")
        .select_related("parent")
        .prefetch_related("children")
        .order_by("family_id", "parent_id")
    )
    away = set(
        DateToAvoid.objects.filter(
            starts_on__lte=evening.last_day, ends_on__gte=evening.first_day
        ).values_list("parent_id", flat=True)
    )
    one_per_family: dict[int, Invitation | None] = {}
    for invitation in invitations:
        if invitation.parent_id in away:
            one_per_family[invitation.family_id] = None  # they will not come
        one_per_family.setdefault(invitation.family_id, invitation)
    chosen = [i for i in one_per_family.values() if i is not None and rng.random() < share]
    takings = {t.staff_id: t.for_everyone for t in Taking.objects.filter(evening=evening)}
    everyone = [pk for pk, all_ in takings.items() if all_]
    teachers: dict[int, list[int]] = {}
    for class_id, user_id in (
        ClassGroup.staff.through.objects.filter(classgroup__school=evening.school_id)
        .order_by("user_id")
        .values_list("classgroup_id", "user_id")
    ):
        if takings.get(user_id) is False:
            teachers.setdefault(class_id, []).append(user_id)
    free: dict[int, dict[dt.datetime, Slot]] = {}
    for slot in Slot.objects.filter(evening=evening, blocked=False).select_related("sitting"):
        free.setdefault(slot.staff_id, {})[slot.starts_at] = slot
    step = dt.timedelta(minutes=evening.slot_minutes + evening.gap_minutes)
    now = timezone.now()
    made = supporters = 0
    for invitation in chosen:
        parent = invitation.parent
        children = sorted(invitation.children.all(), key=lambda c: c.first_name)
        wanted = [  # (staff_id, children): each child's class teacher, then perhaps the head
            (teachers[child.class_group_id][0], [child])
            for child in children
            if child.class_group_id and teachers.get(child.class_group_id)
        ]
        if everyone and rng.random() < 0.12:
            wanted.append((everyone[0], children))
        held: list[dt.datetime] = []
        for staff_id, about in wanted:
            slots = free.get(staff_id, {})
            near = [t for h in held for t in (h + step, h - step) if t not in held]
            at = next((t for t in near if t in slots), None)
            if at is None and not held and slots:
                at = rng.choice(sorted(slots))
            if at is None:
                continue
            slot = slots[at]
            way = Way.IN_PERSON
            if slot.sitting.video and rng.random() < 0.3:
                way = Way.VIDEO
            elif rng.random() < 0.15:
                way = Way.PHONE
            supporter = ""
            if not held and supporters < len(SUPPORTERS) and rng.random() < 0.06:
                supporter, supporters = SUPPORTERS[supporters], supporters + 1
            booked_at = min(
                now, evening.opens_at + dt.timedelta(minutes=rng.randint(5, 60 * 24 * 3))
            )
            booked_at = min(booked_at, evening.changes_until - dt.timedelta(minutes=1))
            try:
                services.booking_make(
                    evening=evening,
                    slot=slot,
                    parent=parent,
                    children=about,
                    way=way,
                    interpreter=parent.language if parent.interpreter_needed else "",
                    supporter=supporter,
                    note=rng.choice(NOTES) if not held else "",
                    by=None if parent.email else office,
                    now=booked_at,
                    confirm=False,
                )
            except services.BookingRefused:
                continue
            del slots[at]
            held.append(at)
            made += 1
    return made


def outcomes_record(evening: Evening, *, seed: int = SEED) -> None:
    """What happened at a past evening: most came (about two in three logged as a contact in
    the family's chronology, by the member of staff they saw), a few did not."""
    rng = random.Random(f"{seed}-came-{evening.name}")
    bookings = list(
        Booking.objects.filter(evening=evening, cancelled_at=None)
        .select_related("slot__staff", "evening__school", "family", "parent", "together_with")
        .order_by("starts_at", "pk")
    )
    contacts = []
    for booking in bookings:
        staff = booking.slot.staff
        roll = rng.random()
        if roll < 0.12:
            services.outcome_record(booking=booking, outcome=Booking.Outcome.MISSED, by=staff)
        elif roll < 0.35:
            services.outcome_record(booking=booking, outcome=Booking.Outcome.ATTENDED, by=staff)
        else:
            contacts.append(services.booking_log_contact(booking=booking, by=staff))
    # Written up the same evening, not on the day the demo was loaded.
    for contact in contacts:
        contact.recorded_at = contact.occurred_at + dt.timedelta(hours=2)
    Contact.objects.bulk_update(contacts, ["recorded_at"], batch_size=500)


def evenings_make(school: School, today: dt.date | None = None) -> None:
    """Castlebrae's two evenings (each made once), with the festivals and days away."""
    today = today or timezone.localdate()
    head, office = _member(school, Role.HEADTEACHER), _member(school, Role.PASTORAL)
    if head is None:
        return
    names = set(Evening.objects.filter(school=school).values_list("name", flat=True))
    coming = _school_day(school, today + 10 * DAY, [0, 1, -1, 2, -2, 3, *range(4, 45), -3])
    festivals_set(school, coming)
    if PAST not in names:
        back = _school_day(school, today - 35 * DAY, [0, -1, 1, -2, 2, *range(-3, -60, -1)])
        past = _past(school, back, head, office)
        bookings_make(past, office=office)
        outcomes_record(past)
    if UPCOMING not in names:
        bookings_make(_upcoming(school, coming, head, office), office=office)


@transaction.atomic
def load() -> None:
    schools = {
        key: School.objects.filter(name=name).first()
        for key, (name, _stage) in demo_schools.SCHOOLS.items()
    }
    for school in schools.values():
        if school is not None:
            calendar_make(school)
    school = schools.get(EVENING_SCHOOL)
    if school is None:
        return
    _class_teachers(school)
    evenings_make(school)


# The parent's link, for scripts/run.sh --------------------------------------------------


def booking_link(school: School | None = None):
    """(parent, url) of a new evening link for a parent invited to the coming demo evening who
    has not booked yet (one with two children, if there is one); None if there is none."""
    school = school or School.objects.filter(name=demo_schools.SCHOOLS[EVENING_SCHOOL][0]).first()
    if school is None:
        return None
    evening = (
        Evening.objects.filter(school=school, name=UPCOMING)
        .upcoming()
        .order_by("first_day")
        .first()
    )
    if evening is None:
        return None
    booked = Booking.objects.filter(evening=evening, cancelled_at=None).values("family")
    invitations = (
        Invitation.objects.filter(evening=evening, not_sent_because="")
        .exclude(parent__email="")
        .exclude(family_id__in=booked)
        .select_related("parent")
        .prefetch_related("children")
        .order_by("parent_id")[:100]
    )
    ordered = sorted(invitations, key=lambda i: -len(i.children.all()))
    for invitation in ordered[:20]:
        try:
            made = link_create(
                school=school,
                parent=invitation.parent,
                purpose=Purpose.EVENING,
                created_by=None,
                until=link_until(evening),
            )
        except ValidationError:
            continue
        return invitation.parent, made.url
    return None
