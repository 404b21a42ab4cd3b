"""Each member of staff's timetable (screen and print), times kept free, the whole evening for
those who run it, and came / did not come / a contact, in one tap."""

import pytest
from django.urls import reverse

from evenings import services
from evenings.models import Booking, Slot, Way
from families.models import Contact
from portal.models import Role
from tests import factories
from tests.evenings.conftest import EVENING_DAY, at


def _slot(spring, staff, hour, minute):
    return Slot.objects.get(
        evening=spring.evening, staff=staff, starts_at=at(EVENING_DAY, hour, minute)
    )


def _book(spring, slot, parent, children, **extra):
    return services.booking_make(
        evening=spring.evening, slot=slot, parent=parent, children=children, confirm=False, **extra
    )


@pytest.fixture
def booked(cast, spring):
    """Samira (Urdu interpreter, by phone) and Ailsa with the class teacher; Euan with Finn's."""
    samira = _book(
        spring,
        _slot(spring, cast.teacher, 15, 30),
        spring.samira,
        [spring.amir],
        way=Way.PHONE,
        interpreter="Urdu",
        supporter="Her sister",
    )
    ailsa = _book(spring, _slot(spring, cast.teacher, 15, 40), spring.mum, [spring.isla])
    euan = _book(
        spring, _slot(spring, spring.p5_teacher, 18, 0), spring.dad, [spring.finn], way=Way.VIDEO
    )
    return samira, ailsa, euan


def _office(cast, spring):
    clerk = factories.UserFactory(username="clerk", first_name="Jean", last_name="Office")
    factories.MembershipFactory(user=clerk, school=cast.school, role=Role.STAFF)
    spring.evening.office.add(clerk)
    return clerk


