"""Trust 10(c): a create form sent twice (a double click, a resent request) creates one record,
and the second submission is taken to the record the first one made."""

import re
import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from compass.models import Placement
from complaints.models import Complaint
from families.models import Contact
from meetings.models import ActionPoint, Meeting
from portal.models import FormSubmission
from tests import factories
from tests.conftest import otp_verify_session
from tests.robustness.conftest import (
    complaint_data,
    contact_data,
    meeting_data,
    placement_data,
    step_data,
    token_for_form,
    url,
)

TOKEN = re.compile(r'name="form_token" value="([0-9a-f-]{36})"')


def _token_from(client, page_url) -> str:
    page = client.get(page_url)
    assert page.status_code == 200
    found = TOKEN.findall(page.content.decode())
    assert len(found) == 1, "the create form carries exactly one one-time token"
    return found[0]


def _twice(client, page_url, post_url, data):
    data = {**data, "form_token": _token_from(client, page_url)}
    first = client.post(post_url, data)
    second = client.post(post_url, data)
    return first, second


def test_a_contact_sent_twice_is_logged_once(cast, login, world):
    client = login(cast.teacher)
    add = url("families:contact-add", world.family.pk)
    first, second = _twice(client, add, add, contact_data(world, cast.teacher))
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert Contact.objects.count() == 1
    page = client.get(second.url).content.decode()
    assert "This was saved already" in page


def test_a_meeting_sent_twice_is_planned_once(cast, login, world):
    client = login(cast.pastoral)
    add = url("meetings:meeting-add", world.family.pk)
    before = Meeting.objects.count()
    first, second = _twice(client, add, add, meeting_data(cast, world))
    assert first.status_code == 302 and second.status_code == 302
    assert second.url == first.url
    assert Meeting.objects.count() == before + 1


def test_a_placement_sent_twice_is_placed_once(cast, login, world):
    client = login(cast.teacher)
    add = url("compass:placement-add", world.family.pk)
    first, second = _twice(client, add, add, placement_data())
    assert first.status_code == second.status_code == 302
    assert Placement.objects.count() == 1


def test_a_complaint_sent_twice_is_recorded_once(cast, login, world):
    client = login(cast.pastoral)
    add = url("complaints:complaint-add")
    first, second = _twice(client, add, add, complaint_data(cast, world))
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert Complaint.objects.count() == 1


def test_a_step_sent_twice_is_added_once_and_the_next_form_has_a_new_token(cast, login, world):
    client = login(cast.pastoral)
    detail = url("meetings:meeting-detail", world.meeting.pk)
    add = url("meetings:action-add", world.meeting.pk)
    data = {**step_data(cast), "form_token": token_for_form(client, detail, add)}
    hx = {"HX-Request": "true"}
    first = client.post(add, data, headers=hx)
    second = client.post(add, data, headers=hx)
    assert first.status_code == second.status_code == 200
    assert ActionPoint.objects.count() == 1
    # The form shown again after saving carries a fresh token: the next step is saved too.
    fresh = TOKEN.findall(first.content.decode())
    assert fresh and fresh[0] != data["form_token"]
    client.post(add, {**data, "what": "Send the reading book home", "form_token": fresh[0]})
    assert ActionPoint.objects.count() == 2


def test_a_rejected_submission_keeps_its_token_and_can_be_sent_again(cast, login, world):
    client = login(cast.teacher)
    add = url("families:contact-add", world.family.pk)
    token = _token_from(client, add)
    rejected = client.post(
        add, {**contact_data(world, cast.teacher, summary=" "), "form_token": token}
    )
    assert rejected.status_code == 200
    assert TOKEN.findall(rejected.content.decode()) == [token]
    assert not FormSubmission.objects.exists()
    saved = client.post(add, {**contact_data(world, cast.teacher), "form_token": token})
    assert saved.status_code == 302
    assert Contact.objects.count() == 1


def test_forms_without_a_token_still_save(cast, login, world):
    add = url("families:contact-add", world.family.pk)
    login(cast.teacher).post(add, contact_data(world, cast.teacher))
    login(cast.teacher).post(add, contact_data(world, cast.teacher))
    assert Contact.objects.count() == 2


def test_another_users_token_saves_nothing_for_them(cast, login, world):
    add = url("families:contact-add", world.family.pk)
    token = str(uuid.uuid4())
    login(cast.teacher).post(add, {**contact_data(world, cast.teacher), "form_token": token})
    response = login(cast.pastoral).post(
        add, {**contact_data(world, cast.pastoral), "form_token": token}
    )
    assert response.status_code == 302
    assert Contact.objects.count() == 1
    assert Contact.objects.get().staff == cast.teacher


def test_old_tokens_are_cleared_by_the_command(cast):
    import datetime

    from django.utils import timezone

    old = factories.FormSubmissionFactory(user=cast.teacher)
    FormSubmission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    recent = factories.FormSubmissionFactory(user=cast.teacher)
    call_command("form_submissions_clear", "--days", "7")
    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_the_same_moment_log_one_contact(cast, world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests need PostgreSQL")
    add = url("families:contact-add", world.family.pk)
    data = {**contact_data(world, cast.teacher), "form_token": str(uuid.uuid4())}
    barrier = threading.Barrier(2)
    results = []

    def send():
        from django.db import connections

        try:
            client = Client()
            client.force_login(cast.teacher)
            otp_verify_session(client, cast.teacher)
            barrier.wait(timeout=10)
            results.append(client.post(add, data))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [r.status_code for r in results] == [302, 302]
    assert results[0].url == results[1].url
    assert Contact.objects.count() == 1
    assert FormSubmission.objects.count() == 1
