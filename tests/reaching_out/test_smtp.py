"""Sending by e-mail through a real SMTP server on loopback: what arrives, what the outbox row
and the family's chronology then hold, refusals, retries, quiet hours and never twice."""

import datetime as dt
import re

import pytest
from django.conf import settings

from families.models import Contact, SchoolFamily
from family_voice import tokens
from reaching_out import services
from reaching_out.models import Channel, Kind, Message
from tests import factories

NEWS = "Isla read her poem about the river to the whole class, and it was lovely."


def _queue(cast, parents, children, *, kind=Kind.GOOD_NEWS, sender=None, words=NEWS, **kw):
    sender = sender or cast.teacher
    edits = kw.pop("edits", None)
    made = services.drafting(
        school=cast.school,
        sender=sender,
        kind=kind,
        parents=parents,
        children=children,
        words=words,
        **kw,
    )
    return services.queue(
        school=cast.school,
        sender=sender,
        drafting=made,
        edits=edits,
        meeting=kw.get("meeting"),
    )


@pytest.fixture
def ready(cast, rowans, templates, smtp_server, school_day):
    return rowans


def test_good_news_arrives_naming_the_child_and_the_senders_words(cast, ready, smtp_server):
    _sf, isla, mum, _dad = ready
    [message] = _queue(cast, [mum], [isla])
    assert (message.state, message.channel, message.to) == ("queued", "email", mum.email)

    run = services.send_due()

    assert run.sent == 1
    [got] = smtp_server.received
    assert got.rcpt_tos == ["ailsa@example.org"]
    assert got.message["To"] == "ailsa@example.org"
    assert got.message["From"] == settings.DEFAULT_FROM_EMAIL
    assert got.message["Subject"] == "Good news about Isla"
    body = got.text
    assert body.startswith("Dear Ailsa Rowan,")
    assert NEWS in body
    assert "Teacher" in body  # the sender, by name
    assert "Riverside Primary" in body
    # The stop line, and the same address as the one-click unsubscribe header.
    stop = re.search(r"To stop e-mails from the school, open (\S+/)\.? ", body).group(1)
    assert stop.startswith(settings.PORTAL_URL)
    assert got.message["List-Unsubscribe"] == f"<{stop}>"
    assert got.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = stop.rstrip("/").rsplit("/", 1)[-1]
    assert services.stop_token_read(token) == (mum.pk, Channel.EMAIL)
    assert got.message["Message-ID"] == f"<{message.reference}@localhost>"


def test_a_sent_email_is_marked_sent_and_logged_as_a_positive_contact(cast, ready, smtp_server):
    school_family, isla, mum, _dad = ready
    [message] = _queue(cast, [mum], [isla])

    services.send_due()

    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert message.provider == "smtp"
    assert message.provider_id == f"{message.reference}@localhost"
    assert message.attempts == 1
    assert message.sent_at is not None
    contact = message.contact
    assert contact is not None
    assert contact.channel == Contact.Channel.EMAIL
    assert contact.tone == "positive"
    assert contact.purpose == Contact.Purpose.GOOD_NEWS
    assert contact.staff == cast.teacher
    assert list(contact.parents.all()) == [mum]
    assert list(contact.children.all()) == [isla]
    assert NEWS in contact.summary
    assert list(Contact.objects.filter(family=school_family.family)) == [contact]
    school_family = SchoolFamily.objects.get(pk=school_family.pk)
    assert school_family.last_positive_at == message.sent_at
    assert school_family.positive_count == 1


def test_an_invitation_carries_the_calendar_file_and_the_parents_own_link(cast, ready, smtp_server):
    school_family, isla, mum, _dad = ready
    meeting = factories.MeetingFactory(
        school=cast.school, family=school_family.family, chair=cast.pastoral
    )
    meeting.children.add(isla)
    factories.MeetingParentFactory(meeting=meeting, parent=mum)
    [message] = _queue(
        cast, [mum], [isla], kind=Kind.INVITATION, sender=cast.pastoral, meeting=meeting
    )
    assert "{link}" in message.body  # no secret waits in the outbox

    services.send_due()

    [got] = smtp_server.received
    assert got.message["Subject"] == "An invitation to meet about Isla"
    files = got.attachments()
    ics = files[f"meeting-{meeting.pk}.ics"]
    assert b"BEGIN:VCALENDAR" in ics
    assert b"Meeting with Riverside Primary" in ics
    url = re.search(r"talk about here: (\S+)", got.text).group(1)
    assert url.startswith(settings.PORTAL_URL)
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    link = message.link
    assert (link.parent, link.purpose, link.meeting) == (mum, "views", meeting)
    link_id, secret = tokens.read(url.rstrip("/").rsplit("/", 1)[-1])
    assert link_id == link.pk
    assert tokens.matches(secret, link.digest)
    assert "{link}" not in got.text
    assert message.contact.tone == "neutral"


