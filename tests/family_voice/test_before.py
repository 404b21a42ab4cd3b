"""Before a meeting: the parent sees why, when, where, who and how long (never another parent),
gives their views in their own words, and staff see them on the meeting plan and in the
chronology marked as theirs; a request for another time is a task for the chair."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from family_voice import before
from family_voice.models import ParentViews, Purpose
from meetings.models import Meeting
from tests import factories
from tests.family_voice.conftest import link_path, make_link, pass_check

HOPES = "That Isla walks in happy, and we all know the plan."
TIMES = "after 3pm on weekdays"


def _views_link(cast, parent, meeting):
    return make_link(cast, parent, Purpose.VIEWS, meeting)


def _open(cast, parent, meeting):
    """(client, path, first page) for a parent who has passed the check on their own phone."""
    made = _views_link(cast, parent, meeting)
    phone = Client()
    page = pass_check(phone, made.url)
    return phone, link_path(made.url), page


def _give(phone, path, **answers):
    return phone.post(path, answers)


@pytest.fixture
def both(fam):
    """The Rowan family with both parents invited to the meeting (they live apart)."""
    school_family, mum, dad, meeting = fam
    factories.MeetingParentFactory(meeting=meeting, parent=dad)
    dad.phone = "07700 900123"
    dad.save()
    return school_family, mum, dad, meeting


def test_the_parent_sees_why_when_where_who_and_how_long_and_never_the_other_parent(cast, both):
    _sf, mum, dad, meeting = both
    cast.school.pastoral_lead = cast.pastoral
    cast.school.save()
    meeting.place_kind = Meeting.Place.SCHOOL_ROOM
    meeting.place_details = "The family room, by the front office"
    meeting.duration_minutes = 40
    meeting.child_attending = True
    meeting.interpreter_language = "Arabic"  # booked for the other parent
    meeting.save()
    dad.language = "Arabic"
    dad.save()
    meeting.staff.add(cast.teacher)
    factories.AgencyAttendeeFactory(
        meeting=meeting, name="Jo Hart", organisation="NHS Lothian", kind="health_visitor"
    )
    _phone, _path, page = _open(cast, mum, meeting)
    text = page.text
    assert page.status_code == 200
    assert meeting.purpose in text  # why, in the words the school chose for the family
    assert "small next steps" in text  # and the kind of meeting in plain words
    local = timezone.localtime(meeting.starts_at)
    assert f"{local:%A} {local.day} {local:%B %Y} at 3:30 p.m." in text  # when
    assert "The family room, by the front office" in text  # where
    assert "about 40 minutes" in text  # how long
    pastoral = cast.pastoral.get_full_name()
    assert f"{pastoral}, the school&#x27;s pastoral lead" in text  # who, with their role
    assert "They will lead the meeting." in text
    assert cast.teacher.get_full_name() in text
    assert "A health visitor from NHS Lothian" in text and "Jo Hart" not in text
    assert "Isla will come too." in text
    # Nothing of the other parent: not their name, number or e-mail address.
    assert "Euan" not in text and dad.email not in text and "900123" not in text
    assert "Arabic" not in text and "interpreter who speaks" not in text
    assert "<script" not in text.split("</head>", 1)[1]  # no script in the page itself


def test_details_holding_the_other_parents_number_are_held_back(cast, both):
    _sf, mum, _dad, meeting = both
    meeting.place_kind = Meeting.Place.COMMUNITY
    meeting.place_details = "Café on Main Street; call 07700 900123 if lost"
    meeting.save()
    _phone, _path, page = _open(cast, mum, meeting)
    assert "900123" not in page.text
    assert "We will tell you the details before the meeting." in page.text


def test_a_home_visit_never_gives_an_address(cast, both):
    _sf, mum, _dad, meeting = both
    meeting.place_kind = Meeting.Place.HOME
    meeting.place_details = "12 Dad's Road"
    meeting.save()
    _phone, _path, page = _open(cast, mum, meeting)
    assert "Dad" not in page.text
    assert "the address we agreed with you" in page.text


def test_saving_keeps_their_words_and_saving_again_changes_them(cast, fam):
    _sf, mum, _dad, meeting = fam
    phone, path, _page = _open(cast, mum, meeting)
    response = _give(
        phone,
        path,
        best_hopes=HOPES,
        going_well="She loves the gardening club.",
        time_suits="yes",
        interpreter="on",
        interpreter_language="Polish",
        take_part="phone",
    )
    assert response.status_code == 200
    assert "Thank you. We have your views. You can change them until the meeting." in response.text
    views = ParentViews.objects.get()
    assert (views.parent, views.meeting, views.best_hopes) == (mum, meeting, HOPES)
    assert views.interpreter and views.interpreter_language == "Polish"
    assert views.take_part == "phone" and views.time_suits == "yes"
    assert views.history.get().history_user is None  # the parent's own write, no staff member
    assert HOPES in response.text  # shown back
    # Again: the same record, changed, both versions in its history.
    _give(phone, path, best_hopes="Calmer mornings.", time_suits="yes")
    views = ParentViews.objects.get()
    assert views.best_hopes == "Calmer mornings." and not views.interpreter
    assert views.history.count() == 2
    assert phone.get(path).text.count("Calmer mornings.") >= 1


def test_the_parents_recorded_language_fills_in_the_interpreters(cast, fam):
    _sf, mum, _dad, meeting = fam
    mum.language = "Polish"
    mum.save()
    _phone, _path, page = _open(cast, mum, meeting)
    assert 'name="interpreter_language" value="Polish"' in page.text
    assert page["Content-Language"] == "pl"
    # The school's own words are not machine-translated: the page says so.
    assert f'<p lang="en">{meeting.purpose}</p>' in page.text


def test_a_rejected_answer_keeps_what_was_typed_and_saves_nothing(cast, fam):
    _sf, mum, _dad, meeting = fam
    phone, path, _page = _open(cast, mum, meeting)
    response = _give(phone, path, best_hopes=HOPES, time_suits="no", other_times="")
    assert "Please tell us which days or times would suit you" in response.text
    assert HOPES in response.text
    assert 'value="no" id="id_time_suits_1" checked' in response.text
    assert not ParentViews.objects.exists()
    too_long = _give(phone, path, best_hopes="x" * 1001)
    assert "Please keep this shorter" in too_long.text
    assert not ParentViews.objects.exists()


def test_an_empty_answer_gets_a_friendly_word(cast, fam):
    _sf, mum, _dad, meeting = fam
    phone, path, _page = _open(cast, mum, meeting)
    response = _give(phone, path, interpreter_language="Polish")
    assert response.status_code == 200
    assert "You have not told us anything yet." in response.text
    assert not ParentViews.objects.exists()


@pytest.mark.parametrize("how", ["started", "cancelled"])
def test_the_form_closes_once_the_meeting_starts_or_is_cancelled(cast, fam, how):
    _sf, mum, _dad, meeting = fam
    phone, path, _page = _open(cast, mum, meeting)
    _give(phone, path, best_hopes=HOPES)
    if how == "started":
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() - datetime.timedelta(minutes=5)
        )
        sentence = "The meeting has started, so you cannot change your views here now."
    else:
        Meeting.objects.filter(pk=meeting.pk).update(
            status=Meeting.Status.CANCELLED, cancelled_reason="Isla is unwell."
        )
        sentence = "This meeting is not going ahead"
    page = phone.get(path)
    assert page.status_code == 200
    assert sentence in page.text and HOPES in page.text
    assert '<form method="post" novalidate>' not in page.text
    answer = _give(phone, path, best_hopes="Something else")
    assert answer.status_code == 200 and sentence in answer.text
    assert ParentViews.objects.get().best_hopes == HOPES


def _given(cast, parent, meeting, **answers):
    link = _views_link(cast, parent, meeting).link
    return before.views_give(link=link, answers=answers)[0]


def test_staff_see_the_parents_own_words_on_the_meeting_plan(cast, fam, login):
    _sf, mum, _dad, meeting = fam
    _given(
        cast,
        mum,
        meeting,
        best_hopes=HOPES,
        time_suits="no",
        other_times=TIMES,
        supporter=True,
        supporter_who="My sister Morag",
        take_part="video",
    )
    client = login(cast.pastoral)
    for name in ("meetings:meeting-plan", "meetings:meeting-detail"):
        page = client.get(reverse(name, args=[meeting.pk])).text
        assert "Parents' views before the meeting" in page
        assert "In Ailsa Rowan's own words, given through their link on" in page
        assert HOPES in page
        assert "Would like to bring a supporter:</strong> My sister Morag" in page
        assert "Would like to take part:</strong> by video call" in page
        assert "Asks for another time:</strong> “after 3pm on weekdays”" in page


def test_a_link_not_answered_yet_shows_as_waiting(cast, fam, login):
    _sf, mum, _dad, meeting = fam
    _views_link(cast, mum, meeting)
    page = login(cast.pastoral).get(reverse("meetings:meeting-plan", args=[meeting.pk])).text
    assert "Link sent to Ailsa Rowan on" in page and "not answered yet" in page


def test_the_chronology_shows_their_words_as_theirs(cast, fam, login):
    school_family, mum, _dad, meeting = fam
    _given(cast, mum, meeting, best_hopes=HOPES, going_well="Reading at bedtime.")
    client = login(cast.pastoral)
    page = client.get(reverse("families:family-detail", args=[school_family.family_id])).text
    assert "In Ailsa Rowan's own words, given through their link" in page
    assert HOPES in page
    csv = client.get(
        reverse("families:family-export-csv", args=[school_family.family_id])
    ).content.decode()
    assert "Parent's views before a meeting" in csv
    assert "In Ailsa Rowan's own words, given through their link" in csv
    assert "Best hopes: " + HOPES in csv


def test_the_chronology_reads_views_in_a_fixed_number_of_queries(
    cast, fam, rf, django_assert_max_num_queries
):
    school_family, mum, dad, meeting = fam
    _given(cast, mum, meeting, best_hopes=HOPES)
    for n in range(3):
        other = factories.MeetingFactory(
            school=cast.school, family=school_family.family, chair=cast.pastoral
        )
        factories.MeetingParentFactory(meeting=other, parent=mum)
        _given(cast, mum, other, best_hopes=f"Hope {n}")
    request = rf.get("/")
    request.user, request.school = cast.pastoral, cast.school
    with django_assert_max_num_queries(4):
        entries = before.timeline(request, school_family, 50)
        rows = [row for e in entries for row in e.export()]
    assert len(entries) == 4 and len(rows) == 4


def test_a_request_for_another_time_is_a_task_on_the_chairs_home_page(cast, fam, login):
    _sf, mum, _dad, meeting = fam
    views = _given(cast, mum, meeting, time_suits="no", other_times=TIMES)
    home = login(cast.pastoral).get(reverse("home")).text  # the chair
    assert "Times to rearrange" in home
    day = timezone.localtime(meeting.starts_at)
    assert (
        f"Ailsa Rowan asks for another time for the meeting on {day.day} {day:%B}: "
        f"“{TIMES}”" in home
    )
    assert reverse("meetings:meeting-plan", args=[meeting.pk]) in home
    for other in (cast.teacher, cast.headteacher):
        assert "Times to rearrange" not in login(other).get(reverse("home")).text
    assert views.time_request_done_at is None


def test_dealing_with_it_takes_it_off_and_a_new_time_puts_it_back(cast, fam, login):
    _sf, mum, _dad, meeting = fam
    phone, path, _page = _open(cast, mum, meeting)
    _give(phone, path, time_suits="no", other_times=TIMES)
    views = ParentViews.objects.get()
    client = login(cast.pastoral)
    done = client.post(reverse("family_voice:views-time-done", args=[views.pk]))
    assert done.status_code == 302
    assert done["Location"].startswith(reverse("meetings:meeting-plan", args=[meeting.pk]))
    views.refresh_from_db()
    assert views.time_request_done_at is not None and views.time_request_done_by == cast.pastoral
    assert views.history.first().history_user == cast.pastoral
    assert "Times to rearrange" not in client.get(reverse("home")).text
    plan = client.get(reverse("meetings:meeting-plan", args=[meeting.pk])).text
    assert "Dealt with" in plan and "Mark as dealt with" not in plan
    # The same times again: still dealt with. Other times: a task again.
    _give(phone, path, time_suits="no", other_times=TIMES, best_hopes=HOPES)
    views.refresh_from_db()
    assert views.time_request_done_at is not None
    _give(phone, path, time_suits="no", other_times="Saturday mornings")
    views.refresh_from_db()
    assert views.time_request_done_at is None
    assert "Saturday mornings" in client.get(reverse("home")).text


def test_only_those_who_may_change_the_meeting_deal_with_it(cast, fam, login):
    school_family, mum, _dad, meeting = fam
    views = _given(cast, mum, meeting, time_suits="no", other_times=TIMES)
    url = reverse("family_voice:views-time-done", args=[views.pk])
    # The class teacher does not teach Isla: the meeting is not theirs to see.
    assert login(cast.teacher).post(url).status_code == 404
    # Once they teach her they see the meeting, but only read it.
    group = factories.ClassGroupFactory(school=cast.school)
    group.staff.add(cast.teacher)
    school_family.family.children.update(class_group=group)
    assert login(cast.teacher).post(url).status_code == 403
    assert login(cast.outsider_pastoral).post(url).status_code == 404
    assert login(cast.authority_officer).post(url).status_code == 403
    assert login(cast.teacher).get(url).status_code == 405
    views.refresh_from_db()
    assert views.time_request_done_at is None
    # A member of staff attending the meeting may.
    meeting.staff.add(cast.teacher)
    assert login(cast.teacher).post(url).status_code == 302


def test_the_plan_block_reads_in_two_queries_whatever_the_number_of_parents(
    cast, fam, rf, django_assert_num_queries, login
):
    school_family, mum, dad, meeting = fam
    _given(cast, mum, meeting, best_hopes=HOPES)
    request = rf.get("/")
    request.user, request.school = cast.pastoral, cast.school
    plan = reverse("meetings:meeting-plan", args=[meeting.pk])
    client = login(cast.pastoral)
    client.get(plan)
    with CaptureQueriesContext(connection) as one:
        client.get(plan)
    factories.MeetingParentFactory(meeting=meeting, parent=dad)
    _given(cast, dad, meeting, best_hopes="Dad's hopes", time_suits="no", other_times=TIMES)
    for n in range(2):
        carer = factories.ParentCarerFactory(family=school_family.family, email=f"c{n}@example.org")
        for child in meeting.children.all():
            factories.ChildParentFactory(child=child, parent=carer, relationship="kinship_carer")
        factories.MeetingParentFactory(meeting=meeting, parent=carer)
        _views_link(cast, carer, meeting)
    with django_assert_num_queries(2):
        context = before.meeting_section(request, meeting)
    assert len(context["views"]) == 2 and len(context["waiting"]) == 2
    with CaptureQueriesContext(connection) as more:
        client.get(plan)
    assert len(more) == len(one)


def test_hostile_answers_are_a_message_or_saved_as_plain_text_never_a_500(cast, fam):
    from tests.robustness.hostile import FIXED, SCRIPT

    _sf, mum, _dad, meeting = fam
    phone, path, _page = _open(cast, mum, meeting)
    fields = ("best_hopes", "going_well", "to_talk_about", "time_suits", "other_times")
    for value in FIXED:
        more = ("interpreter", "interpreter_language", "supporter_who", "take_part")
        response = _give(phone, path, **dict.fromkeys(fields + more, value))
        assert response.status_code == 200, value
        assert SCRIPT not in response.text, value
        # The same words with valid choices: kept (if short enough) and shown back escaped.
        words = dict.fromkeys(("best_hopes", "other_times", "supporter_who"), value)
        response = _give(phone, path, time_suits="no", supporter="on", **words)
        assert response.status_code == 200, value
        assert SCRIPT not in response.text, value
    views = ParentViews.objects.get(parent=mum)
    # Their words are kept as they wrote them (each version in the history).
    assert views.history.filter(best_hopes__contains=SCRIPT).exists()
    assert not views.history.filter(history_user__isnull=False).exists()
