"""Sent twice, saved once, everywhere. The meeting's lines (what was said,
scaling answers, partner agencies), follow-ups, amendments and self-evaluations carry the
one-time token: four submissions of one form make one row (today they made four)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from compass.models import CompassRegion
from dashboards.filters import QUESTIONS
from dashboards.models import SelfEvaluation
from families.models import Contact, ContactAmendment
from families.services import contact_log
from meetings import services as meeting_services
from meetings.models import (
    AgencyAttendee,
    Contribution,
    FollowUp,
    Meeting,
    MeetingAmendment,
    ScalingAnswer,
)
from tests import factories
from tests.robustness.conftest import TOKEN, token_for_form, url


def four_times(client, page_url, post_url, data, **kwargs) -> list:
    data = {**data, "form_token": token_for_form(client, page_url, post_url)}
    return [client.post(post_url, data, **kwargs) for _ in range(4)]


def _held(meeting: Meeting, user) -> Meeting:
    # It has started: a meeting cannot be marked held before then.
    meeting.starts_at = timezone.now() - datetime.timedelta(minutes=5)
    meeting.save(update_fields=["starts_at"])
    return meeting_services.meeting_record(
        meeting=meeting, summary="We agreed two small steps.", review_on=None, recorded_by=user
    )


@pytest.mark.parametrize("htmx", [False, True])
def test_what_was_said_sent_four_times_is_written_once(cast, login, world, htmx):
    client = login(cast.pastoral)
    detail = url("meetings:meeting-detail", world.meeting.pk)
    add = url("meetings:contribution-add", world.meeting.pk, "strengths")
    data = {"strengths-party": "Mum", "strengths-words": "Robin is kind to his sister."}
    headers = {"HX-Request": "true"} if htmx else {}
    data["form_token"] = token_for_form(client, detail, add)
    answers = [client.post(add, data, headers=headers) for _ in range(4)]
    assert all(a.status_code in (200, 302) for a in answers)
    assert Contribution.objects.filter(meeting=world.meeting).count() == 1
    if htmx:
        # The section shown again after saving carries a fresh token: the next line is saved.
        fresh = TOKEN.findall(answers[0].content.decode())
        assert len(fresh) == 1 and fresh[0] != data.get("form_token")
        client.post(add, {**data, "strengths-words": "Loves drawing.", "form_token": fresh[0]})
        assert Contribution.objects.filter(meeting=world.meeting).count() == 2


def test_a_scaling_answer_sent_four_times_is_written_once(cast, login, world):
    client = login(cast.pastoral)
    detail = url("meetings:meeting-detail", world.meeting.pk)
    add = url("meetings:scaling-add", world.meeting.pk)
    data = {
        "person": f"parent-{world.mum.pk}",
        "score": "4",
        "one_point_higher": "Out the door by 8.",
    }
    answers = four_times(client, detail, add, data)
    assert [a.status_code for a in answers] == [302] * 4
    assert ScalingAnswer.objects.filter(meeting=world.meeting).count() == 1


def test_a_partner_agency_sent_four_times_is_added_once(cast, login, world):
    client = login(cast.pastoral)
    plan = url("meetings:meeting-plan", world.meeting.pk)
    add = url("meetings:agency-add", world.meeting.pk)
    data = {"name": "Sam Reid", "organisation": "Health visiting", "kind": "health", "role": ""}
    answers = four_times(client, plan, add, data)
    assert [a.status_code for a in answers] == [302] * 4
    assert AgencyAttendee.objects.filter(meeting=world.meeting).count() == 1
    assert "This was saved already" in client.get(answers[-1].url).content.decode()


def test_a_follow_up_scheduled_four_times_is_scheduled_once(cast, login, world):
    _held(world.meeting, cast.pastoral)
    factories.ActionPointFactory(meeting=world.meeting, owner_staff=cast.pastoral)
    client = login(cast.pastoral)
    detail = url("meetings:meeting-detail", world.meeting.pk)
    schedule = url("meetings:follow-up-schedule", world.meeting.pk)
    answers = four_times(client, detail, schedule, {"channel": "phone"})
    assert [a.status_code for a in answers] == [302] * 4
    assert FollowUp.objects.filter(meeting=world.meeting).count() == 1


def test_a_follow_up_logged_four_times_is_one_contact(cast, login, world):
    _held(world.meeting, cast.pastoral)
    point = factories.ActionPointFactory(meeting=world.meeting, owner_staff=cast.pastoral)
    follow_up = meeting_services.follow_up_schedule(meeting=world.meeting, owner=cast.pastoral)
    client = login(cast.pastoral)
    log = url("meetings:follow-up-log", follow_up.pk)
    data = {
        "parents": [world.mum.pk],
        "summary": "Rang mum: mornings are calmer.",
        "tone": "positive",
        f"status_{point.pk}": "open",
        f"note_{point.pk}": "",
    }
    answers = four_times(client, log, log, data)
    assert [a.status_code for a in answers] == [302] * 4
    assert Contact.objects.filter(summary="Rang mum: mornings are calmer.").count() == 1


def test_a_contact_amendment_sent_four_times_is_saved_once(cast, login, world):
    contact = contact_log(
        school=cast.school,
        family=world.family,
        staff=cast.teacher,
        parents=[world.mum],
        summary="Chatted at the gate.",
    )
    client = login(cast.teacher)
    amend = url("families:contact-amend", contact.pk)
    data = {"text": "It was at the office, not the gate.", "reason": "Misremembered."}
    answers = four_times(client, amend, amend, data)
    assert [a.status_code for a in answers] == [302] * 4
    assert answers[-1].url == answers[0].url
    assert ContactAmendment.objects.filter(contact=contact).count() == 1


def test_a_meeting_amendment_sent_four_times_is_saved_once(cast, login, world):
    _held(world.meeting, cast.pastoral)
    client = login(cast.pastoral)
    amend = url("meetings:meeting-amend", world.meeting.pk)
    data = {"text": "Dad agreed the second step too.", "reason": "Left out by mistake."}
    answers = four_times(client, amend, amend, data)
    assert [a.status_code for a in answers] == [302] * 4
    assert MeetingAmendment.objects.filter(meeting=world.meeting).count() == 1


def test_a_self_evaluation_sent_four_times_is_recorded_once(cast, login, world):
    client = login(cast.headteacher)
    page = reverse("dashboards:selfevaluation")
    regions = CompassRegion.objects.filter(school=None)
    data = {"target_year": timezone.localdate().year + 3}
    data |= {f"answer_{key}": "Some reflection." for key, _q, _p in QUESTIONS}
    shares = [100] + [0] * (regions.count() - 1)
    data |= {f"target_{r.key}": s for r, s in zip(regions, shares, strict=True)}
    answers = four_times(client, page, page, data)
    assert [a.status_code for a in answers] == [302] * 4
    assert SelfEvaluation.objects.filter(school=cast.school).count() == 1
