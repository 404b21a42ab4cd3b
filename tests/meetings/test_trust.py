"""Meetings, agreed steps and complaints: edit history with who, withdrawal with a reason
(never deletion), amendments to a meeting's record, and a record written late."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from meetings import services
from meetings.models import ActionPoint, FollowUp, Meeting, MeetingAmendment
from tests import factories


def _home(client):
    return client.get(reverse("home")).text


# --- history ----------------------------------------------------------------------------


def test_meeting_create_change_and_withdrawal_are_recorded_with_who(cast, meeting, login):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())  # it has started
    login(cast.pastoral).post(
        reverse("meetings:meeting-record", args=[meeting.pk]),
        {"summary": "We agreed a calm start to the day."},
    )
    services.meeting_withdraw(meeting=meeting, withdrawn_by=cast.headteacher, reason="Duplicate.")
    rows = list(meeting.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in rows] == ["+", "~", "~"]
    assert rows[1].history_user == cast.pastoral and rows[1].summary.startswith("We agreed")
    assert rows[2].history_user == cast.headteacher and rows[2].withdrawn_reason == "Duplicate."


def test_action_point_change_and_withdrawal_are_recorded_with_who(cast, meeting, login):
    point = factories.ActionPointFactory(meeting=meeting, what="Star chart")
    point.status = ActionPoint.Status.IN_PROGRESS
    point._history_user = cast.pastoral
    services.action_point_save(action_point=point)
    services.action_point_withdraw(action_point=point, withdrawn_by=cast.pastoral, reason="Dup.")
    rows = list(point.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in rows] == ["+", "~", "~"]
    assert rows[1].status == "in_progress" and rows[1].history_user == cast.pastoral
    assert rows[2].withdrawn_by_id == cast.pastoral.pk


def test_complaint_change_and_withdrawal_are_recorded_with_who(cast, household, login):
    complaint = factories.ComplaintFactory(
        school=cast.school, family=household.family, point_of_contact=cast.pastoral
    )
    client = login(cast.headteacher)
    client.post(
        reverse("complaints:complaint-withdraw", args=[complaint.pk]),
        {"reason": "Recorded against the wrong family."},
    )
    rows = list(complaint.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in rows] == ["+", "~"]
    assert rows[1].history_user == cast.headteacher
    assert rows[1].withdrawn_reason == "Recorded against the wrong family."


def test_meeting_history_keeps_who_after_the_account_is_deleted(cast, household):
    chair = factories.UserFactory(username="r.chair", first_name="Rae")
    factories.MembershipFactory(user=chair, school=cast.school, role="pastoral")
    meeting = factories.MeetingFactory(school=cast.school, family=household.family, chair=chair)
    services.meeting_withdraw(meeting=meeting, withdrawn_by=chair, reason="Entered twice.")
    # The meeting is reassigned first (its chair is protected), then the account goes.
    Meeting.all_objects.filter(pk=meeting.pk).update(chair=cast.pastoral)
    get_user_model().objects.filter(pk=chair.pk).delete()
    row = (
        Meeting.history.model.objects.select_related("history_user").filter(id=meeting.pk).latest()
    )
    assert row.history_user is None
    assert row.history_user_id == chair.pk
    assert row.history_author == "r.chair (account removed)"


# --- withdrawing a meeting --------------------------------------------------------------


def _withdraw_url(meeting):
    return reverse("meetings:meeting-withdraw", args=[meeting.pk])


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_the_chair_and_headteacher_get_the_confirmation_form(cast, meeting, login, role):
    response = login(getattr(cast, role)).get(_withdraw_url(meeting))
    assert response.status_code == 200
    assert "Why is this being withdrawn?" in response.text
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_teacher_who_can_read_the_meeting_may_not_withdraw_it(cast, meeting, login):
    response = login(cast.teacher).post(_withdraw_url(meeting), {"reason": "x"})
    assert response.status_code == 403
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_authority_officer_gets_403_and_other_schools_404(cast, meeting, login):
    assert login(cast.authority_officer).get(_withdraw_url(meeting)).status_code == 403
    for role in ["outsider_pastoral", "outsider_headteacher"]:
        response = login(getattr(cast, role)).post(_withdraw_url(meeting), {"reason": "x"})
        assert response.status_code == 404
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_anonymous_goes_to_login_and_delete_is_refused(cast, meeting, client, login):
    assert client.post(_withdraw_url(meeting)).url.startswith(reverse("login"))
    assert login(cast.pastoral).delete(_withdraw_url(meeting)).status_code == 405


def test_an_empty_reason_changes_nothing(cast, meeting, login):
    response = login(cast.pastoral).post(_withdraw_url(meeting), {"reason": ""})
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_withdrawn_meeting_leaves_lists_panels_and_its_steps_go_with_it(
    cast, meeting, household, login
):
    meeting.staff.add(cast.teacher)
    factories.ActionPointFactory(meeting=meeting, owner_staff=cast.teacher, what="ZZ-STEP")
    FollowUp.objects.create(meeting=meeting, owner=cast.pastoral, due_on=timezone.localdate())
    teacher = login(cast.teacher)
    assert "ZZ-STEP" in _home(teacher)
    pastoral = login(cast.pastoral)
    response = pastoral.post(_withdraw_url(meeting), {"reason": "Planned twice by mistake."})
    assert response.status_code == 302
    assert Meeting.all_objects.get(pk=meeting.pk).withdrawn_by == cast.pastoral
    assert not ActionPoint.objects.filter(meeting_id=meeting.pk).exists()
    assert not FollowUp.objects.filter(meeting_id=meeting.pk).exists()
    assert ActionPoint.all_objects.filter(meeting_id=meeting.pk).exists()  # kept
    assert "ZZ-STEP" not in _home(login(cast.teacher))
    assert "Your follow-ups after meetings" not in _home(login(cast.pastoral))
    listing = login(cast.pastoral).get(reverse("meetings:meeting-list"))
    assert meeting not in listing.context["upcoming"]
    page = login(cast.pastoral).get(reverse("families:family-detail", args=[household.family.pk]))
    assert "Planned twice by mistake." in page.text
    assert (
        login(cast.pastoral).get(reverse("meetings:meeting-detail", args=[meeting.pk])).status_code
        == 404
    )


def test_the_meeting_list_overdue_count_leaves_out_withdrawn_steps(cast, meeting, login):
    past = timezone.localdate() - datetime.timedelta(days=3)
    factories.ActionPointFactory(meeting=meeting, due_on=past)
    point = factories.ActionPointFactory(meeting=meeting, due_on=past)
    services.action_point_withdraw(action_point=point, withdrawn_by=cast.pastoral, reason="Dup.")
    listing = login(cast.pastoral).get(reverse("meetings:meeting-list"))
    (row,) = listing.context["upcoming"]
    assert row.overdue_count == 1


# --- withdrawing a step -----------------------------------------------------------------


def test_withdrawing_a_step_needs_the_right_to_change_the_meeting(cast, meeting, login):
    point = factories.ActionPointFactory(meeting=meeting, what="ZZ-STEP")
    url = reverse("meetings:action-withdraw", args=[point.pk])
    assert login(cast.teacher).post(url, {"reason": "x"}).status_code == 403
    assert login(cast.outsider_pastoral).post(url, {"reason": "x"}).status_code == 404
    assert login(cast.authority_officer).get(url).status_code == 403
    client = login(cast.pastoral)
    assert "Why is this being withdrawn?" in client.get(url).text
    assert client.post(url, {"reason": ""}).status_code == 200
    assert ActionPoint.objects.filter(pk=point.pk).exists()
    assert client.post(url, {"reason": "Agreed twice."}).status_code == 302
    assert not ActionPoint.objects.filter(pk=point.pk).exists()
    detail = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).text
    assert "ZZ-STEP" not in detail


# --- withdrawing a complaint ------------------------------------------------------------


def test_withdrawing_a_complaint(cast, household, login):
    complaint = factories.ComplaintFactory(
        school=cast.school,
        family=household.family,
        point_of_contact=cast.teacher,
        about="ZZ-COMPLAINT",
    )
    url = reverse("complaints:complaint-withdraw", args=[complaint.pk])
    assert login(cast.teacher).post(url, {"reason": "x"}).status_code == 403
    assert login(cast.outsider_headteacher).post(url, {"reason": "x"}).status_code == 404
    client = login(cast.pastoral)
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": " "}).status_code == 200
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert client.post(url, {"reason": "Logged for the wrong family."}).status_code == 302
    assert not Complaint.objects.filter(pk=complaint.pk).exists()
    assert Complaint.all_objects.get(pk=complaint.pk).withdrawn_by == cast.pastoral
    assert "ZZ-COMPLAINT" not in client.get(reverse("complaints:complaint-list")).text
    overview = client.get(reverse("home")).text
    assert "ZZ-COMPLAINT" not in overview
    family = client.get(reverse("families:family-detail", args=[household.family_id])).text
    assert "Logged for the wrong family." in family and "ZZ-COMPLAINT" not in family


# --- amendments and late records --------------------------------------------------------


def _held(meeting, *, by, summary="We agreed a calm start to the day.", days_after=0):
    meeting.starts_at = timezone.now() - datetime.timedelta(days=days_after, hours=1)
    meeting.save()
    return services.meeting_record(meeting=meeting, summary=summary, review_on=None, recorded_by=by)


def test_an_amendment_and_a_dispute_show_under_the_summary(cast, meeting, login):
    _held(meeting, by=cast.pastoral)
    client = login(cast.pastoral)
    url = reverse("meetings:meeting-amend", args=[meeting.pk])
    assert "We agreed a calm start" in client.get(url).text
    response = client.post(
        url,
        {
            "text": "Dad was not at the meeting and was not asked.",
            "reason": "Dad asked for his view to be added.",
            "disputed": "on",
            "parent_view": "Nobody asked me about the mornings at my house.",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.summary == "We agreed a calm start to the day."
    detail = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).text
    assert "Disputed by parent" in detail
    assert "Nobody asked me about the mornings at my house." in detail
    family = client.get(reverse("families:family-detail", args=[meeting.family_id])).text
    assert "Disputed by parent" in family
    amendment = MeetingAmendment.objects.get()
    assert amendment.history.get().history_user == cast.pastoral


def test_amending_needs_the_right_to_change_the_meeting(cast, meeting, login):
    _held(meeting, by=cast.pastoral)
    url = reverse("meetings:meeting-amend", args=[meeting.pk])
    assert login(cast.teacher).get(url).status_code == 403
    assert login(cast.outsider_pastoral).get(url).status_code == 404
    response = login(cast.pastoral).post(url, {"text": "", "reason": ""})
    assert response.status_code == 200
    assert not MeetingAmendment.objects.exists()


def test_after_a_day_the_summary_is_kept_and_corrections_are_amendments(cast, meeting, login):
    _held(meeting, by=cast.pastoral)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        client = login(cast.pastoral)
        client.post(
            reverse("meetings:meeting-record", args=[meeting.pk]), {"summary": "Rewritten."}
        )
        meeting.refresh_from_db()
        assert meeting.summary == "We agreed a calm start to the day."
        detail = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).text
        assert "kept as written" in detail


def test_a_meeting_recorded_late_shows_when_it_was_written(cast, meeting, login):
    _held(meeting, by=cast.pastoral, days_after=4)
    meeting.refresh_from_db()
    assert meeting.written_days_late == 4
    detail = login(cast.pastoral).get(reverse("meetings:meeting-detail", args=[meeting.pk])).text
    assert "4 days after" in detail


def test_the_service_refuses_to_overwrite_a_summary_past_its_window(cast, meeting):
    _held(meeting, by=cast.pastoral)
    later = timezone.now() + datetime.timedelta(hours=25)
    with time_machine.travel(later), pytest.raises(ValidationError):
        services.meeting_record(
            meeting=meeting, summary="Rewritten.", review_on=None, recorded_by=cast.pastoral
        )
