"""Views of family pages, confidential contacts and meeting records, and exports, are logged."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from families.models import Contact
from tests import factories
from tests.families.conftest import make_family


@pytest.fixture
def fam(cast):
    return make_family(cast, teacher=cast.teacher)


def _rows(**filters):
    rows = AccessLog.objects.filter(**filters).order_by("at", "pk")
    return list(rows.values_list("action", "username", "family_id"))


def test_opening_a_family_page_writes_one_view_row(login, cast, fam):
    login(cast.teacher).get(reverse("families:family-detail", args=[fam.family.pk]))
    assert _rows(object_id=fam.family.pk) == [("view", "teacher", fam.family.pk)]


def test_each_confidential_contact_shown_is_logged_but_not_ordinary_ones(login, cast, fam):
    secret = factories.ContactFactory(
        school=cast.school,
        family=fam.family,
        staff=cast.pastoral,
        confidentiality=Contact.Confidentiality.PASTORAL,
        confidentiality_reason="Bereavement; mum agreed the pastoral team is told.",
    )
    ordinary = factories.ContactFactory(school=cast.school, family=fam.family, staff=cast.teacher)
    login(cast.headteacher).get(reverse("families:family-detail", args=[fam.family.pk]))
    assert _rows(object_id=secret.pk, content_type__model="contact") == [
        ("view", "headteacher", fam.family.pk)
    ]
    assert _rows(object_id=ordinary.pk, content_type__model="contact") == []


def test_a_contact_the_teacher_may_not_see_is_not_logged_as_seen(login, cast, fam):
    secret = factories.ContactFactory(
        school=cast.school,
        family=fam.family,
        staff=cast.pastoral,
        confidentiality=Contact.Confidentiality.PASTORAL,
        confidentiality_reason="Shared with the pastoral team only.",
    )
    login(cast.teacher).get(reverse("families:family-detail", args=[fam.family.pk]))
    assert _rows(object_id=secret.pk, content_type__model="contact") == []


@pytest.mark.parametrize(
    ("url_name", "action"),
    [("families:family-export-csv", "export"), ("families:family-print", "print")],
)
def test_exports_and_prints_are_logged(login, cast, fam, url_name, action):
    response = login(cast.pastoral).get(reverse(url_name, args=[fam.family.pk]))
    assert response.status_code == 200
    assert _rows(object_id=fam.family.pk) == [(action, "pastoral", fam.family.pk)]


def test_meeting_record_and_its_exports_are_logged(login, cast, fam):
    meeting = factories.MeetingFactory(school=cast.school, family=fam.family, chair=cast.pastoral)
    client = login(cast.pastoral)
    assert client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:meeting-ics", args=[meeting.pk])).status_code == 200
    assert _rows(object_id=meeting.pk, content_type__model="meeting") == [
        ("view", "pastoral", fam.family.pk),
        ("export", "pastoral", fam.family.pk),
    ]


def test_refused_requests_write_nothing(login, cast, fam):
    login(cast.outsider_pastoral).get(reverse("families:family-detail", args=[fam.family.pk]))
    assert AccessLog.objects.count() == 0
