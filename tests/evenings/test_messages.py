"""What parents are sent about an evening, through the outbox (issue 20, point 7): the
invitation to each invited adult on their own channel with their own link, the confirmation of a
booking with a calendar file, the reminder the day before (one per parent, never twice), each a
contact in the family's chronology, in the parent's language where the school has the words."""

import datetime as dt
import importlib
import json
import re
import uuid
from io import StringIO

import pytest
import responses
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar

from evenings import messages, services
from evenings.models import Booking, Invitation, Sitting, Slot, Way
from families.models import Contact
from family_voice.models import ParentLink, Purpose
from portal.lib.words import staff_name
from reaching_out import services as outbox
from reaching_out.models import Channel, Kind, Message
from tests.evenings.conftest import EVENING_DAY, at, link_path
from tests.reaching_out import conftest as reaching_out

# The outbox's fixtures: a real SMTP server on loopback, and the test's own English words.
smtp_server = reaching_out.smtp_server
templates = reaching_out.templates

API = "https://api.notifications.service.gov.uk"
SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
EVENING_WORDS = importlib.import_module("reaching_out.migrations.0004_evening_templates")


@pytest.fixture
def notify_texts(settings):
    """Texts on through GOV.UK Notify (its HTTP API faked, each text accepted); e-mails still
    go by SMTP to the test server."""
    settings.NOTIFY_API_KEY = f"parent_compass_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_BASE_URL = API
    settings.NOTIFY_TEXT_TEMPLATE = "8c1c3f9e-4a36-4c48-9f1c-5f4e1d1a1b2c"
    settings.NOTIFY_TEXT_STOP = False

    def accepted(request):
        sent = json.loads(request.body)
        notification_id = str(uuid.uuid4())
        answer = {
            "id": notification_id,
            "reference": sent.get("reference"),
            "content": {"body": "…"},
            "uri": f"{API}/v2/notifications/{notification_id}",
            "template": {"id": sent["template_id"], "version": 1, "uri": f"{API}/v2/t"},
        }
        return 201, {}, json.dumps(answer)

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, f"{API}/v2/notifications/sms", callback=accepted)
        yield mock


@pytest.fixture
def ready(spring, templates, smtp_server):
    return spring


def _slot(spring, staff, hour, minute=0):
    return Slot.objects.get(
        evening=spring.evening, staff=staff, starts_at=at(EVENING_DAY, hour, minute)
    )


def _book(spring, staff, hour, minute, parent, children, way=Way.IN_PERSON):
    return services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, staff, hour, minute),
        parent=parent,
        children=children,
        way=way,
        confirm=False,
    )


def _texts_posted(mock):
    return [json.loads(c.request.body) for c in mock.calls if c.request.method == "POST"]


def _attachment(got, filename):
    [part] = [p for p in got.message.iter_attachments() if p.get_filename() == filename]
    return part


# The invitation ----------------------------------------------------------------------------


def test_each_invited_adult_gets_one_invitation_on_their_own_channel(cast, ready, notify_texts):
    spring = ready
    queued, refused = messages.invitations_send(evening=spring.evening, by=cast.headteacher)

    assert (queued, refused) == (4, [])
    sent = Message.objects.filter(kind=Kind.EVENING_INVITE)
    by_parent = {m.parent: m for m in sent}
    assert set(by_parent) == {spring.mum, spring.dad, spring.samira, spring.niamh}
    assert spring.sean not in by_parent  # a recorded restriction: no invitation, no link
    assert by_parent[spring.mum].channel == Channel.EMAIL
    assert by_parent[spring.dad].channel == Channel.TEXT
    assert all(m.topic == f"evening:{spring.evening.pk}" for m in sent)
    mum = by_parent[spring.mum]
    assert mum.subject == "Spring parents' evening: book a time to talk about Isla and Finn" or (
        mum.subject == "Spring parents' evening: book a time to talk about Finn and Isla"
    )
    assert "Tuesday 24 November, 15:30-17:30; Tuesday 24 November, 18:00-19:00" in mum.body
    assert "you can book until Monday 23 November, 18:00" in mum.body
    assert "{link}" in mum.body  # made at sending: no secret waits in the outbox
    spring.evening.refresh_from_db()
    assert spring.evening.invitations_sent_at is not None

    # Again: nobody is invited twice.
    assert messages.invitations_send(evening=spring.evening, by=cast.headteacher) == (0, [])
    assert Message.objects.filter(kind=Kind.EVENING_INVITE).count() == 4


