"""Recording, updating and replying to complaints: good input is saved, bad input saves nothing."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.models import Complaint
from complaints.services import complaint_link_meeting
from meetings.models import Meeting
from tests import factories

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 11, 18, 15, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def setup(cast):
    link = factories.SchoolFamilyFactory(school=cast.school, family__name="The Osei family")
    parent = factories.ParentCarerFactory(family=link.family, first_name="Kwame", last_name="Osei")
    other_link = factories.SchoolFamilyFactory(school=cast.school, family__name="The Byrne family")
    other_parent = factories.ParentCarerFactory(family=other_link.family, last_name="Byrne")
    return SimpleNamespace(family=link.family, parent=parent, other_parent=other_parent)


def _add_data(setup, cast, **overrides):
    data = {
        "family": setup.family.pk,
        "raised_by": setup.parent.pk,
        "raised_by_name": "",
        "about": "Felt not listened to at the parents' evening.",
        "received_at": "2026-11-17T08:45",
        "received_how": "in_person",
        "point_of_contact": cast.teacher.pk,
        "what_would_help": "A proper conversation with the class teacher.",
        "school_can_offer": "A call this week and a meeting if wanted.",
        "first_response_at": "",
    }
    data.update(overrides)
    return data


def _add(client, data):
    return client.post(reverse("complaints:complaint-add"), data)


def test_pastoral_records_a_complaint(cast, login, setup):
    response = _add(login(cast.pastoral), _add_data(setup, cast))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:complaint-detail", args=[complaint.pk])
    assert complaint.school == cast.school
    assert complaint.created_by == cast.pastoral
    assert complaint.point_of_contact == cast.teacher
    assert complaint.status == Complaint.Status.OPEN
    assert complaint.received_at == datetime.datetime(2026, 11, 17, 8, 45, tzinfo=LONDON)


@pytest.mark.parametrize(
    "overrides,field_message",
    [
        ({"received_at": "2026-11-19T09:00"}, "cannot have been received in the future"),
        (
            {"first_response_at": "2026-11-16T09:00"},
            "cannot be before the complaint was received",
        ),
        ({"first_response_at": "2026-11-20T09:00"}, "cannot be in the future"),
        ({"raised_by": ""}, "Say who raised it"),
        ({"about": ""}, "This field is required"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    cast, login, setup, overrides, field_message
):
    response = _add(login(cast.pastoral), _add_data(setup, cast, **overrides))
    assert response.status_code == 200
    assert field_message in response.text
    assert "Nothing was saved" in response.text
    assert not Complaint.objects.exists()


def test_parent_of_another_family_is_refused(cast, login, setup):
    data = _add_data(setup, cast, raised_by=setup.other_parent.pk)
    response = _add(login(cast.pastoral), data)
    assert "not part of the chosen family" in response.text
    assert not Complaint.objects.exists()


def test_point_of_contact_from_another_school_is_refused(cast, login, setup):
    data = _add_data(setup, cast, point_of_contact=cast.outsider_teacher.pk)
    response = _add(login(cast.pastoral), data)
    assert "Choose a member of this school" in response.text
    assert not Complaint.objects.exists()


def test_authority_officer_cannot_be_point_of_contact(cast, login, setup):
    data = _add_data(setup, cast, point_of_contact=cast.authority_officer.pk)
    assert "Choose a member of this school" in _add(login(cast.pastoral), data).text
    assert not Complaint.objects.exists()


def test_family_of_another_school_is_refused(cast, login, setup):
    theirs = factories.SchoolFamilyFactory(school=cast.other_school)
    data = _add_data(setup, cast, family=theirs.family.pk, raised_by="", raised_by_name="Mum")
    response = _add(login(cast.pastoral), data)
    assert "Choose a family of this school" in response.text
    assert not Complaint.objects.exists()


def test_add_from_a_family_offers_only_that_familys_parents(cast, login, setup):
    url = reverse("complaints:complaint-add") + f"?family={setup.family.pk}"
    response = login(cast.pastoral).get(url)
    assert "Kwame Osei" in response.text
    assert "Byrne" not in response.text.split('name="raised_by"')[1].split("</select>")[0]


# --- edit -----------------------------------------------------------------------------------


@pytest.fixture
def complaint(cast, setup):
    return factories.ComplaintFactory(
        school=cast.school,
        family=setup.family,
        raised_by=setup.parent,
        raised_by_name="",
        received_at=datetime.datetime(2026, 11, 10, 9, 0, tzinfo=LONDON),
        point_of_contact=cast.teacher,
    )


def _edit_data(complaint, cast, **overrides):
    data = {
        "raised_by": complaint.raised_by_id,
        "raised_by_name": "",
        "about": complaint.about,
        "received_at": "2026-11-10T09:00",
        "received_how": "phone",
        "point_of_contact": cast.teacher.pk,
        "what_would_help": "",
        "school_can_offer": "",
        "first_response_at": "2026-11-10T16:30",
        "apology_given": "on",
        "apology": "Said sorry in person that the club was cancelled without notice.",
        "reply": "Thank you for telling us.",
        "replied_on": "2026-11-12",
        "status": "resolved",
        "outcome": "The club runs again; changes are texted a week ahead.",
        "what_changed": "Cancellations are now texted to parents at least a week ahead.",
        "what_changed_shareable": "on",
        "what_changed_shared_on": "2026-11-14",
    }
    data.update(overrides)
    return data


def test_pastoral_resolves_a_complaint_and_shares_what_changed(cast, login, complaint):
    url = reverse("complaints:complaint-edit", args=[complaint.pk])
    response = login(cast.pastoral).post(url, _edit_data(complaint, cast))
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RESOLVED
    assert complaint.what_changed_shared_on == datetime.date(2026, 11, 14)
    assert complaint.apology_given
    detail = login(cast.pastoral).get(reverse("complaints:complaint-detail", args=[complaint.pk]))
    assert "Shared back with the parent on 14 November 2026" in detail.text
    assert "0.3 days after it was received" in detail.text


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"outcome": ""}, "Record the outcome before marking"),
        ({"first_response_at": "", "replied_on": "", "reply": ""}, "before marking it responded"),
        ({"replied_on": "2026-11-09"}, "reply cannot be dated before"),
        ({"replied_on": ""}, "Enter the date of the personal reply"),
        ({"apology": ""}, "Say what the apology was"),
        ({"apology_given": ""}, "Tick this if an apology was given"),
        ({"what_changed_shareable": ""}, "it can only have been shared if it may be shared"),
        ({"what_changed": ""}, "Say what was changed before sharing"),
        ({"what_changed_shared_on": "2026-12-01"}, "cannot be in the future"),
    ],
)
def test_bad_edits_get_a_message_and_change_nothing(cast, login, complaint, overrides, message):
    url = reverse("complaints:complaint-edit", args=[complaint.pk])
    response = login(cast.pastoral).post(url, _edit_data(complaint, cast, **overrides))
    assert response.status_code == 200
    assert message in response.text
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN
    assert complaint.reply == ""


def test_family_cannot_be_changed_on_edit(cast, login, complaint, setup):
    other = factories.SchoolFamilyFactory(school=cast.school)
    url = reverse("complaints:complaint-edit", args=[complaint.pk])
    login(cast.pastoral).post(url, _edit_data(complaint, cast, family=other.family.pk))
    complaint.refresh_from_db()
    assert complaint.family == setup.family


# --- the personal reply ---------------------------------------------------------------------


def test_point_of_contact_records_their_reply(cast, login, complaint):
    url = reverse("complaints:complaint-reply", args=[complaint.pk])
    client = login(cast.teacher)
    form = client.get(url)
    assert 'value="2026-11-18T15:00"' in form.text  # first response prefilled with now
    response = client.post(
        url,
        {
            "first_response_at": "2026-11-11T10:00",
            "reply": "Thank you for raising this with me.",
            "replied_on": "2026-11-18",
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RESPONDED
    assert complaint.replied_on == datetime.date(2026, 11, 18)
    assert complaint.first_response_at == datetime.datetime(2026, 11, 11, 10, 0, tzinfo=LONDON)


def test_reply_before_receipt_is_refused(cast, login, complaint):
    url = reverse("complaints:complaint-reply", args=[complaint.pk])
    response = login(cast.teacher).post(
        url,
        {"first_response_at": "2026-11-09T10:00", "reply": "Sorry.", "replied_on": "2026-11-09"},
    )
    assert response.status_code == 200
    assert "cannot be before the complaint was received" in response.text
    assert "reply cannot be dated before" in response.text
    complaint.refresh_from_db()
    assert complaint.reply == ""
    assert complaint.first_response_at is None


def test_empty_reply_is_refused(cast, login, complaint):
    url = reverse("complaints:complaint-reply", args=[complaint.pk])
    response = login(cast.teacher).post(url, {"first_response_at": "2026-11-11T10:00"})
    assert "This field is required" in response.text
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN


# --- a complaint leads to a meeting ---------------------------------------------------------


def _meeting(cast, family, **kwargs):
    return Meeting.objects.create(
        school=kwargs.pop("school", cast.school),
        family=family,
        kind=Meeting.Kind.COMPLAINT_RESOLUTION,
        purpose="To talk the complaint through together.",
        starts_at=NOW + datetime.timedelta(days=2),
        chair=cast.pastoral,
        **kwargs,
    )


def test_detail_offers_a_prefilled_complaint_resolution_meeting(cast, login, complaint):
    response = login(cast.pastoral).get(reverse("complaints:complaint-detail", args=[complaint.pk]))
    assert "kind=complaint_resolution" in response.text
    assert f"complaint={complaint.pk}" in response.text


def test_linking_a_meeting_records_it_on_the_complaint(cast, complaint, setup):
    meeting = _meeting(cast, setup.family)
    complaint_link_meeting(complaint_id=complaint.pk, meeting=meeting, user=cast.pastoral)
    complaint.refresh_from_db()
    assert complaint.meeting == meeting


def test_linking_a_meeting_with_another_family_is_refused(cast, complaint):
    meeting = _meeting(cast, factories.SchoolFamilyFactory(school=cast.school).family)
    with pytest.raises(ValidationError):
        complaint_link_meeting(complaint_id=complaint.pk, meeting=meeting, user=cast.pastoral)
    complaint.refresh_from_db()
    assert complaint.meeting is None


def test_linking_by_someone_who_may_not_see_the_complaint_is_refused(cast, complaint, setup):
    meeting = _meeting(cast, setup.family)
    with pytest.raises(ValidationError, match="could not be found"):
        complaint_link_meeting(
            complaint_id=complaint.pk, meeting=meeting, user=cast.authority_officer
        )
    complaint.refresh_from_db()
    assert complaint.meeting is None


def test_linking_an_unknown_complaint_is_refused_without_an_error_page(cast, setup):
    meeting = _meeting(cast, setup.family)
    with pytest.raises(ValidationError, match="could not be found"):
        complaint_link_meeting(complaint_id=999999, meeting=meeting, user=cast.pastoral)


def test_edit_form_shows_saved_dates_in_the_browsers_format(cast, login, complaint):
    response = login(cast.pastoral).get(reverse("complaints:complaint-edit", args=[complaint.pk]))
    assert 'value="2026-11-10T09:00"' in response.text
    assert 'type="datetime-local"' in response.text
    assert "The Osei family" in response.text


def test_detail_links_to_the_meeting_that_followed(cast, login, complaint, setup):
    meeting = _meeting(cast, setup.family)
    complaint_link_meeting(complaint_id=complaint.pk, meeting=meeting, user=cast.pastoral)
    response = login(cast.pastoral).get(reverse("complaints:complaint-detail", args=[complaint.pk]))
    assert reverse("meetings:meeting-detail", args=[meeting.pk]) in response.text
    assert "Complaint resolution on 20 Nov 2026" in response.text
    assert "Arrange a meeting to resolve it" not in response.text
