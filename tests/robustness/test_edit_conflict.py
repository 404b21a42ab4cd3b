"""Trust 10(b): two people editing one contact or meeting at once. The second save is stopped
with a clear message and both versions side by side; nothing is overwritten."""

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from families.models import Contact
from families.services import contact_edit, contact_log
from meetings import services as meeting_services
from meetings.models import Meeting
from tests.conftest import otp_verify_session
from tests.robustness.conftest import contact_data, make_world, meeting_data, url

VERSION = re.compile(r'name="edited_from" value="([^"]+)"')


def _version(page) -> str:
    found = VERSION.findall(page.content.decode())
    assert len(found) == 1, "the edit form carries the version it started from"
    return found[0]


def _contact(cast, world) -> Contact:
    return contact_log(
        school=cast.school,
        family=world.family,
        staff=cast.teacher,
        parents=[world.mum],
        summary="Chatted at the gate about the class trip.",
    )


def test_a_contact_saved_meanwhile_is_not_overwritten(cast, login, world):
    contact = _contact(cast, world)
    edit = url("families:contact-edit", contact.pk)
    mine = login(cast.teacher)
    started_from = _version(mine.get(edit))
    # A colleague saves first.
    contact_edit(
        contact=Contact.objects.get(pk=contact.pk),
        editor=cast.pastoral,
        parents=[world.mum],
        summary="Their version: mum asked about the trip money.",
    )
    data = contact_data(
        world,
        cast.teacher,
        summary="My version: mum will bring the form on Monday.",
        edited_from=started_from,
    )
    response = mine.post(edit, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this while you were editing it" in page
    assert "Their version: mum asked about the trip money." in page  # theirs, as saved now
    assert "My version: mum will bring the form on Monday." in page  # yours, as typed
    assert 'data-testid="edit-conflict"' in page
    # Said once: the box explains, the form's error only points to it.
    assert page.count("Someone else saved this while you were editing it") == 1
    assert page.count("Both versions are shown") == 1
    # The side-by-side table scrolls inside a region a keyboard can reach.
    assert 'tabindex="0" role="region" aria-labelledby="edit-conflict-heading"' in page
    labels = [r["label"] for r in response.context["conflict"]["rows"]]
    assert "Summary" in labels and "When" not in labels  # the same time is not a difference
    contact.refresh_from_db()
    assert contact.summary == "Their version: mum asked about the trip money."
    # Saving again, having seen both, keeps mine: the form moved on to their version.
    again = mine.post(edit, {**data, "edited_from": _version(response)})
    assert again.status_code == 302
    contact.refresh_from_db()
    assert contact.summary == "My version: mum will bring the form on Monday."


def test_an_unchanged_contact_saves_as_before(cast, login, world):
    contact = _contact(cast, world)
    edit = url("families:contact-edit", contact.pk)
    client = login(cast.teacher)
    data = contact_data(
        world, cast.teacher, summary="Corrected.", edited_from=_version(client.get(edit))
    )
    assert client.post(edit, data).status_code == 302
    contact.refresh_from_db()
    assert contact.summary == "Corrected."


def test_a_meeting_saved_meanwhile_is_not_overwritten(cast, login, world):
    meeting = world.meeting
    edit = url("meetings:meeting-edit", meeting.pk)
    mine = login(cast.pastoral)
    started_from = _version(mine.get(edit))
    theirs = Meeting.objects.get(pk=meeting.pk)
    meeting_services.meeting_update(
        meeting=theirs,
        children=[world.child],
        invited=[world.mum, world.dad],
        place_details="Their room: the library",
    )
    local = timezone.localtime(meeting.starts_at)
    data = meeting_data(
        cast,
        world,
        date=local.date().isoformat(),
        start="09:00",
        end="09:45",
        purpose=meeting.purpose,
        place_details="My room: the family room",
        edited_from=started_from,
    )
    response = mine.post(edit, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this while you were editing it" in page
    assert "Their room: the library" in page and "My room: the family room" in page
    rows = response.context["conflict"]["rows"]
    assert [r["label"] for r in rows] == ["Place details"]  # only what differs is compared
    meeting.refresh_from_db()
    assert meeting.place_details == "Their room: the library"
    again = mine.post(edit, {**data, "edited_from": _version(response)})
    assert again.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place_details == "My room: the family room"


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_is_kept_the_other_told(cast, compass_defaults):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests need PostgreSQL")
    world = make_world(cast)
    contact = _contact(cast, world)
    edit = url("families:contact-edit", contact.pk)
    started_from = contact.updated_at.isoformat()
    barrier = threading.Barrier(2)
    results = {}

    def save(user, summary):
        try:
            client = Client()
            client.force_login(user)
            otp_verify_session(client, user)
            data = contact_data(world, cast.teacher, summary=summary, edited_from=started_from)
            barrier.wait(timeout=10)
            results[summary] = client.post(edit, data)
        finally:
            connections.close_all()

    # Only a contact's author edits it (later corrections are amendments), so the race is the
    # author's laptop against their tablet; two staff racing on a meeting is the same lock.
    threads = [
        threading.Thread(target=save, args=(cast.teacher, "The teacher's version.")),
        threading.Thread(target=save, args=(cast.teacher, "The tablet's version.")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r.status_code for r in results.values()) == [200, 302]
    kept = next(s for s, r in results.items() if r.status_code == 302)
    told = next(r for r in results.values() if r.status_code == 200)
    assert "Someone else saved this while you were editing it" in told.content.decode()
    contact.refresh_from_db()
    assert contact.summary == kept