def test_an_invitation_arrives_with_a_link_to_the_parents_evening_page(
    cast, ready, smtp_server, notify_texts, client
):
    spring = ready
    messages.invitations_send(evening=spring.evening, by=cast.headteacher)

    run = outbox.send_due()

    assert (run.sent, run.failed) == (4, 0)
    [got] = smtp_server.to("ailsa@example.org")
    assert got.message["Subject"].startswith("Spring parents' evening: book a time")
    assert got.text.startswith("Dear Ailsa Rowan,")
    assert "Headteacher" in got.text or staff_name(cast.headteacher) in got.text
    url = re.search(r"Choose a time here: (\S+)", got.text).group(1)
    # The link opens the parent's evening page, behind the second check (a child is shown).
    page = client.get(link_path(url))
    assert page.status_code == 200
    assert "Check it is you" in page.content.decode()
    link = ParentLink.objects.get(parent=spring.mum, purpose=Purpose.EVENING)
    assert link.expires_at == messages.link_until(spring.evening)
    assert link.expires_at == at(EVENING_DAY, 19) + dt.timedelta(days=1)
    assert Invitation.objects.get(evening=spring.evening, parent=spring.mum).link == link

    # Euan's text, through Notify, with his own link.
    [text] = [t for t in _texts_posted(notify_texts) if t["phone_number"] == "07700 900456"]
    body = text["personalisation"]["body"]
    assert "Spring parents' evening" in body and "{link}" not in body
    dads = ParentLink.objects.get(parent=spring.dad, purpose=Purpose.EVENING)
    assert dads != link

    # Each is a contact in the family's chronology, under the sender.
    message = Message.objects.get(kind=Kind.EVENING_INVITE, parent=spring.mum)
    assert message.state == Message.State.SENT
    contact = message.contact
    assert contact.family == spring.rowans.family
    assert contact.staff == cast.headteacher
    assert contact.channel == Contact.Channel.EMAIL
    assert contact.purpose == Contact.Purpose.INFORMATION
    assert list(contact.parents.all()) == [spring.mum]
    assert Contact.objects.filter(family=spring.rowans.family).count() == 2  # mum and dad


# The confirmation ------------------------------------------------------------------------


def test_a_booking_sends_its_confirmation_with_a_calendar_file(
    cast, ready, smtp_server, django_capture_on_commit_callbacks
):
    spring = ready
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_make(
            evening=spring.evening,
            slot=_slot(spring, cast.teacher, 15, 30),
            parent=spring.mum,
            children=[spring.isla],
            confirm=True,
        )
    outbox.send_due()  # whatever the task worker has not sent yet

    [message] = Message.objects.filter(kind=Kind.EVENING_BOOKED)
    assert (message.parent, message.channel) == (spring.mum, Channel.EMAIL)
    line = f"- Tuesday 24 November, 15:30: {staff_name(cast.teacher)} (Isla), in person, Room 4"
    assert line in message.body
    [got] = smtp_server.to("ailsa@example.org")
    assert got.message["Subject"] == "Your times at Spring parents' evening"
    assert line in got.text
    assert "To change or cancel: http" in got.text
    part = _attachment(got, f"parents-evening-{spring.evening.pk}.ics")
    assert part.get_content_type() == "text/calendar"
    ics = part.get_payload(decode=True)
    assert b"DTSTART:20261124T153000Z" in ics
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart") == at(EVENING_DAY, 15, 30)
    assert str(event["location"]) == "Riverside Primary, Room 4"
    assert str(event["uid"]).startswith(f"evening-booking-{booking.pk}@")
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.contact is not None


