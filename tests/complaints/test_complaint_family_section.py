"""The complaints block on the family page: shown to those who may see the complaints only."""

import pytest
from django.urls import reverse

from complaints.models import Complaint
from tests import factories
from tests.reads import page_and_reads


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


def test_the_complaints_are_read_only_for_a_family_with_one_here(cast, login):
    """The family page's own row says whether the family has any complaint at the school:
    without one, the page reads none; a withdrawn one is still read, and shown collapsed; one
    at another school does not count."""
    from django.utils import timezone

    link = factories.SchoolFamilyFactory(school=cast.school, family__name="The Okafor family")
    client = login(cast.pastoral)

    def page_and_complaint_reads():
        url = reverse("families:family-detail", args=[link.family.pk])
        page, reads = page_and_reads(client, url, Complaint)
        return page, len(reads)

    factories.ComplaintFactory(school=cast.other_school, family=link.family, about="Elsewhere")
    page, reads = page_and_complaint_reads()
    assert reads == 0 and "Elsewhere" not in page
    complaint = factories.ComplaintFactory(
        school=cast.school, family=link.family, about="The bus stop moved"
    )
    page, reads = page_and_complaint_reads()
    assert reads == 1 and "The bus stop moved" in page
    Complaint.all_objects.filter(pk=complaint.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=cast.headteacher, withdrawn_reason="Logged twice"
    )
    page, reads = page_and_complaint_reads()
    assert reads == 1 and "Logged twice" in page
