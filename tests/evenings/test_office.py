"""The office books, moves and cancels for a parent who phones, also after the parents' own
cut-off; never for an adult whose invitation a restriction stopped."""

import pytest
from django.urls import reverse

from evenings import services
from evenings.models import Booking, Invitation, Slot
from portal.models import Role
from tests import factories
from tests.evenings.conftest import EVENING_DAY, at


def _slot(spring, staff, hour, minute):
    return Slot.objects.get(
        evening=spring.evening, staff=staff, starts_at=at(EVENING_DAY, hour, minute)
    )


@pytest.fixture
def clerk(cast, spring):
    """A member of the office staff, named by the evening as one who books for parents."""
    user = factories.UserFactory(username="clerk", first_name="Jean", last_name="Office")
    factories.MembershipFactory(user=user, school=cast.school, role=Role.STAFF)
    spring.evening.office.add(user)
    return user


@pytest.fixture
def after_cut_off(time_machine):
    time_machine.move_to(at(EVENING_DAY, 9), tick=False)  # the day of the evening


def _book_url(spring):
    return reverse("evenings:office-book", args=[spring.evening.pk])


def _invitation(spring, parent):
    return Invitation.objects.get(evening=spring.evening, parent=parent)


def _post_booking(client, spring, parent, staff, slot, children, **extra):
    invitation = _invitation(spring, parent)
    data = {
        "invitation": invitation.pk,
        "staff": staff.pk,
        "children": [c.pk for c in children],
        "slot": slot.pk,
        "way": "in_person",
        **extra,
    }
    return client.post(_book_url(spring), data)


def test_the_office_finds_an_invited_parent_by_name(cast, spring, clerk, login):
    page = login(clerk).get(_book_url(spring), {"q": "rowan"}).content.decode()
    assert "Ailsa Rowan" in page and "Euan Rowan" in page
    assert f"?invitation={_invitation(spring, spring.mum).pk}" in page
    by_child = login(clerk).get(_book_url(spring), {"q": "Amir"}).content.decode()
    assert "Samira Khan" in by_child and "Ailsa Rowan" not in by_child


def test_a_restricted_adult_cannot_be_booked_for_and_the_office_never_reads_why(
    cast, spring, clerk, login
):
    client = login(clerk)
    page = client.get(_book_url(spring), {"q": "Byrne"}).content.decode()
    assert "Niamh Byrne" in page and "Sean Byrne" in page
    # The restriction's own words are for pastoral staff and the headteacher, not the office.
    assert "Court order" not in page and "a recorded restriction" in page
    assert "pastoral lead" in page
    head = login(cast.headteacher).get(_book_url(spring), {"q": "Byrne"}).content.decode()
    assert "Court order" in head
    client = login(clerk)
    sean = _invitation(spring, spring.sean)
    assert f"?invitation={sean.pk}" not in page
    assert "Court order" not in client.get(_book_url(spring), {"q": "Niamh"}).content.decode()
    response = client.get(_book_url(spring), {"invitation": sean.pk})
    assert (
        "pastoral lead" in response.content.decode() and b"Book this time" not in response.content
    )
    _post_booking(
        client, spring, spring.sean, cast.teacher, _slot(spring, cast.teacher, 15, 30), [spring.kai]
    )
    assert not Booking.objects.filter(parent=spring.sean).exists()


def test_the_office_books_for_a_parent_after_the_cut_off(cast, spring, clerk, login, after_cut_off):
    client = login(clerk)
    ailsa = _invitation(spring, spring.mum)
    form = client.get(_book_url(spring), {"invitation": ailsa.pk, "staff": cast.teacher.pk})
    assert b"Book this time" in form.content and b"Isla Rowan" in form.content
    slot = _slot(spring, cast.teacher, 16, 0)
    response = _post_booking(
        client, spring, spring.mum, cast.teacher, slot, [spring.isla], interpreter="Gaelic"
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("evenings:timetable", args=[spring.evening.pk]))
    booking = Booking.objects.get(slot=slot, cancelled_at=None)
    assert booking.parent == spring.mum and booking.booked_by == clerk
    assert list(booking.children.all()) == [spring.isla] and booking.interpreter == "Gaelic"


