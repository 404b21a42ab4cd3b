"""A review carries the plan forward: the last meeting's steps first, scaling answers matched by
person, no meeting held before it starts, and no summary before the meeting is recorded."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionPoint, Meeting, MeetingParent, ScalingAnswer
from tests import factories

NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # a Monday


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def last(cast, household, meeting):
    """The first meeting, held, with four steps in every state; the review plans to go through
    them. Dates are chosen so that due order and the order to go through them differ."""
    Meeting.objects.filter(pk=meeting.pk).update(status="held", held_at=timezone.now())
    today = timezone.localdate()

    def step(what, status, days, **owner):
        return factories.ActionPointFactory(
            meeting=meeting,
            what=what,
            status=status,
            due_on=today + datetime.timedelta(days=days),
            **(owner or {"owner_staff": cast.teacher}),
        )

    meeting.steps = {
        "done": step("Ask the office about breakfast club", "done", -9),
        "dropped": step("Book the taxi", "dropped", -8),
        "open": step(
            "Lay out uniform the night before",
            "open",
            -3,
            owner_kind="parent",
            owner_parent=household.mum,
            owner_staff=None,
        ),
        "in_progress": step("Start each day in the base", "in_progress", 2),
    }
    return meeting


@pytest.fixture
def review(cast, household, last):
    review = factories.MeetingFactory(
        school=cast.school, family=household.family, chair=cast.pastoral, previous=last
    )
    review.children.add(household.child)
    review.invitations.create(parent=household.mum, response=MeetingParent.Response.ATTENDING)
    review.invitations.create(parent=household.dad, response=MeetingParent.Response.DECLINED)
    return review


def _page(client, name, meeting):
    return client.get(reverse(f"meetings:{name}", args=[meeting.pk])).text


# --- Steps from the last meeting ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["meeting-plan", "meeting-detail"])
def test_the_reviews_pages_open_with_the_last_meetings_steps_in_order(cast, login, review, name):
    text = _page(login(cast.pastoral), name, review)
    assert "Steps from the last meeting" in text
    top = text.index("Steps from the last meeting")
    # Before anything else of the meeting: the plan's people, the record's first section.
    assert top < text.index("Who comes" if name == "meeting-plan" else "1. Best hopes")
    order = [
        "Start each day in the base",  # under way
        "Lay out uniform the night before",  # not started, overdue
        "Ask the office about breakfast club",  # done
        "Book the taxi",  # no longer needed
    ]
    positions = [text.index(what, top) for what in order]
    assert positions == sorted(positions)
    assert "Under way" in text and "Not started" in text and "No longer needed" in text
    assert "Morven Rowan" in text and "Overdue" in text
    assert "14 Nov 2026" in text  # the done step's date


@pytest.mark.parametrize("name", ["meeting-plan", "meeting-detail"])
def test_a_meeting_that_reviews_none_shows_no_steps_from_a_last_meeting(cast, login, meeting, name):
    factories.ActionPointFactory(meeting=meeting, what="A step of this meeting")
    assert "Steps from the last meeting" not in _page(login(cast.pastoral), name, meeting)


def test_the_chair_updates_a_last_step_from_the_review_with_its_history(cast, login, review):
    step = review.previous.steps["open"]
    url = reverse("meetings:last-step-update", args=[review.pk, step.pk])
    data = {f"step-{step.pk}-status": "done", f"step-{step.pk}-progress_note": "Every night."}
    response = login(cast.pastoral).post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("#last-steps")
    step.refresh_from_db()
    assert (step.status, step.progress_note) == ("done", "Every night.")
    assert step.done_at is not None
    latest = step.history.order_by("-history_date", "-history_id").first()
    assert latest.status == "done" and latest.history_user == cast.pastoral
    text = _page(login(cast.pastoral), "meeting-detail", review)
    assert "Every night." in text


def test_the_record_page_offers_a_status_form_for_each_last_step(cast, login, review):
    text = _page(login(cast.pastoral), "meeting-detail", review)
    for step in review.previous.steps.values():
        assert reverse("meetings:last-step-update", args=[review.pk, step.pk]) in text


def test_an_unknown_status_is_refused_beside_the_field_and_changes_nothing(cast, login, review):
    step = review.previous.steps["open"]
    url = reverse("meetings:last-step-update", args=[review.pk, step.pk])
    response = login(cast.pastoral).post(url, {f"step-{step.pk}-status": "finished-ish"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.text
    step.refresh_from_db()
    assert step.status == "open"


def test_a_step_of_another_meeting_cannot_be_updated_through_the_review(
    cast, login, review, household
):
    other = factories.MeetingFactory(
        school=cast.school, family=household.family, chair=cast.pastoral
    )
    stranger = factories.ActionPointFactory(meeting=other)
    url = reverse("meetings:last-step-update", args=[review.pk, stranger.pk])
    response = login(cast.pastoral).post(url, {f"step-{stranger.pk}-status": "done"})
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == "open"


def test_a_teacher_not_attending_the_review_cannot_update_its_last_steps(cast, login, review):
    step = review.previous.steps["open"]
    url = reverse("meetings:last-step-update", args=[review.pk, step.pk])
    response = login(cast.teacher).post(url, {f"step-{step.pk}-status": "done"})
    assert response.status_code == 403
    assert ActionPoint.objects.get(pk=step.pk).status == "open"


def test_a_plan_of_a_review_is_prefilled_from_the_last_meeting(cast, login, last, household):
    url = reverse("meetings:meeting-add", args=[household.family.pk])
    text = login(cast.pastoral).get(f"{url}?previous={last.pk}").text
    assert "This meeting reviews the one on" in text


# --- Scaling answers matched by person ----------------------------------------------------------


def _scale(client, meeting, person, score="6", **extra):
    url = reverse("meetings:scaling-add", args=[meeting.pk])
    return client.post(url, {"person": person, "score": score, **extra})


def test_scaling_offers_the_people_attending_not_a_typed_name(cast, login, review, household):
    review.agencies.create(name="Jo Bell", organisation="NHS", kind="health", role="Health visitor")
    review.supporter_name = "Aunt Isla"
    review.save()
    text = _page(login(cast.pastoral), "meeting-detail", review)
    form = text[text.index('id="scaling"') :]
    assert 'name="party"' not in form
    assert f'value="parent-{household.mum.pk}"' in form
    assert f'value="parent-{household.dad.pk}"' not in form  # said they cannot come
    assert f'value="child-{household.child.pk}"' in form
    assert f'value="staff-{cast.pastoral.pk}"' in form
    assert "Jo Bell, Health visitor (partner agency)" in form
    assert "Aunt Isla (supporter)" in form


def test_a_new_scaling_answer_is_linked_to_the_person(cast, login, review, household):
    response = _scale(login(cast.pastoral), review, f"parent-{household.mum.pk}")
    assert response.status_code == 302
    answer = ScalingAnswer.objects.get(meeting=review)
    assert (answer.person_kind, answer.person_parent, answer.party) == (
        "parent",
        household.mum,
        "Morven Rowan",
    )


@pytest.mark.parametrize(
    "person",
    ["parent-{dad}", "parent-{stranger}", "parent-99999999999999999999999", "Mum", ""],
)
def test_someone_not_attending_is_refused_beside_the_field(cast, login, review, household, person):
    stranger = factories.ParentCarerFactory()
    person = person.format(dad=household.dad.pk, stranger=stranger.pk)
    response = _scale(login(cast.pastoral), review, person)
    assert response.status_code == 400
    errors = response.context["scaling_form"].errors["person"]
    assert errors == [
        "This field is required." if not person else "Choose someone attending this meeting."
    ]
    assert not ScalingAnswer.objects.filter(meeting=review).exists()


def test_answers_are_matched_by_person_even_when_the_name_reads_differently(
    cast, login, review, household
):
    ScalingAnswer.objects.create(
        meeting=review.previous,
        party="Morven Rowan",
        person_kind="parent",
        person_parent=household.mum,
        score=2,
    )
    household.mum.last_name = "Stewart"  # she went back to her own name
    household.mum.save()
    _scale(login(cast.pastoral), review, f"parent-{household.mum.pk}", score="5")
    text = _page(login(cast.pastoral), "meeting-detail", review)
    assert "Morven Stewart" in text
    assert "2 / 10" in text and "5 / 10" in text and "(up 3)" in text


def test_old_typed_answers_stay_readable(cast, login, review):
    ScalingAnswer.objects.create(meeting=review.previous, party="Gran (typed)", score=4)
    text = _page(login(cast.pastoral), "meeting-detail", review)
    assert "Gran (typed)" in text and "4 / 10" in text


# --- Not held before it starts -----------------------------------------------------------------


def _record(client, meeting):
    url = reverse("meetings:meeting-record", args=[meeting.pk])
    return client.post(url, {"summary": "We agreed a calm start to the day.", "review_on": ""})


def test_a_meeting_cannot_be_marked_held_before_it_starts(cast, login, meeting):
    with time_machine.travel(meeting.starts_at - datetime.timedelta(minutes=30), tick=False):
        response = _record(login(cast.pastoral), meeting)
    assert response.status_code == 400
    assert "This meeting has not started yet" in response.text
    assert "It can be marked as held once it has started." in response.text
    meeting.refresh_from_db()
    assert (meeting.status, meeting.summary, meeting.held_at) == ("planned", "", None)


def test_a_meeting_can_be_marked_held_once_it_has_started(cast, login, meeting):
    with time_machine.travel(meeting.starts_at + datetime.timedelta(minutes=5), tick=False):
        assert _record(login(cast.pastoral), meeting).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held"


# --- The family's summary only once recorded ----------------------------------------------------


SUMMARY_VIEWS = ["meetings:meeting-summary", "meetings:meeting-summary-pdf"]


@pytest.mark.parametrize("name", SUMMARY_VIEWS)
@pytest.mark.parametrize("for_parent", [False, True])
def test_before_recording_the_summary_is_a_plain_not_ready_page(
    cast, login, meeting, household, name, for_parent
):
    url = reverse(name, args=[meeting.pk])
    if for_parent:
        url += f"?parent={household.mum.pk}"
    response = login(cast.pastoral).get(url)
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "The summary will be ready after the meeting is recorded." in response.text
    assert "What we agreed to do next" not in response.text


def test_a_cancelled_meeting_has_no_summary(cast, login, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status="cancelled", cancelled_reason="Ill.")
    response = login(cast.pastoral).get(reverse("meetings:meeting-summary", args=[meeting.pk]))
    assert response.status_code == 409
    assert "no summary to give the family" in response.text


def test_an_outsider_still_gets_404_not_the_not_ready_page(cast, login, meeting):
    url = reverse("meetings:meeting-summary", args=[meeting.pk])
    assert login(cast.outsider_pastoral).get(url).status_code == 404


@pytest.mark.parametrize("name", SUMMARY_VIEWS)
def test_once_recorded_the_summary_opens(cast, login, meeting, name):
    with time_machine.travel(meeting.starts_at + datetime.timedelta(hours=1), tick=False):
        client = login(cast.pastoral)
        _record(client, meeting)
        response = client.get(reverse(name, args=[meeting.pk]))
    assert response.status_code == 200


def test_the_record_page_says_the_summary_comes_after_recording(cast, login, meeting):
    text = _page(login(cast.pastoral), "meeting-detail", meeting)
    assert reverse("meetings:meeting-summary", args=[meeting.pk]) not in text
    assert "will be ready after the meeting is recorded" in text
