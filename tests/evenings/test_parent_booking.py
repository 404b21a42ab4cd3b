"""The parent's booking pages behind their own link (issue 20, point 3): their own children and
the staff each may see, booking with a clear confirmation and a calendar file, a time just taken
said in words (409) with nothing lost, siblings one after another, cancelling and changing, the
cut-off, and nothing of another parent's."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AccessLog
from evenings import services
from evenings.models import Booking, Evening, Slot
from families.models import ChildParent
from portal.lib.words import staff_name
from tests.evenings.conftest import EVENING_DAY, at, evening_link, link_path, pass_check
from tests.robustness.hostile import SCRIPT


def _slot(spring, staff, hour, minute):
    return Slot.objects.get(
        evening=spring.evening, staff=staff, starts_at=at(EVENING_DAY, hour, minute)
    )


def _open(client, cast, parent, spring):
    """(token, the link's page) for a parent who has passed the second check on this client."""
    made = evening_link(cast, parent, spring)
    page = pass_check(client, made.url)
    return link_path(made.url).strip("/").split("/")[1], page


def _choose(token, spring, **query):
    url = reverse("evenings:parent-evening", args=[token, spring.evening.pk])
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def _book_url(token, spring):
    return reverse("evenings:parent-book", args=[token, spring.evening.pk])


def _form(slot, child, staff, /, **more):
    return {
        "slot": slot.pk,
        "staff": staff.pk,
        "child": child.pk,
        "children": [child.pk],
        "way": "in_person",
        **more,
    }


def _make(spring, parent, slot, children):
    return services.booking_make(
        evening=spring.evening, slot=slot, parent=parent, children=children, confirm=False
    )


def test_a_parent_sees_only_their_own_children_and_whom_each_may_see(cast, spring, client):
    _token, page = _open(client, cast, spring.mum, spring)
    assert page.status_code == 200
    text = page.text
    assert "Spring parents&#x27;evening" in text or "Spring parents&#x27; evening" in text
    finn, isla = text.split("Who you can see about Finn")[1].split("Who you can see about Isla")
    assert staff_name(cast.teacher) in isla and staff_name(spring.p5_teacher) not in isla
    assert staff_name(spring.p5_teacher) in finn and staff_name(cast.teacher) not in finn
    assert staff_name(cast.headteacher) in isla and staff_name(cast.headteacher) in finn
    for other in ("Amir", "Kai", "Samira", "Euan", "euan@example.org", "Dad&#x27;s house"):
        assert other not in text
    samira = _open(client, cast, spring.samira, spring)[1].text
    assert "Amir" in samira and "Isla" not in samira and staff_name(spring.p5_teacher) not in samira


def test_a_parent_books_a_time_and_sees_the_confirmation(cast, spring, client):
    token, _page = _open(client, cast, spring.mum, spring)
    choose = client.get(_choose(token, spring, staff=cast.teacher.pk, child=spring.isla.pk))
    assert choose.status_code == 200 and "15:30" in choose.text
    slot = _slot(spring, cast.teacher, 15, 30)
    done = client.post(_book_url(token, spring), _form(slot, spring.isla, cast.teacher))
    assert done.status_code == 303
    booking = Booking.objects.get(cancelled_at=None)
    assert booking.parent == spring.mum and booking.slot == slot and booking.booked_by is None
    assert booking.booked_through.parent == spring.mum
    page = client.get(done["Location"])
    assert (
        f"Booked: Tuesday 24 November, 15:30 with {staff_name(cast.teacher)}, in Room 4."
        in page.text
    )
    assert reverse("evenings:parent-ics", args=[token, spring.evening.pk]) in page.text
    assert "Add to your calendar" in page.text and "Cancel this time" in page.text
    logged = AccessLog.objects.filter(object_id=booking.pk, content_type__model="booking")
    assert logged.get().username.endswith("(through their link)")


def test_the_calendar_file_downloads_with_the_appointment(cast, spring, client):
    token, _page = _open(client, cast, spring.mum, spring)
    _make(spring, spring.mum, _slot(spring, spring.p5_teacher, 18, 0), [spring.finn])
    _make(spring, spring.samira, _slot(spring, cast.teacher, 15, 30), [spring.amir])
    url = reverse("evenings:parent-ics", args=[token, spring.evening.pk])
    got = client.get(url)
    assert got.status_code == 200 and got["Content-Type"].startswith("text/calendar")
    body = got.content.decode()
    assert body.count("BEGIN:VEVENT") == 1 and "Finn" in body and "Amir" not in body
    assert staff_name(spring.p5_teacher) in body
    assert client.post(url).status_code == 405


def test_a_second_parent_trying_the_same_time_gets_words_and_no_second_booking(
    cast, spring, client
):
    slot = _slot(spring, cast.teacher, 15, 30)
    token, _page = _open(client, cast, spring.mum, spring)
    _make(spring, spring.samira, slot, [spring.amir])
    data = _form(slot, spring.isla, cast.teacher, note="Isla is shy with new people")
    got = client.post(_book_url(token, spring), data)
    assert got.status_code == 409
    assert "Someone has just booked that time" in got.text
    assert got.text.index("Someone has just booked") < got.text.index("Pick a time")
    assert "The nearest free times" in got.text and "15:40" in got.text
    assert "Isla is shy with new people" in got.text  # nothing they typed is lost
    assert Booking.objects.filter(slot=slot, cancelled_at=None).get().parent == spring.samira
    assert "Samira" not in got.text and "Amir" not in got.text


def test_a_parent_cannot_book_two_things_at_once(cast, spring, client):
    token, _page = _open(client, cast, spring.mum, spring)
    _make(spring, spring.mum, _slot(spring, cast.teacher, 15, 30), [spring.isla])
    other = _slot(spring, spring.p5_teacher, 15, 30)
    got = client.post(_book_url(token, spring), _form(other, spring.finn, spring.p5_teacher))
    assert got.status_code == 409 and "You already have an appointment at that time" in got.text
    assert Booking.objects.filter(parent=spring.mum, cancelled_at=None).count() == 1


def test_times_next_to_a_brother_or_sisters_are_offered_first(cast, spring, client):
    token, _page = _open(client, cast, spring.mum, spring)
    _make(spring, spring.mum, _slot(spring, cast.teacher, 16, 0), [spring.isla])
    page = client.get(_choose(token, spring, staff=spring.p5_teacher.pk, child=spring.finn.pk))
    text = page.text
    first = text.split('name="slot" value="')[1].split('"')[0]
    second = text.split('name="slot" value="')[2].split('"')[0]
    near = {
        _slot(spring, spring.p5_teacher, 15, 50).pk,
        _slot(spring, spring.p5_teacher, 16, 10).pk,
    }
    assert {int(first), int(second)} == near
    assert text.index("Next to your other times") < text.index("15:30")
    # The time they already have is not offered with anyone else.
    assert f'name="slot" value="{_slot(spring, spring.p5_teacher, 16, 0).pk}"' not in text


def test_cancelling_frees_the_time(cast, spring, client):
    token, _page = _open(client, cast, spring.mum, spring)
    slot = _slot(spring, cast.teacher, 15, 30)
    booking = _make(spring, spring.mum, slot, [spring.isla])
    url = reverse("evenings:parent-cancel", args=[token, booking.pk])
    assert client.get(url).status_code == 405
    got = client.post(url)
    assert got.status_code == 303
    assert "Cancelled: Tuesday 24 November, 15:30" in client.get(got["Location"]).text
    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    assert slot in services.free_slots(spring.evening, [cast.teacher.pk])
    assert AccessLog.objects.filter(object_id=booking.pk, content_type__model="booking").exists()


def test_a_parent_changes_the_time_and_keeps_the_rest(cast, spring, client):
    token, _page = _open(client, cast, spring.mum, spring)
    old = services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, cast.teacher, 15, 30),
        parent=spring.mum,
        children=[spring.isla],
        note="About reading",
        confirm=False,
    )
    page = client.get(_choose(token, spring, move=old.pk))
    assert page.status_code == 200 and "Change the time" in page.text
    new_slot = _slot(spring, cast.teacher, 16, 30)
    got = client.post(
        _book_url(token, spring), {"slot": new_slot.pk, "move": old.pk, "staff": 0, "child": 0}
    )
    assert got.status_code == 303
    live = Booking.objects.get(parent=spring.mum, cancelled_at=None)
    assert live.slot == new_slot and live.note == "About reading"


