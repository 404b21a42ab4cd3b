"""A meeting's record is locked a day after it was recorded as held. Its
lines (what was said, scaling answers, partner agencies) can then be neither added nor taken
out: the request is refused with a plain message and nothing changes (corrections are
amendments). Within the day they can."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from meetings import services
from meetings.models import AgencyAttendee, Contribution, ScalingAnswer
from tests import factories
from tests.robustness.conftest import url

LOCKED = "This meeting was recorded more than a day ago, so its record is kept as written"


@pytest.fixture
def recorded(cast, world):
    """The world's meeting, held and recorded an hour after it started, with one line of each
    kind; returns the moment it was recorded."""
    meeting = world.meeting
    at = meeting.starts_at + datetime.timedelta(hours=1)
    with time_machine.travel(at, tick=False):
        services.meeting_record(
            meeting=meeting,
            summary="We agreed two steps.",
            review_on=None,
            recorded_by=cast.pastoral,
        )
    factories.ContributionFactory(meeting=meeting, party="Mum", words="Robin is kind.")
    factories.ScalingAnswerFactory(meeting=meeting, party="Mum", score=4)
    factories.AgencyAttendeeFactory(meeting=meeting, name="Jo Baird")
    return at


def _lines(meeting) -> tuple:
    return (
        list(Contribution.objects.filter(meeting=meeting).values_list("pk", "words")),
        list(ScalingAnswer.objects.filter(meeting=meeting).values_list("pk", "score")),
        list(AgencyAttendee.objects.filter(meeting=meeting).values_list("pk", "name")),
    )


def _attempts(meeting) -> list[tuple[str, str, dict]]:
    said = Contribution.objects.get(meeting=meeting)
    answer = ScalingAnswer.objects.get(meeting=meeting)
    agency = AgencyAttendee.objects.get(meeting=meeting)
    return [
        (
            "add what was said",
            url("meetings:contribution-add", meeting.pk, "strengths"),
            {"strengths-party": "Dad", "strengths-words": "Added three weeks later."},
        ),
        ("remove what was said", url("meetings:contribution-remove", meeting.pk, said.pk), {}),
        (
            "add a scaling answer",
            url("meetings:scaling-add", meeting.pk),
            {
                "person": f"staff-{meeting.chair_id}",
                "score": "9",
                "one_point_higher": "Added later.",
            },
        ),
        ("remove a scaling answer", url("meetings:scaling-remove", meeting.pk, answer.pk), {}),
        (
            "add a partner agency",
            url("meetings:agency-add", meeting.pk),
            {"name": "Sam Reid", "organisation": "Health visiting", "kind": "health", "role": ""},
        ),
        ("remove a partner agency", url("meetings:agency-remove", meeting.pk, agency.pk), {}),
    ]


@pytest.mark.parametrize("htmx", [False, True])
def test_after_the_lock_no_line_is_added_or_removed(cast, login, world, recorded, htmx):
    meeting = world.meeting
    headers = {"HX-Request": "true"} if htmx else {}
    with time_machine.travel(recorded + datetime.timedelta(hours=25), tick=False):
        client = login(cast.pastoral)
        before = _lines(meeting)
        for label, post_url, data in _attempts(meeting):
            response = client.post(post_url, data, headers=headers)
            assert response.status_code < 500, label
            if response.status_code == 302 or response.has_header("HX-Redirect"):
                target = response.get("HX-Redirect") or response.url
                response = client.get(target)
            assert LOCKED in response.content.decode(), label
            assert _lines(meeting) == before, label


def test_the_page_offers_no_add_or_remove_after_the_lock(cast, login, world, recorded):
    meeting = world.meeting
    with time_machine.travel(recorded + datetime.timedelta(hours=25), tick=False):
        client = login(cast.pastoral)
        detail = client.get(url("meetings:meeting-detail", meeting.pk)).content.decode()
        plan = client.get(url("meetings:meeting-plan", meeting.pk)).content.decode()
    assert url("meetings:contribution-add", meeting.pk, "strengths") not in detail
    assert url("meetings:scaling-add", meeting.pk) not in detail
    said = Contribution.objects.get(meeting=meeting)
    assert url("meetings:contribution-remove", meeting.pk, said.pk) not in detail
    agency = AgencyAttendee.objects.get(meeting=meeting)
    assert url("meetings:agency-remove", meeting.pk, agency.pk) not in plan


def test_within_the_day_lines_are_still_added_and_removed(cast, login, world, recorded):
    meeting = world.meeting
    with time_machine.travel(recorded + datetime.timedelta(hours=23), tick=False):
        client = login(cast.pastoral)
        for label, post_url, data in _attempts(meeting):
            response = client.post(post_url, data)
            assert response.status_code == 302, label
    contributions, answers, agencies = _lines(meeting)
    assert [w for _pk, w in contributions] == ["Added three weeks later."]
    assert [s for _pk, s in answers] == [9]
    assert [n for _pk, n in agencies] == ["Sam Reid"]


def test_the_service_refuses_a_line_after_the_lock(cast, world, recorded):
    from django.core.exceptions import ValidationError

    with time_machine.travel(recorded + datetime.timedelta(days=3), tick=False):
        with pytest.raises(ValidationError):
            services.contribution_add(
                meeting=world.meeting,
                recorded_by=cast.pastoral,
                section="strengths",
                party="Dad",
                words="Late.",
            )
        with pytest.raises(ValidationError):
            services.scaling_remove(answer=ScalingAnswer.objects.get(meeting=world.meeting))
    assert Contribution.objects.filter(meeting=world.meeting).count() == 1
    assert ScalingAnswer.objects.filter(meeting=world.meeting).count() == 1
