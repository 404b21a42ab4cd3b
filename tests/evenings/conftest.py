"""Shared by the parents' evening tests: a school day (time stands still), a spring evening
with two sittings, three members of staff taking part, and families to book.

The cast's school gets two classes: P3 (taught by `teacher`) and P5 (taught by `p5_teacher`).
The headteacher takes part for every family. Families:
- Rowan: Isla (P3) and Finn (P5); mum Ailsa (e-mail) and dad Euan (text), separated homes.
- Khan: Amir (P3); mum Samira, reads Urdu and asks for an interpreter.
- Byrne: Kai (P3); mum Niamh; dad Sean has a recorded restriction.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from evenings import services
from evenings.models import Evening, Sitting, Taking
from family_voice import services as link_services
from family_voice.models import Purpose
from portal.models import Role
from tests import factories
from tests.family_voice.conftest import link_path, pass_check  # noqa: F401 (re-exported)

# A Wednesday at 10:00 in London, outside quiet hours; the evening is the Tuesday after.
SCHOOL_DAY = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)
EVENING_DAY = dt.date(2026, 11, 24)
BORN = dt.date(2018, 5, 2)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class Spring:
    evening: Evening
    after_school: Sitting  # 15:30–17:30, in person or phone
    later: Sitting  # 18:00–19:00, in person, phone or video
    p3: object
    p5: object
    p5_teacher: object
    rowans: object  # school family
    isla: object
    finn: object
    mum: object
    dad: object
    khans: object
    amir: object
    samira: object
    byrnes: object
    kai: object
    niamh: object
    sean: object


@pytest.fixture
def school_day(time_machine):
    time_machine.move_to(SCHOOL_DAY, tick=False)
    return timezone.localtime(SCHOOL_DAY)


def _family(cast, name):
    return factories.SchoolFamilyFactory(school=cast.school, family__name=name)


@pytest.fixture
def spring(cast, school_day):
    """The spring evening, set up and invited (no messages sent): see the module's docstring."""
    school = cast.school
    p3 = factories.ClassGroupFactory(school=school, name="P3 Oak", year_group="P3")
    p5 = factories.ClassGroupFactory(school=school, name="P5 Ash", year_group="P5")
    p5_teacher = factories.UserFactory(username="p5_teacher", first_name="Morag", last_name="Reid")
    factories.MembershipFactory(user=p5_teacher, school=school, role=Role.STAFF)
    p3.staff.add(cast.teacher)
    p5.staff.add(p5_teacher)

    rowans = _family(cast, "Family Rowan")
    isla = factories.ChildFactory(
        school=school,
        family=rowans.family,
        first_name="Isla",
        last_name="Rowan",
        class_group=p3,
        year_group="P3",
        date_of_birth=BORN,
    )
    finn = factories.ChildFactory(
        school=school,
        family=rowans.family,
        first_name="Finn",
        last_name="Rowan",
        class_group=p5,
        year_group="P5",
        date_of_birth=dt.date(2016, 3, 9),
    )
    mum = factories.ParentCarerFactory(
        family=rowans.family,
        first_name="Ailsa",
        last_name="Rowan",
        email="ailsa@example.org",
        phone="07700 900123",
        preferred_channel="email",
        household="Mum's flat",
    )
    dad = factories.ParentCarerFactory(
        family=rowans.family,
        first_name="Euan",
        last_name="Rowan",
        email="euan@example.org",
        phone="07700 900456",
        preferred_channel="text",
        household="Dad's house",
    )
    for child in (isla, finn):
        factories.ChildParentFactory(child=child, parent=mum)
        factories.ChildParentFactory(child=child, parent=dad, relationship="father")

    khans = _family(cast, "Family Khan")
    amir = factories.ChildFactory(
        school=school,
        family=khans.family,
        first_name="Amir",
        last_name="Khan",
        class_group=p3,
        year_group="P3",
        date_of_birth=BORN,
    )
    samira = factories.ParentCarerFactory(
        family=khans.family,
        first_name="Samira",
        last_name="Khan",
        email="samira@example.org",
        preferred_channel="email",
        language="Urdu",
        interpreter_needed=True,
    )
    factories.ChildParentFactory(child=amir, parent=samira)

    byrnes = _family(cast, "Family Byrne")
    kai = factories.ChildFactory(
        school=school,
        family=byrnes.family,
        first_name="Kai",
        last_name="Byrne",
        class_group=p3,
        year_group="P3",
        date_of_birth=BORN,
    )
    niamh = factories.ParentCarerFactory(
        family=byrnes.family,
        first_name="Niamh",
        last_name="Byrne",
        email="niamh@example.org",
        preferred_channel="email",
    )
    sean = factories.ParentCarerFactory(
        family=byrnes.family,
        first_name="Sean",
        last_name="Byrne",
        email="sean@example.org",
    )
    factories.ChildParentFactory(child=kai, parent=niamh)
    factories.ChildParentFactory(
        child=kai,
        parent=sean,
        relationship="father",
        restriction="Court order: no contact about Kai; nothing to be shared.",
    )

    evening = services.evening_save(
        evening=Evening(
            school=school,
            name="Spring parents' evening",
            about="A chance to hear how your child is getting on.",
            slot_minutes=10,
            opens_at=at(dt.date(2026, 11, 17), 18),
            changes_until=at(dt.date(2026, 11, 23), 18),
            year_groups=["P3", "P5"],
        ),
        by=cast.headteacher,
    )
    services.taking_set(
        evening=evening,
        staff=[cast.teacher, p5_teacher, cast.headteacher],
        for_everyone=[cast.headteacher],
    )
    Taking.objects.filter(evening=evening, staff=cast.teacher).update(room="Room 4")
    Taking.objects.filter(evening=evening, staff=p5_teacher).update(
        room="Room 9", video_link="https://meet.example.org/reid"
    )
    after_school = services.sitting_add(
        evening=evening,
        sitting=Sitting(
            starts_at=at(EVENING_DAY, 15, 30),
            ends_at=at(EVENING_DAY, 17, 30),
            in_person=True,
            phone=True,
            video=False,
            place="Main hall",
        ),
    )
    later = services.sitting_add(
        evening=evening,
        sitting=Sitting(
            starts_at=at(EVENING_DAY, 18),
            ends_at=at(EVENING_DAY, 19),
            in_person=True,
            phone=True,
            video=True,
            place="Main hall",
        ),
    )
    services.invitations_make(evening=evening)
    return Spring(
        evening=evening,
        after_school=after_school,
        later=later,
        p3=p3,
        p5=p5,
        p5_teacher=p5_teacher,
        rowans=rowans,
        isla=isla,
        finn=finn,
        mum=mum,
        dad=dad,
        khans=khans,
        amir=amir,
        samira=samira,
        byrnes=byrnes,
        kai=kai,
        niamh=niamh,
        sean=sean,
    )


def evening_link(cast, parent, spring):
    """A parent's own evening link (MadeLink: .link, .url), as the invitation would carry."""
    from evenings.messages import link_until

    return link_services.link_create(
        school=cast.school,
        parent=parent,
        purpose=Purpose.EVENING,
        created_by=cast.headteacher,
        until=link_until(spring.evening),
    )
