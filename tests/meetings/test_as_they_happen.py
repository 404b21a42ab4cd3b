"""Meetings as they happen: one recorded after it was held (not planned here first), who
actually attended (not who was invited), and who was given the summary, when and how."""

import datetime
import io

import pypdf
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, SummarySent
from portal.models import Role
from tests import factories

NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)  # a Monday


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def maths_teacher(cast):
    """A member of staff who teaches none of the family's children."""
    user = factories.UserFactory(username="maths", first_name="Maya", last_name="Khan")
    factories.MembershipFactory(user=user, school=cast.school, role=Role.STAFF)
    return user


def _held_data(cast, household, **overrides):
    data = {
        "kind": "informal",
        "purpose": "Mum came in after the school run to talk about mornings.",
        "children": [household.child.pk],
        "date": "2026-11-22",
        "start_time": "08:50",
        "end_time": "09:20",
        "place_kind": "school_room",
        "chair": cast.pastoral.pk,
        "staff_present": [cast.pastoral.pk],
        "parents_present": [household.mum.pk],
        "summary": "We agreed Robin can come in by the side gate.",
        "confidentiality": "school",
    }
    data.update(overrides)
    return data


def _add_held(household):
    return reverse("meetings:meeting-add-held", args=[household.family.pk])


def test_a_meeting_held_yesterday_is_recorded_in_one_form(cast, login, household):
    client = login(cast.pastoral)
    response = client.post(_add_held(household), _held_data(cast, household))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:meeting-detail", args=[meeting.pk])
    assert meeting.status == Meeting.Status.HELD
    assert meeting.held_at is not None
    assert timezone.localtime(meeting.starts_at).date() == datetime.date(2026, 11, 22)
    assert meeting.duration_minutes == 30
    assert meeting.summary == "We agreed Robin can come in by the side gate."
    there = {i.parent_id: (i.response, i.attended) for i in meeting.invitations.all()}
    assert there == {household.mum.pk: ("attending", True)}
    assert list(meeting.staff_present.all()) == [cast.pastoral]


def test_the_record_views_then_take_what_was_said_and_the_steps(cast, login, household):
    client = login(cast.pastoral)
    client.post(_add_held(household), _held_data(cast, household))
    meeting = Meeting.objects.get()
    client.post(
        reverse("meetings:contribution-add", args=[meeting.pk, "strengths"]),
        {"strengths-party": "Mum", "strengths-words": "Robin gets himself dressed."},
    )
    client.post(
        reverse("meetings:action-add", args=[meeting.pk]),
        {
            "what": "Open the side gate at 8:45",
            "owner_kind": "staff",
            "owner_staff": cast.pastoral.pk,
            "due_on": "2026-11-30",
        },
    )
    assert meeting.contributions.get().words == "Robin gets himself dressed."
    assert meeting.action_points.get().what == "Open the side gate at 8:45"
    summary = client.get(reverse("meetings:meeting-summary", args=[meeting.pk])).text
    assert "Who was there" in summary and "Morven Rowan" in summary


def test_the_form_opens_with_yesterday_me_and_the_childs_adults(cast, login, household):
    form = login(cast.pastoral).get(_add_held(household)).context["form"]
    assert form.initial["date"] == datetime.date(2026, 11, 22)
    assert form.initial["chair"] == cast.pastoral.pk
    assert form.initial["staff_present"] == [cast.pastoral.pk]
    assert set(form.initial["parents_present"]) == {household.mum.pk, household.dad.pk}


def test_a_meeting_still_to_come_is_not_recorded_as_held(cast, login, household):
    response = login(cast.pastoral).post(
        _add_held(household), _held_data(cast, household, date="2026-11-24")
    )
    assert response.status_code == 200
    assert "A meeting recorded as held must have started already." in response.text
    assert not Meeting.objects.exists()


def test_staff_recorded_as_there_open_the_family_page(cast, login, household, maths_teacher):
    family_url = reverse("families:family-detail", args=[household.family.pk])
    assert login(maths_teacher).get(family_url).status_code == 404
    login(cast.pastoral).post(
        _add_held(household),
        _held_data(cast, household, staff_present=[cast.pastoral.pk, maths_teacher.pk]),
    )
    assert login(maths_teacher).get(family_url).status_code == 200


def _mark_held(meeting):
    with time_machine.travel(meeting.ends_at, tick=False):
        Meeting.objects.filter(pk=meeting.pk).update(
            status="held", held_at=timezone.now(), summary="We agreed a picture timetable."
        )
    meeting.refresh_from_db()
    return meeting


