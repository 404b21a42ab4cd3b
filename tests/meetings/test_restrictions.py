"""Recorded restrictions on meetings: who is invited, the override with a reason, and what
letters, calendar files and summaries may go to whom, never with another adult's address."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from meetings.models import Meeting, MeetingParent

NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # a Monday
ORDER = (
    "Court order (Sheriff Court, 2025): school reports and parents' evening only; "
    "no collection from school and no address details."
)
MUMS_ADDRESS = "14 Elm Road, Riverside RV1 2AB"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def restricted(household):
    """The father of the household has a recorded restriction; the mother has a phone."""
    link = household.dad.child_links.get()
    link.restriction = ORDER
    link.save()
    household.mum.phone, household.mum.email = "07700 900123", "morven@example.org"
    household.mum.save()
    return household


def _form(cast, household, **overrides):
    data = {
        "kind": "solution_oriented",
        "purpose": "How mornings can go more smoothly for Robin.",
        "date": "2026-11-24",
        "start_time": "15:30",
        "end_time": "16:15",
        "place_kind": "school_room",
        "place_details": "The family room",
        "chair": cast.pastoral.pk,
        "child_view_how": "trusted_adult",
        "confidentiality": "school",
        "children": [household.child.pk],
        "invited": [household.mum.pk, household.dad.pk],
    }
    data.update(overrides)
    return data


def _add_url(household):
    return reverse("meetings:meeting-add", args=[household.family.pk])


def test_invitee_choices_show_the_restriction_beside_the_name(cast, login, restricted):
    page = login(cast.pastoral).get(_add_url(restricted)).content.decode()
    assert f"Duncan Rowan — restriction recorded: “{ORDER}”" in page.replace("&#x27;", "'")
    assert "Morven Rowan — restriction" not in page


def test_inviting_a_restricted_parent_without_deciding_so_is_refused(cast, login, restricted):
    response = login(cast.pastoral).post(_add_url(restricted), _form(cast, restricted))
    assert response.status_code == 200
    form = response.context["form"]
    assert "Tick this box to invite them anyway" in form.errors["restriction_override"][0]
    assert "Say why Duncan Rowan is invited" in form.errors["restriction_override_reason"][0]
    assert not Meeting.objects.exists()


def test_ticking_without_a_reason_is_refused(cast, login, restricted):
    data = _form(cast, restricted, restriction_override="on")
    response = login(cast.pastoral).post(_add_url(restricted), data)
    assert "restriction_override_reason" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_an_override_with_a_reason_is_stored_and_shown_on_the_meeting(cast, login, restricted):
    data = _form(
        cast,
        restricted,
        restriction_override="on",
        restriction_override_reason="The order allows school reports; this is the review.",
    )
    client = login(cast.pastoral)
    response = client.post(_add_url(restricted), data)
    assert response.status_code == 302
    invitation = MeetingParent.objects.get(parent=restricted.dad)
    assert invitation.response == "invited"
    assert invitation.override_by == cast.pastoral
    assert invitation.override_at == NOW
    assert invitation.override_reason.startswith("The order allows school reports")
    assert invitation.override_restriction == ORDER
    plan = client.get(reverse("meetings:meeting-plan", args=[invitation.meeting_id])).text
    assert "Invited despite the restriction" in plan
    assert "The order allows school reports; this is the review." in plan
    assert "decided by Pastoral" in plan


def test_a_teacher_cannot_decide_to_invite_a_restricted_parent(cast, login, restricted):
    data = _form(
        cast, restricted, restriction_override="on", restriction_override_reason="Dad asked."
    )
    response = login(cast.teacher).post(_add_url(restricted), data)
    assert (
        "Only pastoral staff, the headteacher or the family's key contact"
        in (response.context["form"].errors["invited"][0])
    )
    assert not Meeting.objects.exists()


def test_the_restricted_parent_left_out_needs_no_reason_and_is_recorded(cast, login, restricted):
    data = _form(cast, restricted, invited=[restricted.mum.pk])
    assert login(cast.pastoral).post(_add_url(restricted), data).status_code == 302
    invitation = MeetingParent.objects.get(parent=restricted.dad)
    assert invitation.response == "not_invited"
    assert invitation.not_invited_reason == "A recorded restriction applies."


@pytest.fixture
def home_visit(cast, restricted, meeting):
    """Both parents were invited before the father's restriction was recorded; the meeting is
    at the mother's home."""
    meeting.place_kind = Meeting.Place.HOME
    meeting.place_details = MUMS_ADDRESS
    # Held and recorded, so that a summary may be made (the letters come first in life).
    meeting.status, meeting.held_at = Meeting.Status.HELD, NOW
    meeting.save()
    return meeting


