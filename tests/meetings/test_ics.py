"""The calendar file (.ics): a confidential meeting's event carries no free-text place details,
no purpose and no family name; an ordinary meeting's keeps them for the staff coming."""

import re

import icalendar
import pytest
from django.urls import reverse

from meetings.models import Meeting

HOME_ADDRESS = "14 Rowan Crescent, flat 2"
PURPOSE = "Talk about Robin's mornings after the move"


@pytest.fixture
def at_home(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(
        place_kind=Meeting.Place.HOME, place_details=HOME_ADDRESS, purpose=PURPOSE
    )
    meeting.refresh_from_db()
    return meeting


def _event(client, meeting):
    response = client.get(reverse("meetings:meeting-ics", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content, next(
        iter(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))
    )


@pytest.mark.parametrize("level", ["pastoral", "named"])
def test_a_confidential_meetings_calendar_file_has_no_place_details(cast, login, at_home, level):
    Meeting.objects.filter(pk=at_home.pk).update(confidentiality=level)
    raw, event = _event(login(cast.pastoral), at_home)
    text = raw.decode().replace("\r\n ", "")  # undo the file's line folding
    assert "Rowan Crescent" not in text
    assert "The family's home" not in text and "home" not in str(event["location"]).lower()
    # The child's name as a word (a member of staff may be called Robinson).
    assert not re.search(r"\bRobin\b", text) and "Family Rowan" not in text
    assert str(event["location"]) == "See the invitation in Parent Compass"
    assert f"/meetings/{at_home.pk}/" in str(event["description"])
    assert event.decoded("dtstart") == at_home.starts_at


def test_an_ordinary_meetings_calendar_file_keeps_its_place_and_purpose(cast, login, at_home):
    _raw, event = _event(login(cast.pastoral), at_home)
    assert str(event["location"]) == f"The family's home: {HOME_ADDRESS}"
    assert PURPOSE in str(event["description"])
    assert "Family Rowan" in str(event["summary"])
