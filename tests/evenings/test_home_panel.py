"""The home page's panel: a coming evening with my own appointments, and for those who run it,
how many invited families have not booked."""

from django.urls import reverse

from evenings import services
from evenings.models import Slot
from tests.evenings.conftest import EVENING_DAY, at


def _book(spring, staff, parent, child, hour, minute):
    slot = Slot.objects.get(
        evening=spring.evening, staff=staff, starts_at=at(EVENING_DAY, hour, minute)
    )
    return services.booking_make(
        evening=spring.evening, slot=slot, parent=parent, children=[child], confirm=False
    )


def test_a_teacher_taking_part_sees_how_many_appointments_they_have(cast, spring, login):
    _book(spring, cast.teacher, spring.mum, spring.isla, 15, 30)
    _book(spring, cast.teacher, spring.samira, spring.amir, 15, 40)
    page = login(cast.teacher).get(reverse("home")).content.decode()
    assert "Spring parents" in page
    assert "you have 2 appointments" in page
    assert "not booked yet" not in page  # a teacher does not run it


def test_the_headteacher_sees_how_many_families_have_not_booked(cast, spring, login):
    _book(spring, cast.teacher, spring.mum, spring.isla, 15, 30)
    page = login(cast.headteacher).get(reverse("home")).content.decode()
    # Khan and Byrne (Niamh is invited; Sean is not, by his restriction) have not booked.
    assert "2 invited families have not booked yet" in page


def test_pastoral_staff_see_it_and_an_authority_officer_does_not(cast, spring, login):
    page = login(cast.pastoral).get(reverse("home")).content.decode()
    # Pastoral staff run every evening of the school, so they see it; an authority officer not.
    assert "Parents' evenings coming up" in page
    page = login(cast.authority_officer).get(reverse("home")).content.decode()
    assert "Parents' evenings coming up" not in page