def _url(name, meeting, parent=None):
    url = reverse(name, args=[meeting.pk])
    return f"{url}?parent={parent.pk}" if parent is not None else url


@pytest.mark.parametrize(
    "name",
    ["meetings:meeting-letter", "meetings:meeting-ics", "meetings:meeting-summary"],
)
def test_nothing_is_made_for_a_restricted_parent_without_a_decision(
    cast, login, restricted, home_visit, name
):
    response = login(cast.pastoral).get(_url(name, home_visit, restricted.dad))
    assert response.status_code == 403
    assert "a recorded restriction applies" in response.text
    assert ORDER.replace("'", "&#x27;") in response.text


def test_the_summary_pdf_for_a_restricted_parent_is_refused(cast, login, restricted, home_visit):
    response = login(cast.pastoral).get(
        _url("meetings:meeting-summary-pdf", home_visit, restricted.dad)
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_the_letters_page_leaves_out_the_restricted_parent(cast, login, restricted, home_visit):
    page = login(cast.pastoral).get(_url("meetings:meeting-letter", home_visit)).text
    # Morven's letter is in Polish, her language: her name heads it all the same.
    assert 'id="letter-' in page and "Morven Rowan," in page
    assert "Dear Duncan Rowan" not in page
    assert "Nothing from this meeting is sent to Duncan Rowan" in page


def _decide_to_invite(meeting, parent, by):
    invitation = meeting.invitations.get(parent=parent)
    invitation.override_reason = "Parents' evening: the order allows it."
    invitation.override_by = by
    invitation.override_at = NOW
    invitation.override_restriction = ORDER
    invitation.save()


def test_a_letter_to_the_father_never_prints_the_mothers_home_address(
    cast, login, restricted, home_visit
):
    _decide_to_invite(home_visit, restricted.dad, cast.pastoral)
    client = login(cast.pastoral)
    letter = client.get(_url("meetings:meeting-letter", home_visit, restricted.dad)).text
    assert "Dear Duncan Rowan" in letter
    assert MUMS_ADDRESS not in letter
    assert "At home (the address we agreed with you)" in letter
    calendar = client.get(_url("meetings:meeting-ics", home_visit, restricted.dad))
    assert calendar.status_code == 200
    body = calendar.content.decode().replace("\r\n ", "")
    assert "Elm Road" not in body
    assert "LOCATION:At home (the address we agreed with you)" in body
    assert "morven" not in body.lower()


def test_no_letter_carries_another_parents_number_or_email(cast, login, restricted, home_visit):
    _decide_to_invite(home_visit, restricted.dad, cast.pastoral)
    home_visit.place_kind = Meeting.Place.COMMUNITY
    home_visit.place_details = "Elm Road café; Morven's mobile 07700 900123, morven@example.org"
    home_visit.save()
    client = login(cast.pastoral)
    letter = client.get(_url("meetings:meeting-letter", home_visit, restricted.dad)).text
    assert "900123" not in letter
    assert "morven@example.org" not in letter
    assert "A community venue (we will confirm the details with you)" in letter
    # The mother's own letter may carry her own details.
    mums = client.get(_url("meetings:meeting-letter", home_visit, restricted.mum)).text
    assert "07700 900123" in mums


def test_a_phone_meetings_number_is_not_printed_in_a_letter(cast, login, restricted, home_visit):
    home_visit.place_kind = Meeting.Place.PHONE
    home_visit.place_details = "07700 900123"
    home_visit.save()
    letter = login(cast.pastoral).get(_url("meetings:meeting-letter", home_visit)).text
    assert "900123" not in letter
    assert "we will call you on the number you gave us" in letter


def test_with_a_decision_the_summary_for_the_father_is_made(cast, login, restricted, home_visit):
    _decide_to_invite(home_visit, restricted.dad, cast.pastoral)
    client = login(cast.pastoral)
    page = client.get(_url("meetings:meeting-summary", home_visit, restricted.dad))
    assert page.status_code == 200
    assert "Our meeting — for Duncan Rowan" in page.text
    pdf = client.get(_url("meetings:meeting-summary-pdf", home_visit, restricted.dad))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_a_parent_of_another_family_is_a_404(cast, login, restricted, home_visit):
    from tests import factories

    stranger = factories.ParentCarerFactory()
    response = login(cast.pastoral).get(_url("meetings:meeting-letter", home_visit, stranger))
    assert response.status_code == 404


def _edit_url(meeting):
    return reverse("meetings:meeting-edit", args=[meeting.pk])


def _planned_with_override(cast, login, household):
    data = _form(
        cast,
        household,
        restriction_override="on",
        restriction_override_reason="Parents' evening: the order allows it.",
    )
    assert login(cast.pastoral).post(_add_url(household), data).status_code == 302
    return Meeting.objects.get()


def test_changing_the_plan_keeps_the_decision_and_who_made_it(cast, login, restricted):
    meeting = _planned_with_override(cast, login, restricted)
    form = login(cast.pastoral).get(_edit_url(meeting)).context["form"]
    assert form.initial["restriction_override"] is True
    assert form.initial["restriction_override_reason"] == "Parents' evening: the order allows it."
    invitation = MeetingParent.objects.get(parent=restricted.dad)
    assert invitation.override_by == cast.pastoral


def test_a_changed_restriction_needs_a_new_decision(cast, login, restricted):
    meeting = _planned_with_override(cast, login, restricted)
    link = restricted.dad.child_links.get()
    link.restriction = "Interim interdict: no contact of any kind."
    link.save()
    letter = login(cast.pastoral).get(_url("meetings:meeting-letter", meeting, restricted.dad))
    assert letter.status_code == 403
    assert "Interim interdict: no contact of any kind." in letter.text


def test_a_letter_names_only_the_children_of_the_parent_it_is_for(cast, login, household, meeting):
    from tests import factories

    half_sister = factories.ChildFactory(
        school=cast.school, family=household.family, first_name="Natasha"
    )
    factories.ChildParentFactory(child=half_sister, parent=household.mum)
    meeting.children.add(half_sister)
    client = login(cast.pastoral)
    dads = client.get(_url("meetings:meeting-letter", meeting, household.dad)).text
    assert "about Robin." in dads
    assert "Natasha" not in dads
    mums = client.get(_url("meetings:meeting-letter", meeting, household.mum)).text
    assert "Natasha" in mums


@pytest.mark.parametrize("raw", ["abc", "-1", "99999999999999999999999", ""])
def test_a_hostile_parent_value_is_a_404(cast, login, household, meeting, raw):
    url = reverse("meetings:meeting-letter", args=[meeting.pk]) + f"?parent={raw}"
    assert login(cast.pastoral).get(url).status_code == 404


def _edit(client, cast, household, meeting, **overrides):
    form = client.get(_edit_url(meeting)).context["form"]
    data = _form(cast, household, edited_from=form.fields["edited_from"].initial, **overrides)
    return client.post(_edit_url(meeting), data)


def test_a_chair_who_may_not_decide_keeps_the_earlier_decision(cast, login, restricted):
    meeting = _planned_with_override(cast, login, restricted)
    meeting.chair = cast.teacher
    meeting.save()
    response = _edit(login(cast.teacher), cast, restricted, meeting, chair=cast.teacher.pk)
    assert response.status_code == 302
    invitation = MeetingParent.objects.get(parent=restricted.dad)
    assert invitation.response == "invited"
    assert invitation.override_by == cast.pastoral
    assert invitation.override_reason == "Parents' evening: the order allows it."


def test_uninviting_clears_the_decision(cast, login, restricted):
    meeting = _planned_with_override(cast, login, restricted)
    response = _edit(login(cast.pastoral), cast, restricted, meeting, invited=[restricted.mum.pk])
    assert response.status_code == 302
    invitation = MeetingParent.objects.get(parent=restricted.dad)
    assert invitation.response == "not_invited"
    assert not invitation.is_overridden
    letter = login(cast.pastoral).get(_url("meetings:meeting-letter", meeting, restricted.dad))
    assert letter.status_code == 403


def test_a_parents_calendar_file_of_a_confidential_meeting_has_no_place_details(
    cast, login, restricted, home_visit
):
    home_visit.place_kind = Meeting.Place.SCHOOL_ROOM
    home_visit.place_details = "Room 4, beside the family support base"
    home_visit.confidentiality = "pastoral"
    home_visit.save()
    calendar = login(cast.pastoral).get(_url("meetings:meeting-ics", home_visit, restricted.mum))
    assert calendar.status_code == 200
    body = calendar.content.decode().replace("\r\n ", "")
    assert "family support" not in body
    assert "LOCATION:As in your letter from the school" in body
