"""The booking service: a slot given once, a parent never in two places, siblings next to each
other, the office booking after the cut-off, and what a parent is offered."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from evenings import services
from evenings.models import Booking, Invitation, Slot, Way


def _slot(spring, staff, hour, minute):
    from tests.evenings.conftest import EVENING_DAY, at

    return Slot.objects.get(
        evening=spring.evening, staff=staff, starts_at=at(EVENING_DAY, hour, minute)
    )


def test_the_grid_gives_each_member_of_staff_a_slot_every_ten_minutes(cast, spring):
    # 15:30–17:30 is 12 slots, 18:00–19:00 is 6: 18 each for three staff.
    assert Slot.objects.filter(evening=spring.evening).count() == 54
    assert spring.evening.first_day == spring.evening.last_day


def test_a_restricted_parent_is_not_invited_through_a_link(cast, spring):
    sean = Invitation.objects.get(evening=spring.evening, parent=spring.sean)
    assert "Court order" in sean.not_sent_because
    assert Invitation.objects.filter(evening=spring.evening, not_sent_because="").count() == 4


def test_a_slot_is_never_given_twice(cast, spring):
    slot = _slot(spring, cast.teacher, 15, 30)
    services.booking_make(
        evening=spring.evening, slot=slot, parent=spring.mum, children=[spring.isla], confirm=False
    )
    with pytest.raises(services.BookingRefused) as refused:
        services.booking_make(
            evening=spring.evening,
            slot=slot,
            parent=spring.samira,
            children=[spring.amir],
            confirm=False,
        )
    assert refused.value.messages == [services.TAKEN]
    assert Booking.objects.filter(slot=slot, cancelled_at=None).count() == 1


def test_the_database_itself_refuses_a_second_live_booking_of_a_slot(cast, spring):
    slot = _slot(spring, cast.teacher, 15, 40)
    first = services.booking_make(
        evening=spring.evening, slot=slot, parent=spring.mum, children=[spring.isla], confirm=False
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            evening=spring.evening,
            slot=slot,
            starts_at=slot.starts_at,
            family=spring.khans.family,
            parent=spring.samira,
        )
    services.booking_cancel(booking=first)
    again = services.booking_make(
        evening=spring.evening,
        slot=slot,
        parent=spring.samira,
        children=[spring.amir],
        confirm=False,
    )
    assert again.slot_id == slot.pk


def test_a_parent_is_never_booked_twice_at_the_same_time(cast, spring):
    services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, cast.teacher, 16, 0),
        parent=spring.mum,
        children=[spring.isla],
        confirm=False,
    )
    with pytest.raises(services.BookingRefused) as refused:
        services.booking_make(
            evening=spring.evening,
            slot=_slot(spring, spring.p5_teacher, 16, 0),
            parent=spring.mum,
            children=[spring.finn],
            confirm=False,
        )
    assert refused.value.messages == [services.BUSY]


def test_a_teacher_who_does_not_teach_the_child_is_refused(cast, spring):
    with pytest.raises(services.BookingRefused):
        services.booking_make(
            evening=spring.evening,
            slot=_slot(spring, spring.p5_teacher, 15, 30),
            parent=spring.mum,
            children=[spring.isla],
            confirm=False,
        )


def test_video_only_where_the_sitting_and_the_teacher_offer_it(cast, spring):
    with pytest.raises(services.BookingRefused):
        services.booking_make(
            evening=spring.evening,
            slot=_slot(spring, spring.p5_teacher, 15, 30),
            parent=spring.mum,
            children=[spring.finn],
            way=Way.VIDEO,
            confirm=False,
        )
    booking = services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, spring.p5_teacher, 18, 0),
        parent=spring.mum,
        children=[spring.finn],
        way=Way.VIDEO,
        confirm=False,
    )
    assert booking.way == Way.VIDEO


def test_after_the_cut_off_a_parent_cannot_book_but_the_office_can(cast, spring, time_machine):
    import datetime as dt

    from tests.evenings.conftest import at

    time_machine.move_to(at(dt.date(2026, 11, 23), 19), tick=False)
    slot = _slot(spring, cast.teacher, 16, 30)
    with pytest.raises(services.BookingRefused) as refused:
        services.booking_make(
            evening=spring.evening,
            slot=slot,
            parent=spring.mum,
            children=[spring.isla],
            confirm=False,
        )
    assert refused.value.messages == [services.CLOSED]
    booked = services.booking_make(
        evening=spring.evening,
        slot=slot,
        parent=spring.mum,
        children=[spring.isla],
        by=cast.headteacher,
        confirm=False,
    )
    assert booked.booked_by == cast.headteacher


def test_slots_next_to_a_brother_or_sisters_appointment_come_first(cast, spring):
    services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, cast.teacher, 16, 0),
        parent=spring.mum,
        children=[spring.isla],
        confirm=False,
    )
    free = list(services.free_slots(spring.evening, [spring.p5_teacher.pk]))
    ordered = services.next_to(free, [_slot(spring, cast.teacher, 16, 0).starts_at], spring.evening)
    assert {s.starts_at.strftime("%H:%M") for s in ordered[:2]} == {"15:50", "16:10"}


def test_a_staff_block_keeps_a_free_slot_from_parents_but_never_a_booked_one(cast, spring):
    free, booked = _slot(spring, cast.teacher, 17, 0), _slot(spring, cast.teacher, 17, 10)
    services.booking_make(
        evening=spring.evening,
        slot=booked,
        parent=spring.mum,
        children=[spring.isla],
        confirm=False,
    )
    changed = services.slots_block(
        evening=spring.evening, staff=cast.teacher, slot_ids=[free.pk, booked.pk], blocked=True
    )
    assert changed == 1
    free.refresh_from_db()
    with pytest.raises(services.BookingRefused):
        services.booking_make(
            evening=spring.evening,
            slot=free,
            parent=spring.samira,
            children=[spring.amir],
            confirm=False,
        )


def test_an_attended_appointment_becomes_one_contact(cast, spring, time_machine):
    from tests.evenings.conftest import EVENING_DAY, at

    booking = services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, cast.teacher, 15, 50),
        parent=spring.mum,
        children=[spring.isla],
        confirm=False,
    )
    with pytest.raises(ValidationError):
        services.booking_log_contact(booking=booking, by=cast.teacher)
    time_machine.move_to(at(EVENING_DAY, 20), tick=False)
    first = services.booking_log_contact(booking=booking, by=cast.teacher)
    second = services.booking_log_contact(booking=booking, by=cast.teacher)
    assert first.pk == second.pk
    assert first.channel == "meeting" and list(first.children.all()) == [spring.isla]
    booking.refresh_from_db()
    assert booking.outcome == Booking.Outcome.ATTENDED


def test_the_length_of_appointments_cannot_change_once_parents_have_booked(cast, spring):
    services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, cast.teacher, 15, 40),
        parent=spring.mum,
        children=[spring.isla],
        confirm=False,
    )
    spring.evening.slot_minutes = 15
    with pytest.raises(ValidationError) as refused:
        services.evening_save(evening=spring.evening, by=cast.headteacher)
    assert "cannot change now" in str(refused.value)


def test_a_sitting_that_overlaps_another_is_refused(cast, spring):
    from evenings.models import Sitting
    from tests.evenings.conftest import EVENING_DAY, at

    with pytest.raises(ValidationError):
        services.sitting_add(
            evening=spring.evening,
            sitting=Sitting(starts_at=at(EVENING_DAY, 17, 5), ends_at=at(EVENING_DAY, 17, 45)),
        )
    assert spring.evening.sittings.count() == 2


def test_rebuilding_slots_keeps_every_slot_that_was_ever_booked(cast, spring):
    slot = _slot(spring, cast.teacher, 15, 30)
    booking = services.booking_make(
        evening=spring.evening,
        slot=slot,
        parent=spring.mum,
        children=[spring.isla],
        confirm=False,
    )
    services.booking_cancel(booking=booking)
    # The teacher stops taking part: their free slots go, the once-booked one stays.
    services.taking_set(
        evening=spring.evening,
        staff=[spring.p5_teacher, cast.headteacher],
        for_everyone=[cast.headteacher],
    )
    assert list(Slot.objects.filter(evening=spring.evening, staff=cast.teacher)) == [slot]
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_a_class_taken_off_loses_its_invitations_unless_someone_booked(cast, spring):
    services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, spring.p5_teacher, 15, 30),
        parent=spring.mum,
        children=[spring.finn],
        confirm=False,
    )
    spring.evening.year_groups = ["P3"]
    spring.evening.save()
    services.invitations_make(evening=spring.evening)
    invited = set(
        Invitation.objects.filter(evening=spring.evening).values_list("parent_id", flat=True)
    )
    # Isla is still in P3, so her parents stay; nothing else changes for the Khans and Byrnes.
    assert {spring.mum.pk, spring.dad.pk, spring.samira.pk, spring.niamh.pk} <= invited
    spring.evening.year_groups = ["P5"]
    spring.evening.save()
    services.invitations_make(evening=spring.evening)
    invited = set(
        Invitation.objects.filter(evening=spring.evening).values_list("parent_id", flat=True)
    )
    assert spring.samira.pk not in invited and spring.niamh.pk not in invited
    assert spring.mum.pk in invited  # Finn is in P5 (and mum has booked)


def test_inviting_twice_at_once_is_not_an_error(cast, spring):
    Invitation.objects.filter(evening=spring.evening).delete()
    services.invitations_make(evening=spring.evening)
    services.invitations_make(evening=spring.evening)
    assert Invitation.objects.filter(evening=spring.evening).count() == 5


def test_a_restricted_parent_cannot_be_named_as_coming_too(cast, spring):
    with pytest.raises(services.BookingRefused):
        services.booking_make(
            evening=spring.evening,
            slot=_slot(spring, cast.teacher, 16, 20),
            parent=spring.niamh,
            children=[spring.kai],
            together_with=spring.sean,
            confirm=False,
        )


def test_the_other_parent_cannot_book_elsewhere_at_a_time_they_are_coming_to(cast, spring):
    services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, cast.teacher, 16, 30),
        parent=spring.mum,
        children=[spring.isla],
        together_with=spring.dad,
        confirm=False,
    )
    with pytest.raises(services.BookingRefused) as refused:
        services.booking_make(
            evening=spring.evening,
            slot=_slot(spring, spring.p5_teacher, 16, 30),
            parent=spring.dad,
            children=[spring.finn],
            confirm=False,
        )
    assert refused.value.messages == [services.BUSY]


def test_a_booking_stands_when_its_confirmation_cannot_be_written(
    cast, spring, django_capture_on_commit_callbacks
):
    from reaching_out.models import Message, MessageTemplate

    MessageTemplate.objects.all().delete()  # no words for any kind of message
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_make(
            evening=spring.evening,
            slot=_slot(spring, cast.teacher, 17, 20),
            parent=spring.mum,
            children=[spring.isla],
        )
    assert Booking.objects.filter(pk=booking.pk, cancelled_at=None).exists()
    assert not Message.objects.filter(parent=spring.mum).exists()