def test_no_confirmation_when_the_booking_is_not_saved(
    cast, ready, django_capture_on_commit_callbacks
):
    spring = ready
    slot = _slot(spring, cast.teacher, 15, 30)
    _book(spring, cast.teacher, 15, 30, spring.samira, [spring.amir])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.BookingRefused):
        services.booking_make(
            evening=spring.evening, slot=slot, parent=spring.mum, children=[spring.isla]
        )
    assert not Message.objects.filter(kind=Kind.EVENING_BOOKED).exists()


# The reminder ----------------------------------------------------------------------------


@pytest.fixture
def booked(cast, ready):
    """Ailsa has two appointments (Isla in Room 4 at 15:30, Finn by video at 18:00), Samira
    one, Niamh cancelled hers; booked without confirmations."""
    spring = ready
    _book(spring, cast.teacher, 15, 30, spring.mum, [spring.isla])
    _book(spring, spring.p5_teacher, 18, 0, spring.mum, [spring.finn], way=Way.VIDEO)
    _book(spring, cast.teacher, 15, 50, spring.samira, [spring.amir])
    niamhs = _book(spring, cast.teacher, 16, 0, spring.niamh, [spring.kai])
    services.booking_cancel(booking=niamhs)
    return spring


def test_no_reminders_before_the_day_before(booked):
    assert messages.reminders_send() == 0
    assert not Message.objects.filter(kind=Kind.EVENING_REMINDER).exists()


def test_the_day_before_each_parent_gets_one_reminder_of_all_their_times(
    cast, booked, time_machine, smtp_server
):
    spring = booked
    time_machine.move_to(at(dt.date(2026, 11, 23), 16), tick=False)

    assert messages.reminders_send() == 2

    reminders = Message.objects.filter(kind=Kind.EVENING_REMINDER)
    assert {m.parent for m in reminders} == {spring.mum, spring.samira}  # not Niamh: cancelled
    mums = reminders.get(parent=spring.mum)
    assert mums.subject == "A reminder: Spring parents' evening is tomorrow"
    assert (
        f"- Tuesday 24 November, 15:30: {staff_name(cast.teacher)} (Isla), in person, Room 4"
        in mums.body
    )
    assert (
        f"- Tuesday 24 November, 18:00: {staff_name(spring.p5_teacher)} (Finn), by video call: "
        "https://meet.example.org/reid" in mums.body
    )
    assert not Booking.objects.filter(parent=spring.mum, reminded_at=None).exists()
    assert Booking.objects.get(parent=spring.niamh).reminded_at is None

    # Run again (cron twice, or a second worker): none twice.
    assert messages.reminders_send() == 0
    assert reminders.count() == 2

    outbox.send_due()
    [got] = smtp_server.to("ailsa@example.org")
    assert "https://meet.example.org/reid" in got.text
    ics = _attachment(got, f"parents-evening-{spring.evening.pk}.ics").get_payload(decode=True)
    events = Calendar.from_ical(ics).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [
        at(EVENING_DAY, 15, 30),
        at(EVENING_DAY, 18),
    ]
    assert str(events[1]["url"]) == "https://meet.example.org/reid"
    mums.refresh_from_db()
    assert mums.contact is not None and mums.contact.family == spring.rowans.family


def test_a_booking_made_after_the_reminders_went_is_reminded_of_once(cast, booked, time_machine):
    spring = booked
    time_machine.move_to(at(dt.date(2026, 11, 23), 16), tick=False)
    messages.reminders_send()
    # The office books Niamh again after the cut-off, once reminders have gone.
    services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, cast.teacher, 16, 10),
        parent=spring.niamh,
        children=[spring.kai],
        by=cast.headteacher,
        confirm=False,
    )

    assert messages.reminders_send() == 1
    [niamhs] = Message.objects.filter(kind=Kind.EVENING_REMINDER, parent=spring.niamh)
    assert "16:10" in niamhs.body and "16:00" not in niamhs.body
    assert messages.reminders_send() == 0


