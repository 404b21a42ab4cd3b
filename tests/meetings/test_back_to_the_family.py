"""The complaint page and the full compass page lead back to the family."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def school_family(cast):
    return factories.SchoolFamilyFactory(school=cast.school, family__name="Family Rowan")


def _family_link(school_family):
    url = reverse("families:family-detail", args=[school_family.family_id])
    return f'<a href="{url}">Family Rowan</a>'


def test_the_complaint_page_links_back_to_the_family(login, cast, school_family):
    complaint = factories.ComplaintFactory(
        school=cast.school, family=school_family.family, point_of_contact=cast.pastoral
    )
    body = (
        login(cast.pastoral).get(reverse("complaints:complaint-detail", args=[complaint.pk])).text
    )
    assert _family_link(school_family) in body
    assert reverse("complaints:complaint-list") in body


def test_a_point_of_contact_who_may_not_open_the_family_gets_no_dead_link(
    login, cast, school_family
):
    complaint = factories.ComplaintFactory(
        school=cast.school, family=school_family.family, point_of_contact=cast.teacher
    )
    response = login(cast.teacher).get(reverse("complaints:complaint-detail", args=[complaint.pk]))
    assert response.status_code == 200
    assert reverse("families:family-detail", args=[school_family.family_id]) not in response.text


@pytest.mark.usefixtures("compass_defaults")
def test_the_full_compass_page_links_back_to_the_family(login, cast, school_family):
    url = reverse("compass:family-compass", args=[school_family.family_id])
    body = login(cast.pastoral).get(url).text
    assert _family_link(school_family) in body


def test_the_complaint_list_pages_instead_of_stopping_short(login, cast, school_family):
    for _ in range(51):
        factories.ComplaintFactory(
            school=cast.school, family=school_family.family, point_of_contact=cast.pastoral
        )
    client = login(cast.pastoral)
    first = client.get(reverse("complaints:complaint-list"))
    assert len(first.context["complaints"]) == 50
    assert "Page 1 of 2" in first.text
    second = client.get(reverse("complaints:complaint-list") + "?page=2")
    assert len(second.context["complaints"]) == 1