def test_an_address_refused_for_good_fails_in_words_with_no_contact(cast, ready, smtp_server):
    school_family, isla, mum, _dad = ready
    smtp_server.refuse("ailsa@example.org")
    [message] = _queue(cast, [mum], [isla])

    run = services.send_due()

    assert (run.sent, run.failed) == (0, 1)
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert "ailsa@example.org" in message.failure
    assert "550" in message.failure
    assert "You could try a letter or a phone call." in message.failure
    assert message.contact is None
    assert not Contact.objects.filter(family=school_family.family).exists()
    assert smtp_server.received == []


def test_a_busy_mailbox_is_tried_again_later(cast, ready, smtp_server, time_machine):
    _sf, isla, mum, _dad = ready
    smtp_server.try_later("ailsa@example.org")
    [message] = _queue(cast, [mum], [isla])
    start = message.send_after

    run = services.send_due()

    assert run.retrying == 1
    message.refresh_from_db()
    assert message.state == Message.State.QUEUED
    assert message.attempts == 1
    assert message.send_after == start + dt.timedelta(seconds=services.RETRY_AFTER[0])
    assert "try later (451)" in message.failure
    assert message.claimed_at is None
    # Not due yet: nothing is tried.
    assert services.send_due().retrying == 0
    smtp_server.accept("ailsa@example.org")
    time_machine.move_to(message.send_after, tick=False)

    assert services.send_due().sent == 1

    message.refresh_from_db()
    assert (message.state, message.attempts, message.failure) == ("sent", 2, "")
    assert len(smtp_server.to("ailsa@example.org")) == 1


def test_a_mailbox_busy_at_every_try_fails_after_the_last(cast, ready, smtp_server, time_machine):
    _sf, isla, mum, _dad = ready
    smtp_server.try_later("ailsa@example.org")
    [message] = _queue(cast, [mum], [isla])

    for _ in services.RETRY_AFTER:
        services.send_due()
        message.refresh_from_db()
        # The longest waits run into the evening: held for quiet hours.
        assert message.state in (Message.State.QUEUED, Message.State.HELD)
        time_machine.move_to(message.send_after, tick=False)
    services.send_due()

    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert message.attempts == len(services.RETRY_AFTER) + 1
    assert f"We tried {message.attempts} times." in message.failure
    assert "You could try a letter or a phone call." in message.failure
    assert message.contact is None
    assert smtp_server.received == []


def test_a_line_break_in_the_subject_makes_no_header(cast, ready, smtp_server):
    _sf, isla, mum, _dad = ready
    evil = "Good news\r\nBcc: x@evil.example"
    [message] = _queue(cast, [mum], [isla], edits={mum.pk: {"subject": evil}})
    assert message.edited

    services.send_due()

    [got] = smtp_server.received
    assert got.rcpt_tos == ["ailsa@example.org"]
    assert got.message["Subject"] == "Good news Bcc: x@evil.example"
    assert got.message["Bcc"] is None
    assert b"\nBcc:" not in got.raw
    assert smtp_server.to("x@evil.example") == []


def test_a_line_break_in_the_address_makes_no_header(cast, ready, smtp_server):
    _sf, isla, mum, dad = ready
    # An address that slipped past the form (an import, say).
    mum.email = "ailsa@example.org\r\nBcc: x@evil.example"
    mum.save(update_fields=["email"])
    dad.preferred_channel = "email"
    dad.save(update_fields=["preferred_channel"])
    message, _to_dad = _queue(cast, [mum, dad], [isla])

    run = services.send_due()

    # The worker carries on to the next message.
    assert (run.sent, run.failed) == (1, 1)
    [got] = smtp_server.received
    assert got.rcpt_tos == ["euan@example.org"]
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert "is not a whole e-mail address. Check the address with the parent." in message.failure
    assert "\n" not in message.failure


def test_a_message_written_on_saturday_waits_for_monday_morning(
    cast, rowans, templates, smtp_server, time_machine
):
    _sf, isla, mum, _dad = rowans
    saturday = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)
    time_machine.move_to(saturday, tick=False)
    [message] = _queue(cast, [mum], [isla])

    assert message.state == Message.State.HELD
    assert message.held_because == "the school's quiet hours"
    monday = dt.datetime(2026, 11, 23, 7, 30, tzinfo=dt.UTC)
    assert message.send_after == monday
    assert services.send_due().sent == 0
    time_machine.move_to(monday - dt.timedelta(minutes=1), tick=False)
    assert services.send_due().sent == 0
    assert smtp_server.received == []

    time_machine.move_to(monday, tick=False)
    assert services.send_due().sent == 1

    assert len(smtp_server.received) == 1
    message.refresh_from_db()
    assert message.state == Message.State.SENT


def test_a_message_written_at_ten_at_night_waits_for_the_morning(
    cast, rowans, templates, smtp_server, time_machine
):
    _sf, isla, mum, _dad = rowans
    time_machine.move_to(dt.datetime(2026, 11, 18, 22, 0, tzinfo=dt.UTC), tick=False)
    cast.school.quiet_from, cast.school.quiet_until = dt.time(21, 0), dt.time(8, 0)
    cast.school.save(update_fields=["quiet_from", "quiet_until"])
    [message] = _queue(cast, [mum], [isla])

    assert message.state == Message.State.HELD
    assert message.send_after == dt.datetime(2026, 11, 19, 8, 0, tzinfo=dt.UTC)
    assert services.send_due().sent == 0
    time_machine.move_to(message.send_after, tick=False)
    assert services.send_due().sent == 1
    assert len(smtp_server.received) == 1


