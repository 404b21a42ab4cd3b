"""The headteacher's pages to set up a parents' evening: the list, the event, its sittings, the
staff taking part, the event page's counts and warnings, and sending the invitations."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AccessLog
from evenings import services
from evenings.models import Evening, Sitting, Slot, Taking
from families.models import DateToAvoid
from portal.models import CalendarEntry
from reaching_out.models import Kind, Message, MessageTemplate
from tests import factories
from tests.evenings.conftest import EVENING_DAY

pytestmark = pytest.mark.django_db


def _notices(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _evening_data(**changes):
    data = {
        "name": "Autumn parents' evening",
        "about": "A chance to hear how your child is getting on.",
        "slot_minutes": "10",
        "gap_minutes": "0",
        "opens_at": "2026-11-19T18:00",
        "changes_until": "2026-11-30T18:00",
        "year_groups": ["P3"],
    }
    data.update(changes)
    return data


def _invite_template():
    row, _ = MessageTemplate.objects.update_or_create(
        school=None,
        kind=Kind.EVENING_INVITE,
        language="en-gb",
        defaults={
            "subject": "{evening_name}",
            "body": "Dear {parent_name},\n\nYou are invited to {evening_name} about {child_name}: "
            "{evening_when}. Book by {book_by} here: {link}\n\n{school_name}",
            "text": "{school_name}: {evening_name}, {evening_when}. Book by {book_by}: {link}",
        },
    )
    row.full_clean()
    return row


# Setting up through the pages ----------------------------------------------------------


def test_headteacher_sets_up_an_evening_with_two_sittings_and_staff(cast, login, school_day):
    p3 = factories.ClassGroupFactory(school=cast.school, name="P3 Oak", year_group="P3")
    client = login(cast.headteacher)
    assert client.get(reverse("evenings:add")).status_code == 200

    response = client.post(
        reverse("evenings:add"), _evening_data(classes=[p3.pk], office=[cast.pastoral.pk])
    )
    evening = Evening.objects.get(school=cast.school)
    assert response.url == reverse("evenings:detail", args=[evening.pk])
    assert evening.created_by == cast.headteacher
    assert evening.year_groups == ["P3"]
    assert list(evening.classes.all()) == [p3]
    assert list(evening.office.all()) == [cast.pastoral]

    add = reverse("evenings:sitting-add", args=[evening.pk])
    assert client.get(add).status_code == 200
    client.post(
        add,
        {
            "date": "2026-11-24",
            "start_time": "15:30",
            "end_time": "17:30",
            "in_person": "on",
            "phone": "on",
            "place": "Main hall",
            "breaks": "16:30–16:40",
        },
    )
    client.post(
        add,
        {"date": "2026-11-25", "start_time": "18:00", "end_time": "19:00", "video": "on"},
    )
    sittings = list(evening.sittings.all())
    assert len(sittings) == 2
    assert [(b.starts_at.hour, b.starts_at.minute) for b in sittings[0].breaks.all()] == [(16, 30)]

    staff_url = reverse("evenings:staff", args=[evening.pk])
    assert client.get(staff_url).status_code == 200
    t, h = cast.teacher.pk, cast.headteacher.pk
    response = client.post(
        staff_url,
        {
            f"s{t}_takes_part": "on",
            f"s{t}_room": "Room 4",
            f"s{h}_takes_part": "on",
            f"s{h}_for_everyone": "on",
            f"s{h}_video_link": "https://meet.example.org/head",
        },
    )
    assert response.status_code == 302
    takings = {tk.staff_id: tk for tk in Taking.objects.filter(evening=evening)}
    assert set(takings) == {t, h}
    assert takings[t].room == "Room 4" and not takings[t].for_everyone
    assert takings[h].for_everyone and takings[h].video_link == "https://meet.example.org/head"
    # 15:30–17:30 in tens less the break (11), 18:00–19:00 (6), for each of the two.
    assert Slot.objects.filter(evening=evening).count() == (11 + 6) * 2

    page = client.get(reverse("evenings:detail", args=[evening.pk]))
    assert page.status_code == 200
    assert "Break: 16:30–16:40" in page.content.decode()
    assert page.context["counts"]["slots"] == 34


def test_changing_the_evening_keeps_its_choices_and_remakes_the_times(cast, login, spring):
    client = login(cast.headteacher)
    url = reverse("evenings:edit", args=[spring.evening.pk])
    form = client.get(url).context["form"]
    assert form.initial["year_groups"] == ["P3", "P5"]
    before = Slot.objects.filter(evening=spring.evening).count()
    response = client.post(
        url,
        _evening_data(
            name="Spring evening",
            slot_minutes="15",
            opens_at="2026-11-17T18:00",
            changes_until="2026-11-23T18:00",
            year_groups=["P3", "P5"],
        ),
    )
    assert response.status_code == 302
    spring.evening.refresh_from_db()
    assert spring.evening.name == "Spring evening"
    assert Slot.objects.filter(evening=spring.evening).count() < before


def test_evening_form_says_what_is_wrong_beside_the_field(cast, login, school_day):
    factories.ClassGroupFactory(school=cast.school, name="P3 Oak", year_group="P3")
    client = login(cast.headteacher)
    response = client.post(
        reverse("evenings:add"),
        _evening_data(changes_until="2026-11-18T18:00", slot_minutes="90", year_groups=[]),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["changes_until"] == ["The last moment to book must be after booking opens."]
    assert errors["slot_minutes"] == ["Choose between 3 and 60 minutes."]
    assert errors["year_groups"] == ["Choose at least one year group or class to invite."]
    assert not Evening.objects.exists()


def test_sitting_form_refuses_an_end_before_the_start_and_a_break_outside(cast, login, spring):
    client = login(cast.headteacher)
    url = reverse("evenings:sitting-add", args=[spring.evening.pk])
    response = client.post(
        url, {"date": "2026-11-26", "start_time": "18:00", "end_time": "17:00", "phone": "on"}
    )
    assert response.context["form"].errors["end_time"] == ["The sitting must end after it starts."]
    response = client.post(
        url,
        {
            "date": "2026-11-26",
            "start_time": "15:30",
            "end_time": "17:00",
            "phone": "on",
            "breaks": "17:30-17:45",
        },
    )
    assert "outside the sitting" in response.context["form"].errors["breaks"][0]
    response = client.post(
        url, {"date": "2026-11-26", "start_time": "15:30", "end_time": "17:00", "breaks": "tea"}
    )
    errors = response.context["form"].errors
    assert "Write it as 17:00–17:15" in errors["breaks"][0]
    assert errors["in_person"] == ["Offer at least one way to meet: in person, phone or video."]
    assert spring.evening.sittings.count() == 2


def test_a_sitting_on_a_holiday_is_added_with_a_warning(cast, login, spring):
    CalendarEntry.objects.create(
        school=cast.school,
        kind=CalendarEntry.Kind.HOLIDAY,
        name="St Andrew's Day",
        starts_on=dt.date(2026, 11, 30),
        ends_on=dt.date(2026, 11, 30),
    )
    client = login(cast.headteacher)
    response = client.post(
        reverse("evenings:sitting-add", args=[spring.evening.pk]),
        {"date": "2026-11-30", "start_time": "15:30", "end_time": "16:30", "phone": "on"},
        follow=True,
    )
    assert spring.evening.sittings.count() == 3
    page = response.content.decode()
    assert "is in the school&#x27;s calendar as holiday (St Andrew&#x27;s Day)" in page
    assert "Warning:</strong> this day is in the school's calendar as holiday" in page


def test_event_page_counts_invited_parents_who_asked_to_avoid_the_day(cast, login, spring):
    DateToAvoid.objects.create(
        parent=spring.mum, starts_on=EVENING_DAY, ends_on=EVENING_DAY, words="Hospital visit"
    )
    DateToAvoid.objects.create(
        parent=spring.samira, starts_on=EVENING_DAY, ends_on=EVENING_DAY + dt.timedelta(days=2)
    )
    client = login(cast.headteacher)
    page = client.get(reverse("evenings:detail", args=[spring.evening.pk])).content.decode()
    assert page.count("2 invited parents or carers have asked the school to avoid this day") == 2
    assert "Hospital visit" not in page
    assert "holiday" not in page


def test_removing_a_sitting_with_bookings_is_refused_in_words(cast, login, spring):
    slot = Slot.objects.filter(sitting=spring.after_school, staff=cast.teacher).first()
    services.booking_make(
        evening=spring.evening,
        slot=slot,
        parent=spring.mum,
        children=[spring.isla],
        by=cast.headteacher,
        confirm=False,
    )
    client = login(cast.headteacher)
    response = client.post(
        reverse("evenings:sitting-remove", args=[spring.after_school.pk]), follow=True
    )
    assert "Parents have booked in this sitting." in response.content.decode()
    assert Sitting.objects.filter(pk=spring.after_school.pk).exists()
    response = client.post(reverse("evenings:sitting-remove", args=[spring.later.pk]))
    assert not Sitting.objects.filter(pk=spring.later.pk).exists()
    assert any("taken away" in words for words in _notices(response))


# Inviting ------------------------------------------------------------------------------


def test_invite_preview_then_sending_queues_the_invitations(cast, login, spring):
    _invite_template()
    client = login(cast.headteacher)
    url = reverse("evenings:invite", args=[spring.evening.pk])
    preview = client.get(url)
    assert preview.status_code == 200
    assert preview.context["invited"] == 4  # Ailsa, Euan, Samira, Niamh
    page = preview.content.decode()
    assert "Sean Byrne" in page and "Court order" in page
    assert not Message.objects.filter(kind=Kind.EVENING_INVITE).exists()

    response = client.post(url)
    assert response.url == reverse("evenings:detail", args=[spring.evening.pk])
    sent = Message.objects.filter(kind=Kind.EVENING_INVITE, topic=f"evening:{spring.evening.pk}")
    assert {m.parent_id for m in sent} == {
        spring.mum.pk,
        spring.dad.pk,
        spring.samira.pk,
        spring.niamh.pk,
    }
    words = _notices(response)
    assert f"{sent.count()} invitations queued in the outbox." in words
    assert any("Not sent to: Sean Byrne" in w for w in words)
    assert AccessLog.objects.filter(action="send", user=cast.headteacher).count() == sent.count()
    spring.evening.refresh_from_db()
    assert spring.evening.invitations_sent_at is not None

    # Sending again sends nobody a second one.
    client.post(url)
    assert Message.objects.filter(kind=Kind.EVENING_INVITE).count() == sent.count()


def test_inviting_without_english_words_says_so(cast, login, spring):
    MessageTemplate.objects.filter(kind=Kind.EVENING_INVITE).delete()
    client = login(cast.headteacher)
    response = client.post(reverse("evenings:invite", args=[spring.evening.pk]), follow=True)
    assert "no English words yet" in response.content.decode()
    assert not Message.objects.filter(kind=Kind.EVENING_INVITE).exists()


# Who may open what ---------------------------------------------------------------------


def _setup_urls(spring):
    pk = spring.evening.pk
    return [
        reverse("evenings:edit", args=[pk]),
        reverse("evenings:sitting-add", args=[pk]),
        reverse("evenings:staff", args=[pk]),
        reverse("evenings:invite", args=[pk]),
    ]


def test_teacher_and_pastoral_get_403_on_the_setup_pages(cast, login, spring):
    for user in (cast.teacher, cast.pastoral, cast.authority_officer):
        client = login(user)
        assert client.get(reverse("evenings:add")).status_code == 403
        for url in _setup_urls(spring):
            assert client.get(url).status_code == 403, (user, url)
            assert client.post(url).status_code == 403, (user, url)
        remove = reverse("evenings:sitting-remove", args=[spring.later.pk])
        assert client.post(remove).status_code == 403
    assert spring.evening.sittings.count() == 2


def test_outsiders_get_404(cast, login, spring):
    for user in (cast.outsider_headteacher, cast.outsider_teacher):
        client = login(user)
        for url in [*_setup_urls(spring), reverse("evenings:detail", args=[spring.evening.pk])]:
            assert client.get(url).status_code == 404, (user, url)
        remove = reverse("evenings:sitting-remove", args=[spring.later.pk])
        assert client.post(remove).status_code == 404


def test_anonymous_users_go_to_sign_in(client, spring):
    for url in [reverse("evenings:list"), reverse("evenings:add"), *_setup_urls(spring)]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response.url


def test_wrong_method_gets_405(cast, login, spring):
    client = login(cast.headteacher)
    assert client.get(reverse("evenings:sitting-remove", args=[spring.later.pk])).status_code == 405
    assert client.put(reverse("evenings:add")).status_code == 405
    assert client.post(reverse("evenings:list")).status_code == 405
    assert client.post(reverse("evenings:detail", args=[spring.evening.pk])).status_code == 405


def test_event_page_query_count_holds_with_many_sittings_and_staff(
    cast, login, spring, django_assert_max_num_queries
):
    services.sitting_add(
        evening=spring.evening,
        sitting=Sitting(
            starts_at=spring.later.starts_at + dt.timedelta(days=1),
            ends_at=spring.later.ends_at + dt.timedelta(days=1),
        ),
        breaks=[
            (
                spring.later.starts_at + dt.timedelta(days=1, minutes=20),
                spring.later.starts_at + dt.timedelta(days=1, minutes=30),
            )
        ],
    )
    DateToAvoid.objects.create(parent=spring.dad, starts_on=EVENING_DAY, ends_on=EVENING_DAY)
    client = login(cast.headteacher)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("evenings:detail", args=[spring.evening.pk]))
    assert response.context["sittings"][2].breaks.all()[0].starts_at.minute == 20


def test_event_page_for_those_taking_part_and_those_who_run_it(cast, login, spring):
    url = reverse("evenings:detail", args=[spring.evening.pk])
    for user in (cast.headteacher, cast.pastoral, cast.teacher, spring.p5_teacher):
        assert login(user).get(url).status_code == 200, user
    teacher_page = login(cast.teacher).get(url).content.decode()
    assert "Your timetable" in teacher_page
    assert "Send the invitations" not in teacher_page
    assert "Book for a parent who phones" not in teacher_page
    # A member of staff neither running nor taking part: the list names the evening, so 403.
    other = factories.UserFactory(username="other_teacher")
    factories.MembershipFactory(user=other, school=cast.school, role="staff")
    assert login(other).get(url).status_code == 403
    assert login(cast.authority_officer).get(url).status_code == 403


def test_an_office_member_named_on_the_evening_runs_it(cast, login, spring):
    office = factories.UserFactory(username="office")
    factories.MembershipFactory(user=office, school=cast.school, role="staff")
    spring.evening.office.add(office)
    page = login(office).get(reverse("evenings:detail", args=[spring.evening.pk]))
    assert page.status_code == 200
    assert "Book for a parent who phones" in page.content.decode()


# The list ------------------------------------------------------------------------------


def test_list_shows_upcoming_first_with_links_and_a_steady_query_count(
    cast, login, spring, django_assert_max_num_queries
):
    held = services.evening_save(
        evening=Evening(
            school=cast.school,
            name="Summer parents' evening",
            opens_at=spring.evening.opens_at - dt.timedelta(days=200),
            changes_until=spring.evening.changes_until - dt.timedelta(days=200),
            year_groups=["P3"],
        ),
        by=cast.headteacher,
    )
    services.sitting_add(
        evening=held,
        sitting=Sitting(
            starts_at=spring.after_school.starts_at - dt.timedelta(days=200),
            ends_at=spring.after_school.ends_at - dt.timedelta(days=200),
        ),
    )
    services.taking_set(evening=held, staff=[cast.teacher])
    client = login(cast.teacher)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("evenings:list"))
    page = response.content.decode()
    assert page.index("Spring parents") < page.index("Summer parents")
    assert "Your timetable" in page
    assert page.count("Your timetable") == 1  # the evening held has no timetable link
    assert "Set up a parents' evening" not in page
    assert (
        "Set up a parents' evening"
        in login(cast.headteacher).get(reverse("evenings:list")).content.decode()
    )


def test_list_empty_state_and_authority_officer_refused(cast, login, school_day):
    page = login(cast.teacher).get(reverse("evenings:list")).content.decode()
    assert "There are no parents' evenings yet." in page
    assert login(cast.authority_officer).get(reverse("evenings:list")).status_code == 403