def test_the_other_parent_may_come_too_unless_a_restriction_stands(cast, spring, client):
    token, _page = _open(client, cast, spring.mum, spring)
    page = client.get(_choose(token, spring, staff=cast.teacher.pk, child=spring.isla.pk))
    assert "Me and Euan" in page.text and "Rowan" not in page.text.split("Who is coming?")[1]
    slot = _slot(spring, cast.teacher, 15, 30)
    data = _form(slot, spring.isla, cast.teacher, together=spring.dad.pk)
    assert client.post(_book_url(token, spring), data).status_code == 303
    assert Booking.objects.get(cancelled_at=None).together_with == spring.dad
    niamh_token, _page = _open(client, cast, spring.niamh, spring)
    page = client.get(_choose(niamh_token, spring, staff=cast.teacher.pk, child=spring.kai.pk))
    assert page.status_code == 200 and "Sean" not in page.text and "Who is coming?" not in page.text


def test_after_the_cut_off_they_see_their_times_but_cannot_book_or_cancel(
    cast, spring, client, time_machine
):
    cast.school.phone = "0131 496 0000"
    cast.school.save()
    booking = _make(spring, spring.mum, _slot(spring, cast.teacher, 15, 30), [spring.isla])
    time_machine.move_to(spring.evening.changes_until + dt.timedelta(minutes=1), tick=False)
    token, _page = _open(client, cast, spring.mum, spring)
    page = client.get(f"/p/{token}/")
    assert "15:30" in page.text and "please phone the school on 0131 496 0000" in page.text
    assert "Cancel this time" not in page.text and "Choose a time" not in page.text
    slot = _slot(spring, spring.p5_teacher, 16, 0)
    got = client.post(_book_url(token, spring), _form(slot, spring.finn, spring.p5_teacher))
    assert got.status_code == 409 and "Booking for this evening has closed" in got.text
    cancel = client.post(reverse("evenings:parent-cancel", args=[token, booking.pk]))
    assert cancel.status_code == 409 and "15:30" in cancel.text
    assert Booking.objects.filter(parent=spring.mum, cancelled_at=None).count() == 1