def test_a_time_just_taken_is_refused_in_words(cast, spring, clerk, login):
    slot = _slot(spring, cast.teacher, 15, 30)
    services.booking_make(
        evening=spring.evening,
        slot=slot,
        parent=spring.samira,
        children=[spring.amir],
        confirm=False,
    )
    response = _post_booking(login(clerk), spring, spring.mum, cast.teacher, slot, [spring.isla])
    assert response.status_code == 200
    assert services.TAKEN in response.content.decode()
    assert Booking.objects.filter(slot=slot, cancelled_at=None).get().parent == spring.samira


def test_the_office_moves_an_appointment(cast, spring, clerk, login, after_cut_off):
    old = _slot(spring, cast.teacher, 15, 30)
    booking = services.booking_make(
        evening=spring.evening,
        slot=old,
        parent=spring.mum,
        children=[spring.isla],
        confirm=False,
        by=clerk,
    )
    new = _slot(spring, cast.teacher, 15, 50)
    client = login(clerk)
    url = reverse("evenings:booking-move", args=[booking.pk])
    page = client.get(url).content.decode()
    assert "Move an appointment" in page and "Ailsa Rowan" in page
    back = reverse("evenings:whole", args=[spring.evening.pk])
    response = client.post(url, {"slot": new.pk, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert not Booking.objects.filter(slot=old, cancelled_at=None).exists()
    moved = Booking.objects.get(slot=new, cancelled_at=None)
    assert moved.parent == spring.mum and list(moved.children.all()) == [spring.isla]


def test_a_move_to_a_taken_time_keeps_the_old_one(cast, spring, clerk, login):
    old = _slot(spring, cast.teacher, 15, 30)
    taken = _slot(spring, cast.teacher, 15, 40)
    booking = services.booking_make(
        evening=spring.evening, slot=old, parent=spring.mum, children=[spring.isla], confirm=False
    )
    services.booking_make(
        evening=spring.evening,
        slot=taken,
        parent=spring.samira,
        children=[spring.amir],
        confirm=False,
    )
    url = reverse("evenings:booking-move", args=[booking.pk])
    response = login(clerk).post(url, {"slot": taken.pk})
    assert response.status_code == 200 and services.TAKEN in response.content.decode()
    assert Booking.objects.get(slot=old, cancelled_at=None).pk == booking.pk


def test_the_office_cancels_and_the_time_is_free_again(cast, spring, clerk, login):
    slot = _slot(spring, cast.teacher, 15, 30)
    booking = services.booking_make(
        evening=spring.evening, slot=slot, parent=spring.mum, children=[spring.isla], confirm=False
    )
    response = login(clerk).post(reverse("evenings:booking-cancel", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.cancelled_at is not None and booking.cancelled_by == clerk
    assert slot in services.free_slots(spring.evening, [cast.teacher.pk])


def test_who_may_book_move_and_cancel(cast, spring, clerk, login, client):
    booking = services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, cast.teacher, 15, 30),
        parent=spring.mum,
        children=[spring.isla],
        confirm=False,
    )
    move = reverse("evenings:booking-move", args=[booking.pk])
    cancel = reverse("evenings:booking-cancel", args=[booking.pk])
    assert client.get(_book_url(spring)).status_code == 302  # anonymous: to sign in
    assert login(cast.headteacher).get(_book_url(spring)).status_code == 200
    assert login(cast.pastoral).get(move).status_code == 200
    teacher = login(cast.teacher)
    assert teacher.get(_book_url(spring)).status_code == 403
    assert teacher.get(move).status_code == 403
    assert teacher.post(cancel).status_code == 403
    outsider = login(cast.outsider)
    assert outsider.get(_book_url(spring)).status_code == 404
    assert outsider.post(cancel).status_code == 404
    office = login(clerk)
    assert office.get(cancel).status_code == 405
    assert office.put(_book_url(spring)).status_code == 405
    booking.refresh_from_db()
    assert booking.cancelled_at is None


@pytest.mark.parametrize("query", [{"invitation": "²"}, {"staff": "²"}, {"invitation": "9" * 30}])
def test_a_strange_id_in_the_address_is_not_an_error(cast, spring, clerk, login, query):
    assert login(clerk).get(_book_url(spring), query).status_code == 200
    timetable = reverse("evenings:timetable", args=[spring.evening.pk])
    assert login(cast.headteacher).get(timetable, {"staff": "²"}).status_code == 404
