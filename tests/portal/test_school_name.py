"""A school's name is one line: it goes into e-mail subjects, where a line break makes the
e-mail unsendable (the reminders of that school stopped)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.models import School
from tests import factories


@pytest.mark.parametrize("name", ["Riverside\nHigh", "Riverside\r\nHigh", "River\tside", "A\x00B"])
def test_a_name_with_a_control_character_is_refused(cast, name):
    school = School(name=name, authority=cast.school.authority, stage=School.Stage.PRIMARY)
    with pytest.raises(ValidationError) as refused:
        school.full_clean()
    assert "one line" in refused.value.message_dict["name"][0]


def test_an_ordinary_name_with_accents_and_dashes_is_fine(cast):
    School(
        name="Ysgol Gymraeg – Bryn Tawe’s", authority=cast.school.authority, stage="primary"
    ).full_clean()


def test_admin_refuses_a_line_break_in_a_schools_name_next_to_the_field(login, cast):
    superuser = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    data = {
        "name": "Riverside\nHigh",
        "authority": cast.school.authority.pk,
        "stage": "secondary",
        "good_news_weeks": 4,
        "placement_review_weeks": 12,
        "parent_link_days": 14,
        "quiet_from": "18:00",
        "quiet_until": "07:30",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    response = login(superuser).post(reverse("admin:portal_school_add"), data)
    assert response.status_code == 200
    assert "Write the name on one line" in response.content.decode()
    assert not School.objects.filter(name__startswith="Riverside\n").exists()
    data["name"] = "Riverside High"
    response = login(superuser).post(reverse("admin:portal_school_add"), data)
    assert response.status_code == 302
    assert School.objects.filter(name="Riverside High").exists()
