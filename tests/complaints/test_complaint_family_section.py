"""The complaints block on the family page: shown to those who may see the complaints only."""

import pytest
from django.urls import reverse

from complaints.models import Complaint
from tests import factories


@pytest.fixture
def family_with_complaint(cast):
    link = factories.SchoolFamilyFactory(
        school=cast.school, family__name="The Novak family", key_contact=cast.teacher
    )
    complaint = factories.ComplaintFactory(
        school=cast.school,
        family=link.family,
        about="Swimming kit went missing twice",
        point_of_contact=cast.pastoral,
    )
    return link.family, complaint


def _page(client, family):
    return client.get(reverse("families:family-detail", args=[family.pk]))


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_pastoral_team_sees_the_familys_complaints_and_can_record_one(
    cast, login, family_with_complaint, role
):
    family, complaint = family_with_complaint
    response = _page(login(getattr(cast, role)), family)
    assert response.status_code == 200
    assert "Swimming kit went missing" in response.text
    assert reverse("complaints:complaint-detail", args=[complaint.pk]) in response.text
    assert f"{reverse('complaints:complaint-add')}?family={family.pk}" in response.text


def test_key_contact_teacher_does_not_see_a_colleagues_complaint(
    cast, login, family_with_complaint
):
    family, _complaint = family_with_complaint
    response = _page(login(cast.teacher), family)
    assert response.status_code == 200
    assert 'id="family-complaints-heading"' not in response.text
    assert "Swimming kit" not in response.text


def test_teacher_who_is_point_of_contact_sees_it_without_the_add_button(
    cast, login, family_with_complaint
):
    family, complaint = family_with_complaint
    Complaint.objects.filter(pk=complaint.pk).update(point_of_contact=cast.teacher)
    response = _page(login(cast.teacher), family)
    assert "Swimming kit went missing" in response.text
    assert reverse("complaints:complaint-add") not in response.text