def test_who_attended_is_kept_apart_from_who_was_invited(cast, login, household, meeting):
    agency = factories.AgencyAttendeeFactory(meeting=meeting, name="Jo Bell", role="Health visitor")
    absent = factories.AgencyAttendeeFactory(meeting=meeting, name="Sam Reid", role="Social worker")
    with time_machine.travel(meeting.ends_at, tick=False):
        _mark_held(meeting)
        client = login(cast.pastoral)
        url = reverse("meetings:meeting-attendance", args=[meeting.pk])
        response = client.post(
            url,
            {
                "staff_present": [cast.pastoral.pk, cast.teacher.pk],
                "parents_present": [household.mum.pk],
                "agencies_present": [agency.pk],
            },
        )
        assert response.status_code == 302
        invitations = {i.parent_id: (i.response, i.attended) for i in meeting.invitations.all()}
        assert invitations == {
            household.mum.pk: ("invited", True),
            household.dad.pk: ("invited", False),
        }
        absent.refresh_from_db()
        assert absent.attended is False
        summary = client.get(reverse("meetings:meeting-summary", args=[meeting.pk])).text
    there = summary[summary.index("Who was there") : summary.index("What is going well")]
    assert "Morven Rowan" in there and "Duncan Rowan" not in there
    assert "Jo Bell" in there and "Sam Reid" not in there
    assert "Teacher" in there


def test_who_attended_is_in_the_pdf_too(cast, login, household, meeting):
    with time_machine.travel(meeting.ends_at, tick=False):
        _mark_held(meeting)
        client = login(cast.pastoral)
        client.post(
            reverse("meetings:meeting-attendance", args=[meeting.pk]),
            {"staff_present": [cast.pastoral.pk], "parents_present": [household.dad.pk]},
        )
        pdf = client.get(reverse("meetings:meeting-summary-pdf", args=[meeting.pk])).content
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Who was there" in text and "Duncan Rowan" in text


def test_attendance_before_the_meeting_starts_is_refused(cast, login, household, meeting):
    response = login(cast.pastoral).post(
        reverse("meetings:meeting-attendance", args=[meeting.pk]),
        {"staff_present": [cast.pastoral.pk]},
    )
    assert "once the meeting has started" in response.text
    assert not Meeting.objects.get().attendance_recorded_at


def test_a_teacher_who_only_reads_the_meeting_may_not_record_attendance(
    cast, login, household, meeting
):
    url = reverse("meetings:meeting-attendance", args=[meeting.pk])
    assert login(cast.teacher).get(url).status_code == 403


def test_who_was_given_the_summary_is_kept_and_shown(cast, login, household, meeting):
    with time_machine.travel(meeting.ends_at + datetime.timedelta(days=1), tick=False):
        _mark_held(meeting)
        client = login(cast.pastoral)
        response = client.post(
            reverse("meetings:summary-sent-add", args=[meeting.pk]),
            {"to": f"parent-{household.dad.pk}", "sent_on": timezone.localdate(), "how": "post"},
        )
        assert response.status_code == 302
        sent = SummarySent.objects.get()
        assert (sent.parent, sent.how, sent.by) == (household.dad, "post", cast.pastoral)
        summary = client.get(reverse("meetings:meeting-summary", args=[meeting.pk])).text
    assert "Duncan Rowan: by post on 1 December 2026" in summary


def test_the_summary_is_never_recorded_as_sent_to_a_restricted_parent(
    cast, login, household, meeting
):
    link = household.dad.child_links.get()
    link.restriction = "Court order: no school reports."
    link.save()
    with time_machine.travel(meeting.ends_at, tick=False):
        _mark_held(meeting)
        url = reverse("meetings:summary-sent-add", args=[meeting.pk])
        client = login(cast.pastoral)
        page = client.get(url)
        assert f"parent-{household.dad.pk}" not in page.text
        response = client.post(
            url,
            {"to": f"parent-{household.dad.pk}", "sent_on": timezone.localdate(), "how": "post"},
        )
    assert "Choose a parent or carer, or an agency at the meeting." in response.text
    assert not SummarySent.objects.exists()


def test_a_summary_not_yet_recorded_cannot_be_sent(cast, login, household, meeting):
    url = reverse("meetings:summary-sent-add", args=[meeting.pk])
    assert login(cast.pastoral).get(url).status_code == 409


def test_the_send_date_is_never_before_the_meeting(cast, login, household, meeting):
    with time_machine.travel(meeting.ends_at, tick=False):
        _mark_held(meeting)
        response = login(cast.pastoral).post(
            reverse("meetings:summary-sent-add", args=[meeting.pk]),
            {"to": f"parent-{household.mum.pk}", "sent_on": "2026-11-01", "how": "handed"},
        )
    assert "The summary cannot be sent before the meeting." in response.text
    assert not SummarySent.objects.exists()
