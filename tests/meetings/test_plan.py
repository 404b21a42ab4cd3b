"""Planning a meeting: the form, invitations, prefill, bad input, warnings, preparation."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, MeetingParent
from tests import factories

NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # a Monday


def _form(cast, **overrides):
    data = {
        "kind": "solution_oriented",
        "purpose": "How mornings can go more smoothly for Robin.",
        "date": "2026-11-24",  # a Tuesday
        "start_time": "15:30",
        "end_time": "16:15",
        "place_kind": "school_room",
        "place_details": "The family room",
        "chair": cast.pastoral.pk,
        "child_view_how": "trusted_adult",
        "confidentiality": "school",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _add_url(household):
    return reverse("meetings:meeting-add", args=[household.family.pk])


def test_form_prefills_interpreter_language_both_parents_and_the_child(cast, login, household):
    page = login(cast.pastoral).get(_add_url(household))
    form = page.context["form"]
    assert form.initial["interpreter_language"] == "Polish"
    assert set(form.initial["invited"]) == {household.mum.pk, household.dad.pk}
    assert form.initial["children"] == [household.child.pk]


def test_restricted_parent_is_not_invited_by_default(cast, login, household):
    link = household.dad.child_links.get()
    link.restriction = "Court order: no contact."
    link.save()
    form = login(cast.pastoral).get(_add_url(household)).context["form"]
    assert form.initial["invited"] == [household.mum.pk]


def test_planning_saves_the_meeting_and_invites_both_separated_parents(cast, login, household):
    data = _form(cast, invited=[household.mum.pk, household.dad.pk], children=[household.child.pk])
    response = login(cast.pastoral).post(_add_url(household), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting-plan", args=[meeting.pk])
    assert meeting.duration_minutes == 45
    assert timezone.localtime(meeting.starts_at).hour == 15
    assert meeting.status == "planned"
    assert meeting.created_by == cast.pastoral
    responses = dict(meeting.invitations.values_list("parent_id", "response"))
    assert responses == {household.mum.pk: "invited", household.dad.pk: "invited"}


def test_leaving_out_a_parent_needs_a_reason(cast, login, household):
    response = login(cast.pastoral).post(
        _add_url(household), _form(cast, invited=[household.mum.pk])
    )
    assert response.status_code == 200
    assert "Say why Duncan Rowan is not" in response.content.decode()
    assert not Meeting.objects.exists()
    login(cast.pastoral).post(
        _add_url(household),
        _form(
            cast,
            invited=[household.mum.pk],
            **{f"not_invited_reason_{household.dad.pk}": "He asked us to talk to Mum."},
        ),
    )
    invitation = MeetingParent.objects.get(parent=household.dad)
    assert invitation.response == "not_invited"
    assert invitation.not_invited_reason == "He asked us to talk to Mum."


def test_end_before_start_is_refused_with_a_message(cast, login, household):
    data = _form(
        cast, start_time="16:00", end_time="15:00", invited=[household.mum.pk, household.dad.pk]
    )
    response = login(cast.pastoral).post(_add_url(household), data)
    assert "The meeting must end after it starts." in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_date_in_the_past_is_refused_for_a_new_meeting(cast, login, household):
    data = _form(cast, date="2026-11-20", invited=[household.mum.pk, household.dad.pk])
    response = login(cast.pastoral).post(_add_url(household), data)
    assert "A new meeting cannot be in the past." in response.content.decode()
    assert not Meeting.objects.exists()


def test_chair_from_another_school_is_refused(cast, login, household):
    data = _form(
        cast, chair=cast.outsider_pastoral.pk, invited=[household.mum.pk, household.dad.pk]
    )
    response = login(cast.pastoral).post(_add_url(household), data)
    assert "Choose a member of staff at this school." in response.content.decode()
    assert not Meeting.objects.exists()


def test_confidential_meeting_needs_a_reason(cast, login, household):
    data = _form(cast, confidentiality="pastoral", invited=[household.mum.pk, household.dad.pk])
    response = login(cast.pastoral).post(_add_url(household), data)
    assert "Say briefly why this meeting is confidential." in response.content.decode()
    assert not Meeting.objects.exists()


def test_clashes_are_warned_about_but_the_meeting_is_still_planned(cast, login, household):
    # Parents' clashes are warnings; a member of staff booked twice is refused
    # (tests/robustness/test_booking_race.py), so the other meeting here is someone else's.
    factories.MeetingFactory(
        school=cast.school,
        family=household.family,
        chair=cast.headteacher,
        starts_at=datetime.datetime(2026, 11, 27, 10, 15, tzinfo=datetime.UTC),
    )
    data = _form(
        cast,
        date="2026-11-27",  # a Friday, which Dad asked to avoid
        start_time="10:00",  # Mum said weekdays after 3pm
        end_time="11:00",
        invited=[household.mum.pk, household.dad.pk],
    )
    response = login(cast.pastoral).post(_add_url(household), data, follow=True)
    page = response.content.decode()
    assert Meeting.objects.count() == 2
    assert "Morven Rowan said good times are “weekdays after 3pm”" in page
    assert "Duncan Rowan asked to avoid “Fridays”" in page


def test_no_warnings_for_a_time_that_suits(cast, login, household):
    data = _form(cast, invited=[household.mum.pk, household.dad.pk])
    response = login(cast.pastoral).post(_add_url(household), data, follow=True)
    assert 'data-testid="warnings"' not in response.content.decode()


def test_editing_may_keep_a_past_time_but_not_end_before_start(cast, login, meeting, household):
    url = reverse("meetings:meeting-edit", args=[meeting.pk])
    data = _form(
        cast, start_time="16:00", end_time="15:00", invited=[household.mum.pk, household.dad.pk]
    )
    response = login(cast.pastoral).post(url, data)
    assert "The meeting must end after it starts." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 45
    data = _form(cast, end_time="17:00", invited=[household.mum.pk, household.dad.pk])
    response = login(cast.pastoral).post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 90


def test_plan_page_shows_the_checklist_done_and_not_done(cast, login, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(prep_told_why=True, interpreter_language="Polish")
    page = login(cast.teacher).get(reverse("meetings:meeting-plan", args=[meeting.pk]))
    text = page.content.decode()
    assert "Preparation: 1 of 10 done" in text
    assert "✓ Done" in text and "✗ Not done" in text
    assert "Interpreter booked" in text
    assert "Mark done" not in text  # the teacher only reads it


def test_ticking_a_preparation_item_with_htmx_returns_the_checklist(cast, login, meeting):
    url = reverse("meetings:preparation-toggle", args=[meeting.pk])
    response = login(cast.pastoral).post(
        url, {"item": "prep_told_who", "done": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="preparation"' in response.content.decode()
    assert "<html" not in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.prep_told_who is True


def test_an_unknown_preparation_item_changes_nothing(cast, login, meeting):
    url = reverse("meetings:preparation-toggle", args=[meeting.pk])
    response = login(cast.pastoral).post(url, {"item": "status", "done": "1"}, follow=True)
    assert "not an item of the preparation checklist" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_agency_is_added_and_shown(cast, login, meeting):
    url = reverse("meetings:agency-add", args=[meeting.pk])
    data = {"name": "Sam Ali", "organisation": "Riverside Social Work", "kind": "social_work"}
    response = login(cast.pastoral).post(url, data, follow=True)
    assert "Sam Ali, Riverside Social Work (Social work" in response.content.decode()


def test_agency_without_organisation_is_refused(cast, login, meeting):
    url = reverse("meetings:agency-add", args=[meeting.pk])
    response = login(cast.pastoral).post(url, {"name": "Sam Ali", "kind": "health"})
    assert response.status_code == 400
    assert not meeting.agencies.exists()


def test_cancel_needs_a_reason_and_then_cancels(cast, login, meeting):
    url = reverse("meetings:meeting-cancel", args=[meeting.pk])
    assert login(cast.pastoral).post(url, {"reason": ""}).status_code == 400
    login(cast.pastoral).post(url, {"reason": "Mum is unwell; we will rearrange."})
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"


def test_complaint_link_is_carried_through(cast, login, household, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "complaints.services.complaint_link_meeting",
        lambda **kwargs: calls.append(kwargs),
    )
    url = _add_url(household) + "?kind=complaint_resolution&complaint=7"
    form = login(cast.pastoral).get(url).context["form"]
    assert form.initial["kind"] == "complaint_resolution"
    data = _form(
        cast,
        kind="complaint_resolution",
        complaint="7",
        invited=[household.mum.pk, household.dad.pk],
    )
    login(cast.pastoral).post(_add_url(household), data)
    assert calls and calls[0]["complaint_id"] == 7


def test_list_query_count_does_not_grow_with_meetings(
    cast, login, household, django_assert_max_num_queries
):
    client = login(cast.pastoral)
    factories.MeetingFactory(school=cast.school, family=household.family, chair=cast.pastoral)
    with django_assert_max_num_queries(10):
        client.get(reverse("meetings:meeting-list"))
    for _ in range(5):
        factories.MeetingFactory(school=cast.school, family=household.family, chair=cast.teacher)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("meetings:meeting-list"))
    assert response.content.decode().count("Family Rowan") >= 6


def test_the_meeting_list_pages_each_list_rather_than_stopping_at_fifty(cast, login, household):
    import datetime

    from django.utils import timezone

    from meetings.models import Meeting

    start = timezone.now() - datetime.timedelta(days=400)
    for day in range(52):
        factories.MeetingFactory(
            school=cast.school,
            family=household.family,
            chair=cast.pastoral,
            status=Meeting.Status.HELD,
            starts_at=start + datetime.timedelta(days=day),
        )
    factories.MeetingFactory(school=cast.school, family=household.family, chair=cast.pastoral)
    client = login(cast.pastoral)
    url = reverse("meetings:meeting-list")
    first = client.get(url)
    assert len(first.context["past"]) == 50 and len(first.context["upcoming"]) == 1
    assert "Page 1 of 2" in first.text
    assert 'href="?past=2"' in first.text
    second = client.get(url + "?past=2")
    # The two oldest, on the second page; the list coming up is unchanged.
    assert [m.starts_at for m in second.context["past"]] == [
        start + datetime.timedelta(days=1),
        start,
    ]
    assert len(second.context["upcoming"]) == 1


def test_a_complaint_that_cannot_be_linked_leaves_no_meeting(cast, login, household, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError("That complaint is about another family.")

    monkeypatch.setattr("complaints.services.complaint_link_meeting", refuse)
    data = _form(cast, complaint="9", invited=[household.mum.pk, household.dad.pk])
    response = login(cast.pastoral).post(_add_url(household), data)
    assert "That complaint is about another family." in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("extra", [1, 5])
def test_plan_page_query_count_does_not_grow(
    cast, login, meeting, extra, django_assert_max_num_queries
):
    for i in range(extra):
        meeting.agencies.create(name=f"Worker {i}", organisation="Health", kind="health")
        meeting.staff.add(factories.UserFactory())
    client = login(cast.pastoral)
    client.get(reverse("home"))
    # 14, plus the access log row and the messages sent about the meeting (reaching_out).
    with django_assert_max_num_queries(18):
        response = client.get(reverse("meetings:meeting-plan", args=[meeting.pk]))
    assert response.content.decode().count("Health (Health") == extra


def test_list_counts_overdue_steps_but_not_those_due_today(cast, login, meeting):
    today = timezone.localdate()
    factories.ActionPointFactory(meeting=meeting, due_on=today)
    factories.ActionPointFactory(meeting=meeting, due_on=today - datetime.timedelta(days=1))
    factories.ActionPointFactory(
        meeting=meeting, due_on=today - datetime.timedelta(days=1), status="done"
    )
    page = login(cast.pastoral).get(reverse("meetings:meeting-list")).content.decode()
    assert "1 overdue" in page


def test_editing_shows_the_saved_date_and_times_in_the_pickers(cast, login, meeting):
    """The browser's date and time pickers only take ISO values; a British-format date would
    show an empty field, and saving the form again would then fail or lose it."""
    starts = timezone.make_aware(datetime.datetime(2026, 12, 2, 13, 30))
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts, duration_minutes=60)
    page = login(cast.pastoral).get(reverse("meetings:meeting-edit", args=[meeting.pk])).text
    assert 'type="date" name="date" value="2026-12-02"' in page
    assert 'type="time" name="start_time" value="13:30"' in page
    assert 'type="time" name="end_time" value="14:30"' in page
