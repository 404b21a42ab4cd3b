"""The demo's messages at Castlebrae: one of each thing the outbox shows, made once."""

import importlib

from django.apps import apps
from django.core.management import call_command

from demo import messages
from families.models import Contact
from reaching_out.letters import batch_pdf
from reaching_out.models import Channel, Message
from reaching_out.services import letters_print

State = Message.State


def test_the_demo_outbox_shows_each_state_once(db):
    # The portal's words (a flushed test database may have lost the data migration's rows).
    importlib.import_module("reaching_out.migrations.0002_default_templates").seed(apps, None)
    call_command("load_demo", quiet_logins=True)
    rows = list(Message.objects.select_related("parent", "contact", "school"))
    messages.load()
    assert Message.objects.count() == len(rows) == 6

    by_state = {}
    for row in rows:
        by_state.setdefault(row.state, []).append(row)
        assert row.school.name == "Castlebrae Primary School"
        assert row.parent.full_name in row.body  # each addressed to its own reader
    [sent] = by_state[State.SENT]
    assert sent.channel == Channel.EMAIL and sent.contact is not None
    assert sent.contact.tone == "positive" and sent.contact.channel == Contact.Channel.EMAIL
    assert "Ellie" in sent.body
    [held] = by_state[State.HELD]
    assert held.held_because and held.send_after > sent.sent_at
    [failed] = by_state[State.FAILED]
    assert "You could try a letter or a phone call." in failed.failure
    [call] = by_state[State.TO_CALL]
    assert call.channel == Channel.CALL and call.parent.reading == "spoken"
    letters = by_state[State.TO_PRINT]
    assert {m.language for m in letters} == {"en-gb", "ar"}
    assert all(m.channel == Channel.LETTER for m in letters)
    batch = letters_print(school=sent.school, by=sent.sent_by, messages=letters)
    assert batch_pdf(batch).startswith(b"%PDF")