def _url(name, spring, **query):
    url = reverse(f"evenings:{name}", args=[spring.evening.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_teacher_sees_their_own_timetable_with_who_is_coming(cast, spring, booked, login):
    page = login(cast.teacher).get(_url("timetable", spring)).content.decode()
    assert "Your timetable" in page
    assert "Samira Khan" in page and "Amir Khan" in page
    assert "Phone call" in page and "Interpreter needed: Urdu" in page
    assert "Bringing a supporter: Her sister" in page
    assert "Ailsa Rowan" in page and "Isla Rowan" in page
    assert "Euan Rowan" not in page  # with Finn's teacher, not theirs
    assert "Free" in page
    assert "Came" not in page  # not started yet


def test_the_video_link_shows_for_a_video_appointment(cast, spring, booked, login):
    page = login(spring.p5_teacher).get(_url("timetable", spring)).content.decode()
    assert "Video call" in page and "https://meet.example.org/reid" in page


def test_a_teacher_cannot_see_another_teachers_timetable(cast, spring, booked, login):
    client = login(cast.teacher)
    assert client.get(_url("timetable", spring, staff=spring.p5_teacher.pk)).status_code == 403
    assert (
        client.get(_url("timetable-print", spring, staff=spring.p5_teacher.pk)).status_code == 403
    )


@pytest.mark.parametrize("who", ["headteacher", "pastoral", "office"])
def test_those_who_run_the_evening_see_any_timetable(cast, spring, booked, login, who):
    user = _office(cast, spring) if who == "office" else getattr(cast, who)
    response = login(user).get(_url("timetable", spring, staff=cast.teacher.pk))
    assert response.status_code == 200
    assert "Samira Khan" in response.content.decode()


def test_someone_who_runs_it_without_taking_part_chooses_whose(cast, spring, booked, login):
    page = login(cast.pastoral).get(_url("timetable", spring)).content.decode()
    assert "Choose whose timetable" in page and "Samira Khan" not in page


def test_staff_not_taking_part_and_outsiders_get_404(cast, spring, login):
    other = factories.UserFactory(username="other_teacher")
    factories.MembershipFactory(user=other, school=cast.school, role=Role.STAFF)
    assert login(other).get(_url("timetable", spring)).status_code == 404
    assert login(cast.outsider).get(_url("timetable", spring)).status_code == 404
    assert login(cast.outsider).get(_url("whole", spring)).status_code == 404
    assert login(cast.authority_officer).get(_url("timetable", spring)).status_code == 403


def test_anonymous_users_go_to_sign_in(cast, spring, client):
    response = client.get(_url("timetable", spring))
    assert response.status_code == 302 and "login" in response["Location"]


def test_wrong_methods_get_405(cast, spring, booked, login):
    client = login(cast.teacher)
    assert client.post(_url("timetable", spring)).status_code == 405
    assert client.post(_url("timetable-print", spring)).status_code == 405
    assert client.get(_url("block", spring)).status_code == 405
    samira = booked[0]
    assert client.get(reverse("evenings:booking-outcome", args=[samira.pk])).status_code == 405
    assert client.get(reverse("evenings:booking-contact", args=[samira.pk])).status_code == 405


def test_the_print_page_has_a_row_per_slot(cast, spring, booked, login):
    response = login(cast.teacher).get(_url("timetable-print", spring))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Riverside Primary" in page and "Spring parents&#x27; evening" in page
    assert "Samira Khan" in page and "Interpreter: Urdu" in page
    assert page.count("<tr>") == 1 + 18 + 1  # a header row per sitting, a row per slot
    assert "site-header" not in page


def test_the_office_prints_every_timetable_one_to_a_page(cast, spring, booked, login):
    # Pastoral staff run the evening and take no part: they print every timetable.
    page = login(cast.pastoral).get(_url("timetable-print", spring)).content.decode()
    assert page.count('class="timetable-sheet"') == 3  # the teacher, Mrs Reid, the headteacher
    assert "Samira Khan" in page
    assert (
        login(cast.teacher)
        .get(_url("timetable-print", spring))
        .content.decode()
        .count('class="timetable-sheet"')
        == 1
    )


def test_a_teacher_keeps_a_free_time_free_and_frees_it_again(cast, spring, booked, login):
    slot = _slot(spring, cast.teacher, 16, 0)
    client = login(cast.teacher)
    response = client.post(_url("block", spring), {"slot": [slot.pk], "keep": "blocked"})
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.blocked
    client.post(_url("block", spring), {"slot": [slot.pk], "keep": "free"})
    slot.refresh_from_db()
    assert not slot.blocked


def test_a_booked_time_is_never_kept_free(cast, spring, booked, login):
    samira = booked[0]
    response = login(cast.teacher).post(
        _url("block", spring), {"slot": [samira.slot_id], "keep": "blocked"}, follow=True
    )
    assert "Booked by a parent, so not kept free: 15:30" in response.content.decode()
    assert not Slot.objects.get(pk=samira.slot_id).blocked


def test_a_teacher_cannot_keep_someone_elses_time_free(cast, spring, login):
    theirs = _slot(spring, spring.p5_teacher, 16, 0)
    login(cast.teacher).post(_url("block", spring), {"slot": [theirs.pk], "keep": "blocked"})
    theirs.refresh_from_db()
    assert not theirs.blocked


def test_the_whole_evening_for_those_who_run_it(cast, spring, booked, login):
    client = login(cast.headteacher)
    page = client.get(_url("whole", spring)).content.decode()
    assert "Samira Khan" in page and "Euan Rowan" in page
    assert "3 booked" in page
    only = client.get(_url("whole", spring, staff=spring.p5_teacher.pk)).content.decode()
    assert "Euan Rowan" in only and "Samira Khan" not in only
    later = client.get(_url("whole", spring, sitting=spring.later.pk)).content.decode()
    assert "Euan Rowan" in later and "Samira Khan" not in later
    assert login(cast.teacher).get(_url("whole", spring)).status_code == 403


def test_did_not_come_is_one_post(cast, spring, booked, login, time_machine):
    samira = booked[0]
    time_machine.move_to(at(EVENING_DAY, 15, 35), tick=False)
    url = reverse("evenings:booking-outcome", args=[samira.pk])
    response = login(cast.teacher).post(url, {"outcome": "missed"})
    assert response.status_code == 302
    samira.refresh_from_db()
    assert samira.outcome == Booking.Outcome.MISSED and samira.outcome_by == cast.teacher


def test_came_with_htmx_swaps_only_the_row(cast, spring, booked, login, time_machine):
    samira = booked[0]
    time_machine.move_to(at(EVENING_DAY, 15, 35), tick=False)
    response = login(cast.teacher).post(
        reverse("evenings:booking-outcome", args=[samira.pk]),
        {"outcome": "attended"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.strip().startswith(f'<tr id="slot-{samira.slot_id}"')
    assert "Recorded: <strong>Came</strong>" in page


def test_the_outcome_waits_for_the_appointment_to_start(cast, spring, booked, login):
    samira = booked[0]
    response = login(cast.teacher).post(
        reverse("evenings:booking-outcome", args=[samira.pk]), {"outcome": "missed"}, follow=True
    )
    assert "once the appointment starts" in response.content.decode()
    samira.refresh_from_db()
    assert samira.outcome == ""


def test_a_teacher_cannot_record_someone_elses_appointment(cast, spring, booked, login):
    euan = booked[2]
    url = reverse("evenings:booking-outcome", args=[euan.pk])
    assert login(cast.teacher).post(url, {"outcome": "missed"}).status_code == 403
    assert login(cast.outsider).post(url, {"outcome": "missed"}).status_code == 404
    euan.refresh_from_db()
    assert euan.outcome == ""


def test_log_as_a_contact_after_the_appointment_makes_one_contact(
    cast, spring, booked, login, time_machine
):
    samira = booked[0]
    url = reverse("evenings:booking-contact", args=[samira.pk])
    client = login(cast.teacher)
    early = client.post(url, follow=True)
    assert "has not started yet" in early.content.decode()
    assert not Contact.objects.filter(family=spring.khans.family).exists()
    time_machine.move_to(at(EVENING_DAY, 20), tick=False)
    client = login(cast.teacher)  # a new day, a new sign-in
    assert client.post(url).status_code == 302
    client.post(url)
    assert Contact.objects.filter(family=spring.khans.family).count() == 1
    samira.refresh_from_db()
    assert samira.contact_id and samira.outcome == Booking.Outcome.ATTENDED
    page = client.get(_url("timetable", spring)).content.decode()
    assert "Logged as a contact" in page
    assert reverse("families:family-detail", args=[spring.khans.family_id]) in page


def test_the_timetable_stays_within_its_query_budget(
    cast, spring, booked, login, django_assert_max_num_queries
):
    client = login(cast.headteacher)
    with django_assert_max_num_queries(13):
        response = client.get(_url("timetable", spring, staff=cast.teacher.pk))
    assert response.status_code == 200


def test_the_whole_evening_stays_within_its_query_budget(
    cast, spring, booked, login, django_assert_max_num_queries
):
    client = login(cast.headteacher)
    with django_assert_max_num_queries(15):
        response = client.get(_url("whole", spring))
    assert response.status_code == 200
