"""Trust 10(d): a member of staff cannot be booked into two meetings at once, even when two
people book the same slot at the same moment: one wins, the other is told why."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from meetings.models import Meeting
from tests.conftest import otp_verify_session
from tests.robustness.conftest import make_world, meeting_data, url

BOOKED = "is already booked into another meeting"


def test_a_second_overlapping_booking_for_the_same_chair_is_refused(cast, login, world):
    client = login(cast.pastoral)
    add = url("meetings:meeting-add", world.family.pk)
    assert (
        client.post(add, meeting_data(cast, world, start="10:00", end="11:00")).status_code == 302
    )
    before = Meeting.objects.count()
    response = client.post(add, meeting_data(cast, world, start="10:30", end="11:30"))
    assert response.status_code == 200
    page = response.content.decode()
    assert BOOKED in page
    assert "How mornings can go more smoothly for Robin." in page  # their text is kept
    assert Meeting.objects.count() == before


def test_other_staff_attending_are_not_double_booked(cast, login, world):
    client = login(cast.pastoral)
    add = url("meetings:meeting-add", world.family.pk)
    client.post(add, meeting_data(cast, world, staff=[cast.teacher.pk]))
    before = Meeting.objects.count()
    # The headteacher chairs; the teacher is already in the pastoral lead's meeting then.
    data = meeting_data(cast, world, chair=cast.headteacher.pk, staff=[cast.teacher.pk])
    response = login(cast.headteacher).post(add, data)
    assert BOOKED in response.content.decode()
    assert Meeting.objects.count() == before


def test_back_to_back_meetings_and_parents_clashes_are_allowed(cast, login, world):
    client = login(cast.pastoral)
    add = url("meetings:meeting-add", world.family.pk)
    assert (
        client.post(add, meeting_data(cast, world, start="10:00", end="11:00")).status_code == 302
    )
    assert (
        client.post(add, meeting_data(cast, world, start="11:00", end="11:30")).status_code == 302
    )
    # Another member of staff may meet the same family at the same time (a parent's clash is
    # a warning after saving, not a refusal).
    other = meeting_data(cast, world, chair=cast.headteacher.pk, start="10:00", end="11:00")
    response = login(cast.headteacher).post(add, other, follow=True)
    assert response.redirect_chain


def test_moving_a_meeting_onto_another_is_refused(cast, login, world):
    client = login(cast.pastoral)
    add = url("meetings:meeting-add", world.family.pk)
    client.post(add, meeting_data(cast, world, start="10:00", end="11:00"))
    edit = url("meetings:meeting-edit", world.meeting.pk)
    planned_for = world.meeting.starts_at
    data = meeting_data(cast, world, start="10:15", end="10:45", purpose=world.meeting.purpose)
    response = client.post(edit, data)
    assert BOOKED in response.content.decode()
    world.meeting.refresh_from_db()
    assert world.meeting.starts_at == planned_for and world.meeting.duration_minutes == 45


@pytest.mark.django_db(transaction=True)
def test_two_people_booking_the_same_slot_at_once_one_wins(cast, compass_defaults):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent bookings need PostgreSQL")
    world = make_world(cast)
    add = url("meetings:meeting-add", world.family.pk)
    before = Meeting.objects.count()
    # Two colleagues each book the teacher into a meeting at 14:00; they chair their own.
    bookings = [
        (
            cast.pastoral,
            meeting_data(
                cast,
                world,
                start="14:00",
                end="15:00",
                chair=cast.pastoral.pk,
                staff=[cast.teacher.pk],
            ),
        ),
        (
            cast.headteacher,
            meeting_data(
                cast,
                world,
                start="14:30",
                end="15:30",
                chair=cast.headteacher.pk,
                staff=[cast.teacher.pk],
            ),
        ),
    ]
    barrier = threading.Barrier(2)
    results = {}

    def book(user, data):
        try:
            client = Client()
            client.force_login(user)
            otp_verify_session(client, user)
            barrier.wait(timeout=10)
            results[user.username] = client.post(add, data)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=b) for b in bookings]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 302]
    loser = next(r for r in results.values() if r.status_code == 200)
    assert BOOKED in loser.content.decode()
    assert Meeting.objects.count() == before + 1