def test_before_booking_opens_the_page_says_when(cast, spring, client, time_machine):
    time_machine.move_to(spring.evening.opens_at - dt.timedelta(hours=1), tick=False)
    _token, page = _open(client, cast, spring.mum, spring)
    assert "You can book from Tuesday 17 November at 18:00." in page.text
    assert "Choose a time" not in page.text


def test_a_restricted_parents_link_is_refused(cast, spring, client):
    with pytest.raises(ValidationError):
        evening_link(cast, spring.sean, spring)
    made = evening_link(cast, spring.dad, spring)
    pass_check(client, made.url)
    ChildParent.objects.filter(parent=spring.dad, child=spring.finn).update(
        restriction="Court order."
    )
    token = link_path(made.url).strip("/").split("/")[1]
    for url in (
        f"/p/{token}/",
        _choose(token, spring, staff=cast.teacher.pk, child=spring.isla.pk),
    ):
        got = client.get(url)
        assert got.status_code == 404 and "This link does not work" in got.text
        assert "Isla" not in got.text


def test_an_evening_they_are_not_invited_to_is_refused(cast, spring, client):
    token, _page = _open(client, cast, spring.mum, spring)
    other = services.evening_save(
        evening=Evening(
            school=cast.school,
            name="P7 transition evening",
            opens_at=spring.evening.opens_at,
            changes_until=spring.evening.changes_until,
        ),
        by=cast.headteacher,
    )
    for url in (
        reverse("evenings:parent-evening", args=[token, other.pk]) + "?staff=1&child=1",
        reverse("evenings:parent-ics", args=[token, other.pk]),
    ):
        got = client.get(url)
        assert got.status_code == 404 and "This link does not work" in got.text
    assert "P7 transition" not in client.get(f"/p/{token}/").text


def test_another_parents_booking_is_a_404(cast, spring, client):
    token, _page = _open(client, cast, spring.mum, spring)
    theirs = _make(spring, spring.samira, _slot(spring, cast.teacher, 15, 30), [spring.amir])
    got = client.post(reverse("evenings:parent-cancel", args=[token, theirs.pk]))
    assert got.status_code == 404 and "Amir" not in got.text
    assert client.get(_choose(token, spring, move=theirs.pk)).status_code == 404
    moved = client.post(
        _book_url(token, spring),
        {"slot": _slot(spring, cast.teacher, 16, 0).pk, "move": theirs.pk},
    )
    assert moved.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_live and theirs.slot.starts_at == at(EVENING_DAY, 15, 30)


def test_the_pages_ask_the_second_check_first(cast, spring, client):
    made = evening_link(cast, spring.mum, spring)
    token = link_path(made.url).strip("/").split("/")[1]
    got = client.get(_choose(token, spring, staff=cast.teacher.pk, child=spring.isla.pk))
    assert got.status_code == 302 and got["Location"] == f"/p/{token}/"
    slot = _slot(spring, cast.teacher, 15, 30)
    client.post(_book_url(token, spring), _form(slot, spring.isla, cast.teacher))
    assert not Booking.objects.exists()
    assert client.get(_book_url(token, spring)).status_code in (302, 405)


