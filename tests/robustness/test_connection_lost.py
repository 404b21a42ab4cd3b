"""Trust 10(a): the database connection dies while a contact or meeting is being saved. The user
sees the form again with their text and a plain message, and the database holds all of the
record or none of it. The connection is really killed (pg_terminate_backend from a second
connection), so these tests need PostgreSQL."""

import psycopg2
import pytest
from django.db import connection

from families import services as family_services
from families.models import Contact
from meetings.models import Meeting, MeetingParent
from portal.lib.saving import MESSAGE
from tests.robustness.conftest import contact_data, meeting_data, url

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY = "Mum rang: Robin's gran is in hospital, so mornings are hard this week."


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("kills a PostgreSQL connection")


def _kill_this_connection():
    """Terminate the portal's own database session from outside, as a failover or a network
    cut would, and wait until it is gone."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    other = psycopg2.connect(**params)
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    finally:
        other.close()


def _killing_before(monkeypatch, target, name):
    real = getattr(target, name)

    def killed_then_real(*args, **kwargs):
        _kill_this_connection()
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, killed_then_real)


@pytest.mark.parametrize(
    "where",
    ["before the insert", "after the insert, before the rest"],
)
def test_a_contact_is_not_lost_when_the_connection_dies(cast, login, world, monkeypatch, where):
    client = login(cast.teacher)
    if where == "before the insert":
        _killing_before(monkeypatch, Contact, "save")
    else:  # the contact row is written, its summary update is not
        _killing_before(monkeypatch, family_services, "_summary_refresh_one")
    add = url("families:contact-add", world.family.pk)
    response = client.post(add, contact_data(world, cast.teacher, summary=SUMMARY))
    monkeypatch.undo()
    page = response.content.decode()
    assert response.status_code == 503  # the form again, answered "not now"
    assert MESSAGE.replace("—", "&mdash;") in page or MESSAGE in page
    assert SUMMARY.replace("'", "&#x27;") in page  # the text is still in the form
    assert Contact.objects.count() == 0  # none of it: no contact without its people
    # Trying again works.
    assert client.post(add, contact_data(world, cast.teacher, summary=SUMMARY)).status_code == 302
    assert Contact.objects.get().parents.get() == world.mum


def test_a_contact_edit_is_not_lost_when_the_connection_dies(cast, login, world, monkeypatch):
    contact = family_services.contact_log(
        school=cast.school,
        family=world.family,
        staff=cast.teacher,
        parents=[world.mum],
        summary="Chatted at the gate.",
    )
    client = login(cast.teacher)
    _killing_before(monkeypatch, Contact, "save")
    edit = url("families:contact-edit", contact.pk)
    response = client.post(edit, contact_data(world, cast.teacher, summary=SUMMARY))
    monkeypatch.undo()
    assert response.status_code == 503  # the form again, answered "not now"
    assert SUMMARY.replace("'", "&#x27;") in response.content.decode()
    contact.refresh_from_db()
    assert contact.summary == "Chatted at the gate."


@pytest.mark.parametrize("where", ["before the insert", "after the insert, before the rest"])
def test_a_meeting_is_not_lost_when_the_connection_dies(cast, login, world, monkeypatch, where):
    client = login(cast.pastoral)
    before = Meeting.objects.count()
    if where == "before the insert":
        _killing_before(monkeypatch, Meeting, "save")
    else:  # the meeting row is written, its invitations are not
        _killing_before(monkeypatch, MeetingParent, "save")
    purpose = "To plan Robin's <b>return</b> after the hospital stay"
    add = url("meetings:meeting-add", world.family.pk)
    response = client.post(add, meeting_data(cast, world, purpose=purpose))
    monkeypatch.undo()
    page = response.content.decode()
    assert response.status_code == 503  # the form again, answered "not now"
    assert "please try again" in page
    assert "To plan Robin&#x27;s &lt;b&gt;return&lt;/b&gt; after the hospital stay" in page
    assert Meeting.objects.count() == before
    assert MeetingParent.objects.filter(meeting__purpose=purpose).count() == 0
