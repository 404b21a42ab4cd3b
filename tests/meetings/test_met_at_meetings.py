"""A member of staff who attends a meeting, or owns one of its steps, opens the family's page
(as far as each record's confidentiality allows) instead of "Not found"."""

import pytest
from django.urls import reverse

from families.models import SchoolFamily
from meetings.models import Meeting
from portal.models import Role
from tests import factories


@pytest.fixture
def class_teacher(cast):
    """A member of staff who teaches none of the family's children."""
    user = factories.UserFactory(username="maths_teacher", first_name="Maya", last_name="Khan")
    factories.MembershipFactory(user=user, school=cast.school, role=Role.STAFF)
    return user


def _family_page(login, user, household):
    return login(user).get(reverse("families:family-detail", args=[household.family.pk]))


def test_staff_who_teaches_none_of_the_children_gets_404(cast, login, household, class_teacher):
    assert _family_page(login, class_teacher, household).status_code == 404


def test_staff_attending_a_meeting_opens_the_family_page(
    cast, login, household, meeting, class_teacher
):
    meeting.staff.add(class_teacher)
    page = _family_page(login, class_teacher, household)
    assert page.status_code == 200
    assert "Family Rowan" in page.text


def test_the_chair_of_a_meeting_opens_the_family_page(cast, login, household, class_teacher):
    factories.MeetingFactory(school=cast.school, family=household.family, chair=class_teacher)
    assert _family_page(login, class_teacher, household).status_code == 200


def test_the_owner_of_a_step_opens_the_family_page(cast, login, household, meeting, class_teacher):
    factories.ActionPointFactory(meeting=meeting, owner_staff=class_teacher)
    assert _family_page(login, class_teacher, household).status_code == 200


def test_a_withdrawn_step_or_a_cancelled_meeting_gives_no_access(
    cast, login, household, meeting, class_teacher
):
    step = factories.ActionPointFactory(meeting=meeting, owner_staff=class_teacher)
    step.withdrawn_at = meeting.created_at
    step.save()
    other = factories.MeetingFactory(
        school=cast.school,
        family=household.family,
        chair=cast.pastoral,
        status=Meeting.Status.CANCELLED,
        cancelled_reason="Moved",
    )
    other.staff.add(class_teacher)
    assert _family_page(login, class_teacher, household).status_code == 404


def test_a_meeting_at_another_school_gives_no_access(cast, login, household, class_teacher):
    factories.SchoolFamilyFactory(school=cast.other_school, family=household.family)
    other = factories.MeetingFactory(
        school=cast.other_school, family=household.family, chair=cast.outsider_pastoral
    )
    other.staff.add(class_teacher)
    assert _family_page(login, class_teacher, household).status_code == 404


def test_an_attendee_reads_only_what_confidentiality_allows(
    cast, login, household, meeting, class_teacher
):
    meeting.staff.add(class_teacher)
    for level, words in (("school", "Open note about lunch"), ("pastoral", "Bereavement note")):
        contact = factories.ContactFactory(
            school=cast.school,
            family=household.family,
            staff=cast.pastoral,
            summary=words,
            confidentiality=level,
            confidentiality_reason="" if level == "school" else "Family asked",
        )
        contact.parents.add(household.mum)
    page = _family_page(login, class_teacher, household)
    assert "Open note about lunch" in page.text
    assert "Bereavement note" not in page.text


def test_the_rule_keeps_seeing_families_one_query(
    cast, household, meeting, class_teacher, django_assert_num_queries
):
    meeting.staff.add(class_teacher)
    from portal import access

    access.memberships(class_teacher)  # loaded once per request, before any family query
    with django_assert_num_queries(1):
        rows = list(SchoolFamily.objects.visible_to(class_teacher, cast.school))
    assert [r.family_id for r in rows] == [household.family.pk]


def test_staff_recorded_as_there_open_the_family_page_and_the_meeting(
    cast, login, household, meeting, class_teacher
):
    meeting.staff_present.add(class_teacher)
    assert _family_page(login, class_teacher, household).status_code == 200
    meeting.confidentiality, meeting.confidentiality_reason = "named", "Bereavement"
    meeting.save()
    page = login(class_teacher).get(reverse("meetings:meeting-detail", args=[meeting.pk]))
    assert page.status_code == 200
