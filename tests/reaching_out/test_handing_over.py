"""A worker stopped between claiming a message and handing it over sent nothing, so the message
is sent again (once); one stopped while handing over may have sent it, so it is shown as "may
have gone" and never sent again; and a worker too slow to keep its claim sends nothing once the
claim was taken back (issue 22's task-worker drill, docs/cluster.md)."""

import datetime as dt

import pytest
from django.utils import timezone

from reaching_out import channels, services
from reaching_out.models import Message
from tests.reaching_out.test_smtp import NEWS, _queue

State = Message.State


@pytest.fixture
def ready(cast, rowans, templates, smtp_server, school_day):
    return rowans


def _claimed_and_stopped(cast, ready, *, handed_over: bool) -> Message:
    """Claimed by a worker an hour ago, which then stopped (before or while handing over)."""
    _sf, isla, mum, _dad = ready
    [message] = _queue(cast, [mum], [isla])
    claimed = services._claim(timezone.now())
    assert claimed.pk == message.pk and claimed.state == State.SENDING
    if handed_over:
        assert services._handing_over(claimed)
    Message.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    return message


def test_a_worker_stopped_before_handing_over_sent_nothing_so_it_goes_once(
    cast, ready, smtp_server
):
    message = _claimed_and_stopped(cast, ready, handed_over=False)

    run = services.send_due()

    assert (run.recovered, run.sent) == (1, 1)
    assert len(smtp_server.received) == 1
    assert NEWS in smtp_server.received[0].text
    message.refresh_from_db()
    assert (message.state, message.provider) == (State.SENT, "smtp")
    assert message.contact is not None
    assert services.send_due().sent == 0
    assert len(smtp_server.received) == 1


def test_a_worker_stopped_while_handing_over_may_have_sent_it_so_it_is_not_sent_again(
    cast, ready, smtp_server
):
    message = _claimed_and_stopped(cast, ready, handed_over=True)

    run = services.send_due()

    assert (run.recovered, run.sent) == (1, 0)
    assert smtp_server.received == []
    message.refresh_from_db()
    assert message.state == State.UNSURE
    assert "Check with the parent before sending it again" in message.failure
    assert services.send_due().sent == 0


def test_a_worker_whose_claim_was_taken_back_sends_nothing(cast, ready, smtp_server):
    _sf, isla, mum, _dad = ready
    [message] = _queue(cast, [mum], [isla])
    slow = services._claim(timezone.now())  # a worker claims it, then stalls before sending
    # Its claim runs out; another run takes the message back (never handed over: queued).
    assert services.recover_stalled(now=timezone.now() + dt.timedelta(hours=1)) == 1
    message.refresh_from_db()
    assert message.state == State.QUEUED

    # The slow worker wakes up: it must not send what is no longer its own.
    services._read_with(slow, {})
    with channels.Sender() as sender:
        assert services._send_one(slow, sender) == "retrying"
    assert smtp_server.received == []

    assert services.send_due().sent == 1
    assert len(smtp_server.received) == 1


def test_a_try_the_server_refused_is_not_counted_as_handed_over(
    cast, ready, smtp_server, time_machine
):
    _sf, isla, mum, _dad = ready
    smtp_server.try_later(mum.email)
    [message] = _queue(cast, [mum], [isla])

    assert services.send_due().retrying == 1

    message.refresh_from_db()
    assert (message.state, message.provider) == (State.QUEUED, "")
