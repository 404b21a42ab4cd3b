"""A complaint leads to a meeting: one click opens the meeting form, saving links the two."""

import datetime
import html
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from complaints.models import Complaint
from meetings.models import Meeting
from tests import factories

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def complaint(cast, household):
    return factories.ComplaintFactory(
        school=cast.school,
        family=household.family,
        raised_by=household.mum,
        raised_by_name="",
        received_at=NOW - datetime.timedelta(days=2),
        point_of_contact=cast.pastoral,
    )


def _meeting_link(client, complaint):
    """The href of the complaint page's "Arrange a meeting" button, as the browser follows it."""
    detail = client.get(reverse("complaints:complaint-detail", args=[complaint.pk]))
    url = detail.context["meeting_add_url"]
    assert f'href="{html.escape(url)}">Arrange a meeting to resolve it' in detail.text
    return url


def test_arrange_a_meeting_opens_the_form_as_complaint_resolution(cast, login, complaint):
    client = login(cast.pastoral)
    url = _meeting_link(client, complaint)
    assert url.startswith(reverse("meetings:meeting-add", args=[complaint.family_id]))
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["kind"] == Meeting.Kind.COMPLAINT_RESOLUTION


def test_saving_the_meeting_links_it_to_the_complaint(cast, login, complaint, household):
    client = login(cast.pastoral)
    url = _meeting_link(client, complaint)
    data = {
        "kind": "complaint_resolution",
        "purpose": "Talk through what happened at lunchtime and agree what changes.",
        "date": "2026-11-24",
        "start_time": "15:30",
        "end_time": "16:15",
        "place_kind": "school_room",
        "place_details": "The family room",
        "chair": cast.pastoral.pk,
        "child_view_how": "trusted_adult",
        "confidentiality": "school",
        "invited": [household.mum.pk, household.dad.pk],
        "complaint": complaint.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.meeting is not None
    assert complaint.meeting.kind == Meeting.Kind.COMPLAINT_RESOLUTION
    detail = client.get(reverse("complaints:complaint-detail", args=[complaint.pk])).text
    assert reverse("meetings:meeting-detail", args=[complaint.meeting.pk]) in detail


def test_teacher_is_not_offered_a_meeting_for_a_complaint(cast, login, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(point_of_contact=cast.teacher)
    detail = login(cast.teacher).get(reverse("complaints:complaint-detail", args=[complaint.pk]))
    assert "Arrange a meeting" not in detail.text