@pytest.mark.parametrize("field", ["interpreter", "supporter", "note"])
def test_hostile_text_in_the_free_fields_is_kept_escaped(cast, spring, client, field):
    token, _page = _open(client, cast, spring.mum, spring)
    slot = _slot(spring, cast.teacher, 15, 30)
    for value in (f"Robin\x00{SCRIPT}", "y" * 30000, "{{ 7*7 }}{% debug %}"):
        got = client.post(
            _book_url(token, spring), _form(slot, spring.isla, cast.teacher, **{field: value})
        )
        assert got.status_code == 400 or "{{ 7*7 }}" in value
        assert SCRIPT not in got.text
    later = _slot(spring, cast.teacher, 16, 30)
    got = client.post(
        _book_url(token, spring), _form(later, spring.isla, cast.teacher, **{field: SCRIPT})
    )
    assert got.status_code == 303
    page = client.get(got["Location"])
    assert SCRIPT not in page.text and "&lt;script&gt;" in page.text


def test_hostile_ids_and_choices_are_never_a_500(cast, spring, client):
    token, _page = _open(client, cast, spring.mum, spring)
    slot = _slot(spring, cast.teacher, 15, 30)
    for bad in ("99999999999999999999", "-1", "x", SCRIPT):
        for key in ("slot", "children", "way", "together", "staff", "child"):
            got = client.post(
                _book_url(token, spring), _form(slot, spring.isla, cast.teacher, **{key: bad})
            )
            assert got.status_code in (303, 400, 409), (key, bad)
            assert SCRIPT not in got.text
            Booking.objects.all().delete()
        got = client.get(_choose(token, spring, staff=bad, child=bad))
        assert got.status_code in (200, 303)


def test_the_pages_are_drawn_in_polish_for_a_parent_who_chose_it(cast, spring, client):
    spring.mum.language = "polski"
    spring.mum.save()
    token, page = _open(client, cast, spring.mum, spring)
    assert page["Content-Language"] == "pl" and 'lang="pl"' in page.text
    choose = client.get(_choose(token, spring, staff=cast.teacher.pk, child=spring.isla.pk))
    assert choose["Content-Language"] == "pl" and "wtorek" in choose.text.lower()


def test_the_choose_page_is_small_and_its_queries_do_not_grow(
    cast, spring, client, django_assert_max_num_queries
):
    token, _page = _open(client, cast, spring.mum, spring)
    _make(spring, spring.mum, _slot(spring, cast.teacher, 15, 30), [spring.isla])
    _make(spring, spring.mum, _slot(spring, cast.headteacher, 15, 50), [spring.isla, spring.finn])
    _make(spring, spring.mum, _slot(spring, spring.p5_teacher, 18, 0), [spring.finn])
    url = _choose(token, spring, staff=spring.p5_teacher.pk, child=spring.finn.pk)
    with django_assert_max_num_queries(16):
        page = client.get(url)
    assert page.status_code == 200 and page.text.count("Cancel this time") == 0
    assert len(page.content) < 30_000
    with django_assert_max_num_queries(22):  # 12 are the link's own (check, count, log)
        page = client.get(f"/p/{token}/")
    assert page.text.count("Cancel this time") == 3 and len(page.content) < 30_000


def test_a_link_for_another_purpose_opens_no_evening_page(cast, spring, client):
    """A compass link asks no second check: it must open nothing of an evening."""
    from family_voice import services as link_services

    booking = _make(spring, spring.mum, _slot(spring, cast.teacher, 15, 30), [spring.isla])
    made = link_services.link_create(
        school=cast.school, parent=spring.mum, purpose="compass", created_by=cast.headteacher
    )
    token = link_path(made.url).strip("/").split("/")[1]
    evening = spring.evening.pk
    assert client.get(reverse("evenings:parent-evening", args=[token, evening])).status_code == 404
    ics = client.get(reverse("evenings:parent-ics", args=[token, evening]))
    assert ics.status_code == 404 and b"Isla" not in ics.content
    cancel = client.post(reverse("evenings:parent-cancel", args=[token, booking.pk]))
    assert cancel.status_code == 404
    booked = client.post(
        _book_url(token, spring),
        _form(_slot(spring, cast.teacher, 15, 40), spring.isla, cast.teacher),
    )
    assert booked.status_code in (303, 404)
    assert Booking.objects.filter(parent=spring.mum, cancelled_at=None).count() == 1
