"""The family audit page shows changes to placements, meetings, steps and complaints, with
values before and after, who made them (even after their account is deleted), and no N+1."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from compass.services import placement_withdraw
from complaints.services import complaint_withdraw
from families.services import contact_amend, contact_log
from meetings import services as meeting_services
from tests import factories

pytestmark = pytest.mark.usefixtures("compass_defaults")


@pytest.fixture
def family(cast):
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Ash")
    school_family.parent = factories.ParentCarerFactory(family=school_family.family)
    return school_family


def _url(family):
    return reverse("audit:family-audit", args=[family.family_id])


def _records(cast, family, chair):
    placement = factories.PlacementFactory(school_family=family, placed_by=chair)
    placement_withdraw(placement=placement, withdrawn_by=chair, reason="Wrong family.")
    meeting = factories.MeetingFactory(school=cast.school, family=family.family, chair=chair)
    meeting.purpose = "ZZ-NEW-PURPOSE"
    meeting._history_user = chair
    meeting.save()
    point = factories.ActionPointFactory(meeting=meeting, owner_staff=cast.pastoral)
    meeting_services.action_point_withdraw(action_point=point, withdrawn_by=chair, reason="Dup.")
    complaint = factories.ComplaintFactory(
        school=cast.school, family=family.family, point_of_contact=cast.pastoral
    )
    complaint_withdraw(complaint=complaint, withdrawn_by=chair, reason="Dup.")
    return placement, meeting, point, complaint


def test_changes_to_placements_meetings_steps_and_complaints_are_listed(login, cast, family):
    placement, meeting, point, complaint = _records(cast, family, cast.pastoral)
    body = login(cast.headteacher).get(_url(family)).text
    # Named in words, with a link (no longer "Meeting #12").
    compass_url = reverse("compass:family-compass", args=[family.family_id])
    meeting_url = reverse("meetings:meeting-detail", args=[meeting.pk])
    complaint_url = reverse("complaints:complaint-detail", args=[complaint.pk])
    assert f'<a href="{compass_url}">Compass placement on' in body
    assert f'<a href="{meeting_url}">Meeting on' in body
    assert f'<a href="{meeting_url}">Agreed step due' in body
    assert f'<a href="{complaint_url}">Complaint received' in body
    assert f"Meeting #{meeting.pk}" not in body
    assert "Withdrawn" in body
    assert "ZZ-NEW-PURPOSE" in body  # the value after the change
    assert "To agree how we help Robin settle in the mornings." in body  # and before


def test_the_author_is_still_named_after_their_account_is_deleted(login, cast, family):
    leaver = factories.UserFactory(username="k.leaver", first_name="Kim", last_name="Leaver")
    factories.MembershipFactory(user=leaver, school=cast.school, role="pastoral")
    family.family.strengths = "Brilliant at football."
    family.family._history_user = leaver
    family.family.save()
    get_user_model().objects.filter(pk=leaver.pk).delete()
    body = login(cast.headteacher).get(_url(family)).text
    assert "k.leaver (account removed)" in body
    assert "Brilliant at football." in body


def test_values_of_a_confidential_contact_are_not_shown_only_the_fields(login, cast, family):
    contact = contact_log(
        school=cast.school,
        family=family.family,
        staff=cast.teacher,
        parents=[family.parent],
        summary="ZZ-SECRET-BEFORE",
        confidentiality="named",
        confidentiality_reason="Bereavement",
    )
    contact.summary = "ZZ-SECRET-AFTER"
    contact._history_user = cast.teacher
    contact.save()
    body = login(cast.headteacher).get(_url(family)).text
    assert "ZZ-SECRET-BEFORE" not in body and "ZZ-SECRET-AFTER" not in body
    assert "values not shown: confidential record" in body


def test_amendments_appear_in_the_audit(login, cast, family):
    contact = contact_log(
        school=cast.school,
        family=family.family,
        staff=cast.teacher,
        parents=[family.parent],
        summary="Rang home.",
    )
    amendment = contact_amend(
        contact=contact, amended_by=cast.pastoral, text="It was Friday.", reason="Wrong day."
    )
    body = login(cast.headteacher).get(_url(family)).text
    history_url = reverse("families:contact-history", args=[amendment.contact_id])
    assert f'<a href="{history_url}">Amendment to a contact' in body


def test_queries_do_not_grow_with_the_new_sources(
    login, cast, family, django_assert_max_num_queries
):
    client = login(cast.headteacher)
    _records(cast, family, cast.pastoral)
    with django_assert_max_num_queries(30):
        small = client.get(_url(family))
    for _ in range(4):
        _records(cast, family, cast.pastoral)
    with django_assert_max_num_queries(30):
        large = client.get(_url(family))
    assert large.text.count("<tr>") > small.text.count("<tr>")