def test_an_evening_over_two_days_reminds_of_each_day_the_day_before(cast, ready, time_machine):
    spring = ready
    wednesday = EVENING_DAY + dt.timedelta(days=1)
    services.sitting_add(
        evening=spring.evening,
        sitting=Sitting(
            starts_at=at(wednesday, 15, 30),
            ends_at=at(wednesday, 16, 30),
            in_person=True,
            phone=True,
            video=False,
            place="Main hall",
        ),
    )
    _book(spring, cast.teacher, 15, 30, spring.mum, [spring.isla])
    services.booking_make(
        evening=spring.evening,
        slot=Slot.objects.get(staff=spring.p5_teacher, starts_at=at(wednesday, 15, 30)),
        parent=spring.mum,
        children=[spring.finn],
        confirm=False,
    )

    time_machine.move_to(at(dt.date(2026, 11, 23), 16), tick=False)
    assert messages.reminders_send() == 1
    [monday] = Message.objects.filter(kind=Kind.EVENING_REMINDER)
    assert "Tuesday 24 November, 15:30" in monday.body
    assert "Wednesday 25 November" not in monday.body  # not tomorrow: its own reminder later

    time_machine.move_to(at(EVENING_DAY, 16), tick=False)
    assert messages.reminders_send() == 1
    tuesday = Message.objects.filter(kind=Kind.EVENING_REMINDER).exclude(pk=monday.pk).get()
    assert "Wednesday 25 November, 15:30" in tuesday.body
    assert "Tuesday 24 November" not in tuesday.body
    assert not Booking.objects.filter(reminded_at=None).exists()


def test_the_reminders_command_says_how_many_it_queued(booked, time_machine):
    time_machine.move_to(at(dt.date(2026, 11, 23), 16), tick=False)
    out = StringIO()
    call_command("evening_reminders", stdout=out)
    assert out.getvalue().strip() == "2 reminder(s) queued."
    out = StringIO()
    call_command("evening_reminders", stdout=out)
    assert out.getvalue().strip() == "0 reminder(s) queued."


# In the parent's language ------------------------------------------------------------------


def test_a_parent_who_reads_urdu_gets_the_portals_urdu_words(cast, ready, time_machine):
    spring = ready
    EVENING_WORDS.seed(apps, None)  # the migration's words in every language

    messages.invitations_send(evening=spring.evening, by=cast.headteacher)

    invite = Message.objects.get(kind=Kind.EVENING_INVITE, parent=spring.samira)
    assert invite.language == "ur"
    assert invite.subject == (
        "Spring parents' evening: Amir کے بارے میں بات کرنے کے لیے وقت بک کریں"
    )
    assert invite.body.startswith("محترم/محترمہ Samira Khan،")
    assert "{link}" in invite.body
    assert not invite.interpreter_line  # her own language: no offer of an interpreter needed
    with translation.override("ur"):
        day = date_format(timezone.localtime(at(EVENING_DAY, 15, 30)), "l j E")
    assert f"کب: {day}, 15:30-17:30" in invite.body
    # Everyone else still gets English.
    assert Message.objects.get(kind=Kind.EVENING_INVITE, parent=spring.mum).language == "en-gb"

    _book(spring, cast.teacher, 15, 50, spring.samira, [spring.amir])
    time_machine.move_to(at(dt.date(2026, 11, 23), 16), tick=False)
    messages.reminders_send()
    reminder = Message.objects.get(kind=Kind.EVENING_REMINDER, parent=spring.samira)
    assert reminder.language == "ur"
    assert reminder.subject == "یاد دہانی: Spring parents' evening کل ہے"
    assert f"- {day}, 15:50: {staff_name(cast.teacher)} (Amir)" in reminder.body


def test_her_urdu_invitation_arrives_in_urdu(cast, ready, smtp_server):
    spring = ready
    EVENING_WORDS.seed(apps, None)
    messages.invitations_send(evening=spring.evening, by=cast.headteacher)

    outbox.send_due()

    [got] = smtp_server.to("samira@example.org")
    assert got.message["Subject"] == (
        "Spring parents' evening: Amir کے بارے میں بات کرنے کے لیے وقت بک کریں"
    )
    assert got.text.startswith("محترم/محترمہ Samira Khan،")
    assert "{link}" not in got.text and "آپ یہاں اپنی سہولت کا وقت چن سکتے ہیں: http" in got.text