def test_sending_twice_sends_nothing_twice(cast, ready, smtp_server):
    _sf, isla, mum, dad = ready
    dad.preferred_channel = "email"
    dad.save(update_fields=["preferred_channel"])
    made = _queue(cast, [mum, dad], [isla])
    assert len(made) == 2

    first, second = services.send_due(), services.send_due()

    assert (first.sent, second.sent) == (2, 0)
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "ailsa@example.org",
        "euan@example.org",
    ]
    assert Contact.objects.filter(message__in=made).count() == 2
    # Each parent's e-mail names only them.
    for got in smtp_server.received:
        other = "Euan" if got.rcpt_tos == ["ailsa@example.org"] else "Ailsa"
        assert other not in got.text


def test_a_restriction_recorded_while_a_message_waits_stops_it(
    cast, rowans, templates, smtp_server, time_machine
):
    _sf, isla, mum, dad = rowans
    dad.preferred_channel = "email"
    dad.save(update_fields=["preferred_channel"])
    time_machine.move_to(dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC), tick=False)
    to_mum, to_dad = _queue(cast, [mum, dad], [isla])
    assert to_dad.state == Message.State.HELD
    # On Sunday a court order is recorded: Euan is not to be told about school.
    words = "Interim order: no information about the children's school to Euan Rowan."
    dad.child_links.update(restriction=words)
    time_machine.move_to(to_dad.send_after, tick=False)

    run = services.send_due()

    assert (run.sent, run.failed) == (1, 1)
    assert [r.rcpt_tos for r in smtp_server.received] == [["ailsa@example.org"]]
    to_dad.refresh_from_db()
    assert to_dad.state == Message.State.FAILED
    assert f"a recorded restriction applies: “{words}”" in to_dad.failure
    assert "try a letter" not in to_dad.failure
    assert to_dad.contact is None


def test_a_message_from_someone_who_has_since_left_still_goes_and_is_marked_sent(
    cast, ready, smtp_server
):
    school_family, isla, mum, dad = ready
    dad.preferred_channel = "email"
    dad.save(update_fields=["preferred_channel"])
    to_mum, to_dad = _queue(cast, [mum, dad], [isla])
    cast.teacher.memberships.update(is_active=False)

    run = services.send_due()

    assert run.sent == 2
    assert len(smtp_server.received) == 2
    for message in (to_mum, to_dad):
        message.refresh_from_db()
        assert message.state == Message.State.SENT
        # Not a contact: the chronology takes only those who work with families here.
        assert message.contact is None


def test_a_server_that_is_down_is_tried_again_later(cast, ready, smtp_server):
    _sf, isla, mum, _dad = ready
    [message] = _queue(cast, [mum], [isla])
    smtp_server.stop()

    assert services.send_due().retrying == 1

    message.refresh_from_db()
    assert (message.state, message.attempts) == ("queued", 1)
    assert message.failure.startswith("The e-mail server could not be reached")


def test_an_email_the_server_will_never_take_fails_in_words(cast, ready, smtp_server):
    _sf, isla, mum, _dad = ready
    smtp_server.refuse_data("552 5.3.4 Message size exceeds fixed limit")
    [message] = _queue(cast, [mum], [isla])

    assert services.send_due().failed == 1

    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert message.failure == (
        "The e-mail server refused this e-mail (552 5.3.4 Message size exceeds fixed limit). "
        "You could try a letter or a phone call."
    )


def test_an_email_the_server_cannot_take_now_is_tried_again(cast, ready, smtp_server, time_machine):
    _sf, isla, mum, _dad = ready
    smtp_server.refuse_data("452 4.3.1 Insufficient system storage")
    [message] = _queue(cast, [mum], [isla])

    assert services.send_due().retrying == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("queued", 1)

    smtp_server.refuse_data("")
    time_machine.move_to(message.send_after, tick=False)
    assert services.send_due().sent == 1
    assert len(smtp_server.received) == 1


def test_a_retry_that_would_fall_in_quiet_hours_waits_for_the_morning(
    cast, rowans, templates, smtp_server, time_machine
):
    _sf, isla, mum, _dad = rowans
    time_machine.move_to(dt.datetime(2026, 11, 18, 17, 59, 30, tzinfo=dt.UTC), tick=False)
    smtp_server.try_later("ailsa@example.org")
    [message] = _queue(cast, [mum], [isla])
    assert message.state == Message.State.QUEUED

    services.send_due()

    message.refresh_from_db()
    assert message.state == Message.State.HELD
    assert message.send_after == dt.datetime(2026, 11, 19, 7, 30, tzinfo=dt.UTC)
    assert message.held_because == "the school's quiet hours"
    smtp_server.accept("ailsa@example.org")
    time_machine.move_to(dt.datetime(2026, 11, 18, 18, 1, tzinfo=dt.UTC), tick=False)
    assert services.send_due().sent == 0
    time_machine.move_to(message.send_after, tick=False)
    assert services.send_due().sent == 1
