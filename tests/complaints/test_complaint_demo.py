"""The demo complaints: two at Castlebrae, one resolved and shared back, one open; idempotent."""

import pytest
from django.contrib.auth import get_user_model

from complaints.models import Complaint
from demo import complaints as demo_complaints
from demo import schools as demo_schools
from meetings.models import Meeting
from tests import factories


@pytest.fixture
def demo_school(db):
    school = demo_schools.load()["castlebrae"]
    users = get_user_model().objects.in_bulk(
        ["castlebrae.pastoral", "castlebrae.teacher"], field_name="username"
    )
    for name, key_contact in (
        ("The Adeyemi family", users["castlebrae.pastoral"]),
        ("The Campbell family", users["castlebrae.teacher"]),
    ):
        link = factories.SchoolFamilyFactory(
            school=school, family__name=name, key_contact=key_contact
        )
        factories.ParentCarerFactory(family=link.family)
    return school


def test_demo_holds_one_resolved_and_one_open_complaint(demo_school):
    demo_complaints.load()
    resolved = Complaint.objects.get(status=Complaint.Status.RESOLVED)
    still_open = Complaint.objects.get(status=Complaint.Status.OPEN)
    assert resolved.school == still_open.school == demo_school
    assert resolved.family.name == "The Adeyemi family"
    assert resolved.what_changed_shareable
    assert resolved.what_changed_shared_on is not None
    assert resolved.first_response_at > resolved.received_at
    assert resolved.raised_by.family == resolved.family
    assert resolved.meeting.kind == Meeting.Kind.COMPLAINT_RESOLUTION
    assert resolved.meeting.invitations.get().parent == resolved.raised_by
    assert still_open.family.name == "The Campbell family"
    assert still_open.replied_on is None
    assert still_open.point_of_contact.username == "castlebrae.teacher"


def test_loading_the_demo_twice_changes_nothing(demo_school):
    demo_complaints.load()
    before = list(Complaint.objects.order_by("pk").values())
    meetings = list(Meeting.objects.order_by("pk").values())
    demo_complaints.load()
    assert list(Complaint.objects.order_by("pk").values()) == before
    assert list(Meeting.objects.order_by("pk").values()) == meetings


def test_demo_without_families_adds_no_complaints(db):
    demo_schools.load()
    demo_complaints.load()
    assert not Complaint.objects.exists()
    assert not Meeting.objects.exists()
