"""The meeting page in the room: sections in order, inline adding, steps with owners."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionPoint, Contribution, Meeting
from tests import factories

HX = {"HX-Request": "true"}


def _detail(meeting):
    return reverse("meetings:meeting-detail", args=[meeting.pk])


def test_sections_come_in_the_meetings_order(cast, login, meeting):
    text = login(cast.pastoral).get(_detail(meeting)).content.decode()
    order = ["1. Best hopes", "2. Strengths", "3. Exceptions", "4. Scaling", "5. Next small steps"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)


def test_adding_what_someone_said_with_htmx_returns_only_that_section(cast, login, meeting):
    url = reverse("meetings:contribution-add", args=[meeting.pk, "strengths"])
    response = login(cast.pastoral).post(
        url, {"strengths-party": "Mum", "strengths-words": "Robin reads every night."}, headers=HX
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="section-strengths"' in text and "<html" not in text
    assert "Robin reads every night." in text
    said = Contribution.objects.get()
    assert (said.section, said.party, said.recorded_by) == ("strengths", "Mum", cast.pastoral)


def test_adding_without_javascript_redirects_to_the_section(cast, login, meeting):
    url = reverse("meetings:contribution-add", args=[meeting.pk, "best_hopes"])
    response = login(cast.pastoral).post(
        url, {"best_hopes-party": "Robin", "best_hopes-words": "Fewer rushed mornings."}
    )
    assert response["Location"] == _detail(meeting) + "#best_hopes"
    assert meeting.contributions.get().section == "best_hopes"


def test_empty_words_are_refused_and_nothing_saved(cast, login, meeting):
    url = reverse("meetings:contribution-add", args=[meeting.pk, "exceptions"])
    response = login(cast.pastoral).post(url, {"exceptions-party": "Dad"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Contribution.objects.exists()


def test_removing_what_was_said(cast, login, meeting):
    said = meeting.contributions.create(section="strengths", party="Mum", words="Kind.")
    url = reverse("meetings:contribution-remove", args=[meeting.pk, said.pk])
    login(cast.pastoral).post(url, headers=HX)
    assert not Contribution.objects.exists()


def test_scaling_outside_0_to_10_is_refused(cast, login, meeting):
    url = reverse("meetings:scaling-add", args=[meeting.pk])
    person = f"staff-{cast.pastoral.pk}"
    response = login(cast.pastoral).post(url, {"person": person, "score": "11"}, headers=HX)
    assert "Ensure this value is less than or equal to 10." in response.content.decode()
    assert not meeting.scaling.exists()


def test_scaling_is_shown_beside_the_last_meetings_answers(cast, login, meeting, household):
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    # An answer typed before people were chosen is matched by the name now shown.
    meeting.scaling.create(party="Morven Rowan", score=3, one_point_higher="Robin dressed by 8.")
    review = factories.MeetingFactory(
        school=cast.school, family=household.family, chair=cast.pastoral, previous=meeting
    )
    review.invitations.create(parent=household.mum)
    url = reverse("meetings:scaling-add", args=[review.pk])
    data = {"person": f"parent-{household.mum.pk}", "score": "6", "one_point_higher": "Calm."}
    login(cast.pastoral).post(url, data)
    text = login(cast.pastoral).get(_detail(review)).content.decode()
    assert "Last meeting (" in text
    assert "3 / 10" in text and "6 / 10" in text
    assert "(up 3)" in text


def _step(cast, **overrides):
    data = {
        "what": "Ring Mum on Friday with how the week went",
        "owner_kind": "staff",
        "owner_staff": cast.teacher.pk,
        "due_on": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
    }
    data.update(overrides)
    return data


def test_adding_a_step_with_a_staff_owner(cast, login, meeting):
    url = reverse("meetings:action-add", args=[meeting.pk])
    response = login(cast.pastoral).post(url, _step(cast), headers=HX)
    assert 'id="actions"' in response.content.decode()
    point = ActionPoint.objects.get()
    assert point.owner_staff == cast.teacher and point.status == "open"


def test_a_parent_can_own_a_step(cast, login, meeting, household):
    url = reverse("meetings:action-add", args=[meeting.pk])
    data = _step(cast, owner_kind="parent", owner_parent=household.mum.pk, what="Lay out uniform")
    login(cast.pastoral).post(url, data)
    point = ActionPoint.objects.get()
    assert point.owner_name == "Morven Rowan"
    assert point.owner_staff is None  # only the chosen kind of owner is kept


def test_an_owner_from_another_school_is_refused(cast, login, meeting):
    url = reverse("meetings:action-add", args=[meeting.pk])
    response = login(cast.pastoral).post(url, _step(cast, owner_staff=cast.outsider_teacher.pk))
    assert response.status_code == 400
    assert "Choose a member of staff at this school." in response.content.decode()
    assert not ActionPoint.objects.exists()


def test_a_parent_from_another_family_is_refused(cast, login, meeting):
    stranger = factories.ParentCarerFactory()
    url = reverse("meetings:action-add", args=[meeting.pk])
    data = _step(cast, owner_kind="parent", owner_parent=stranger.pk)
    response = login(cast.pastoral).post(url, data)
    assert "Choose a parent or carer in this family." in response.content.decode()
    assert not ActionPoint.objects.exists()


def test_a_step_needs_an_owner_of_the_chosen_kind(cast, login, meeting):
    url = reverse("meetings:action-add", args=[meeting.pk])
    response = login(cast.pastoral).post(url, _step(cast, owner_kind="agency"))
    assert "Say who will do this." in response.content.decode()
    assert not ActionPoint.objects.exists()


def test_editing_a_step_inline_and_marking_it_done(cast, login, meeting):
    point = factories.ActionPointFactory(meeting=meeting)
    url = reverse("meetings:action-edit", args=[point.pk])
    client = login(cast.pastoral)
    row = client.get(url, headers=HX).content.decode()
    assert row.lstrip().startswith(f'<tr id="step-{point.pk}">')
    data = {
        "what": point.what,
        "owner_kind": "staff",
        "owner_staff": cast.pastoral.pk,
        "due_on": point.due_on.isoformat(),
        "status": "done",
        "progress_note": "Rang on Friday.",
    }
    response = client.post(url, data, headers=HX)
    assert response["HX-Retarget"] == "#actions"
    point.refresh_from_db()
    assert point.status == "done" and point.done_at is not None


def test_editing_a_step_without_javascript_is_a_page(cast, login, meeting):
    point = factories.ActionPointFactory(meeting=meeting)
    response = login(cast.pastoral).get(reverse("meetings:action-edit", args=[point.pk]))
    assert "<h1" in response.content.decode()


def test_overdue_step_is_flagged_in_words(cast, login, meeting):
    factories.ActionPointFactory(
        meeting=meeting, due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    assert "Overdue" in login(cast.teacher).get(_detail(meeting)).content.decode()


def test_marking_held_saves_summary_and_review_date_and_reviews_the_last(
    cast, login, meeting, household
):
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    review = factories.MeetingFactory(
        school=cast.school, family=household.family, chair=cast.pastoral, previous=meeting
    )
    Meeting.objects.filter(pk=review.pk).update(starts_at=timezone.now())  # it has started
    review_on = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    url = reverse("meetings:meeting-record", args=[review.pk])
    data = {"summary": "Mornings are calmer.", "review_on": review_on}
    login(cast.pastoral).post(url, data)
    review.refresh_from_db()
    meeting.refresh_from_db()
    assert (review.status, review.summary) == ("held", "Mornings are calmer.")
    assert meeting.status == "reviewed"


def test_review_date_before_the_meeting_is_refused(cast, login, meeting):
    url = reverse("meetings:meeting-record", args=[meeting.pk])
    response = login(cast.pastoral).post(
        url, {"summary": "x", "review_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    assert "The review date must be after the meeting." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "planned"


@pytest.mark.parametrize("extra", [1, 6])
def test_meeting_page_query_count_does_not_grow(
    cast, login, meeting, extra, django_assert_max_num_queries
):
    for i in range(extra):
        factories.ActionPointFactory(meeting=meeting, owner_staff=cast.teacher)
        meeting.contributions.create(section="strengths", party=f"P{i}", words="Kind.")
        meeting.scaling.create(party=f"P{i}", score=5)
        meeting.follow_ups.create(due_on=timezone.localdate(), owner=cast.pastoral)
    client = login(cast.pastoral)
    # 17 (one of them the record's amendments), plus the access log row, plus the blocks apps
    # above meetings add (parents' views before it: one; read receipts once it is recorded):
    # fixed, whatever the number of rows.
    with django_assert_max_num_queries(20):
        response = client.get(_detail(meeting))
    assert response.status_code == 200


def test_the_staff_owner_of_a_step_may_update_its_progress_only(cast, login, meeting):
    point = factories.ActionPointFactory(meeting=meeting, owner_staff=cast.teacher)
    url = reverse("meetings:action-edit", args=[point.pk])
    client = login(cast.teacher)
    form = client.get(url).context["form"]
    assert set(form.fields) == {"status", "progress_note"}
    client.post(url, {"status": "done", "progress_note": "Sent home on Monday."})
    point.refresh_from_db()
    assert point.status == "done" and point.done_at is not None
    other = factories.ActionPointFactory(meeting=meeting, owner_staff=cast.pastoral)
    assert client.get(reverse("meetings:action-edit", args=[other.pk])).status_code == 403


def test_a_steps_due_date_shows_in_the_picker_when_changing_it(cast, login, meeting):
    point = factories.ActionPointFactory(meeting=meeting, due_on=datetime.date(2027, 1, 15))
    page = login(cast.pastoral).get(reverse("meetings:action-edit", args=[point.pk])).text
    assert 'type="date" name="due_on" value="2027-01-15"' in page


def test_saving_the_summary_again_keeps_the_review_date_the_form_shows(cast, login, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(
        status="held",
        summary="We agreed mornings start with a wave at the gate.",
        held_at=meeting.starts_at,
        review_on=datetime.date(2027, 1, 20),
    )
    client = login(cast.pastoral)
    page = client.get(_detail(meeting)).text
    assert 'type="date" name="review_on" value="2027-01-20"' in page
    # What the browser sends back is what the form showed.
    client.post(
        reverse("meetings:meeting-record", args=[meeting.pk]),
        {"summary": "We agreed mornings start with a wave at the gate.", "review_on": "2027-01-20"},
    )
    meeting.refresh_from_db()
    assert meeting.review_on == datetime.date(2027, 1, 20)
