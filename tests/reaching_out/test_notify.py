"""Sending through GOV.UK Notify, against its documented API with the HTTP layer faked
(`responses`): what is posted, the ids kept, its error answers, delivery statuses by callback
or polling, and a worker that stopped part-way taken back without sending twice."""

import datetime as dt
import json
import uuid

import pytest
import responses
from responses import matchers

from families.models import Contact
from reaching_out import services
from reaching_out.models import Channel, Kind, Message

API = "https://api.notifications.service.gov.uk"
SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
TEXT_TEMPLATE = "8c1c3f9e-4a36-4c48-9f1c-5f4e1d1a1b2c"
NEWS = "Isla helped a new pupil find her way round the school all week."


@pytest.fixture
def notify(settings):
    """Notify set up for e-mails and texts, its HTTP API faked: register answers on the
    returned RequestsMock; anything not registered fails the request."""
    settings.MESSAGES_EMAIL_VIA = "notify"
    settings.NOTIFY_API_KEY = f"parent_compass_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_BASE_URL = API
    settings.NOTIFY_EMAIL_TEMPLATE = EMAIL_TEMPLATE
    settings.NOTIFY_TEXT_TEMPLATE = TEXT_TEMPLATE
    settings.NOTIFY_TEXT_STOP = False
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def ready(cast, rowans, templates, notify, school_day):
    return rowans


def _queue(cast, parents, children, *, kind=Kind.GOOD_NEWS, words=NEWS):
    made = services.drafting(
        school=cast.school,
        sender=cast.teacher,
        kind=kind,
        parents=parents,
        children=children,
        words=words,
    )
    return services.queue(school=cast.school, sender=cast.teacher, drafting=made)


def _accepted(message, kind="email"):
    """Notify's 201 answer to a send, with its own id."""
    notification_id = str(uuid.uuid4())
    content = {"subject": message.subject, "body": "…"} if kind == "email" else {"body": "…"}
    return notification_id, {
        "id": notification_id,
        "reference": str(message.reference),
        "content": content,
        "uri": f"{API}/v2/notifications/{notification_id}",
        "template": {"id": EMAIL_TEMPLATE, "version": 1, "uri": f"{API}/v2/template/x"},
    }


def _posted(notify):
    return [json.loads(call.request.body) for call in notify.calls if call.request.method == "POST"]


def test_an_email_goes_to_notify_with_the_words_and_our_reference(cast, ready, notify):
    _sf, isla, mum, _dad = ready
    [message] = _queue(cast, [mum], [isla])
    notification_id, answer = _accepted(message)
    notify.post(f"{API}/v2/notifications/email", json=answer, status=201)

    assert services.send_due().sent == 1

    [sent] = _posted(notify)
    assert sent["email_address"] == "ailsa@example.org"
    assert sent["template_id"] == EMAIL_TEMPLATE
    assert sent["reference"] == str(message.reference)
    assert sent["personalisation"]["subject"] == "Good news about Isla"
    body = sent["personalisation"]["body"]
    assert body.startswith("Dear Ailsa Rowan,")
    assert NEWS in body
    assert sent["one_click_unsubscribe_url"] in body
    assert notify.calls[0].request.headers["Authorization"].startswith("Bearer ")
    message.refresh_from_db()
    assert (message.state, message.provider, message.provider_id) == (
        "sent",
        "notify",
        notification_id,
    )
    assert message.contact.channel == Contact.Channel.EMAIL
    assert message.contact.tone == "positive"


def test_a_text_goes_to_notify_with_the_number_and_the_short_words(cast, ready, notify):
    _sf, isla, _mum, dad = ready
    [message] = _queue(cast, [dad], [isla])
    assert message.channel == Channel.TEXT
    notification_id, answer = _accepted(message, "sms")
    notify.post(f"{API}/v2/notifications/sms", json=answer, status=201)

    assert services.send_due().sent == 1

    [sent] = _posted(notify)
    teacher = cast.teacher.get_full_name()
    assert sent == {
        "phone_number": "07700 900456",
        "template_id": TEXT_TEMPLATE,
        "personalisation": {"body": f"Riverside Primary: good news about Isla. {NEWS} {teacher}"},
        "reference": str(message.reference),
    }
    message.refresh_from_db()
    assert (message.state, message.provider_id) == ("sent", notification_id)
    assert message.contact.channel == Contact.Channel.TEXT
    assert list(message.contact.parents.all()) == [dad]


def test_a_number_notify_refuses_fails_with_notifys_words(cast, ready, notify):
    school_family, isla, _mum, dad = ready
    [message] = _queue(cast, [dad], [isla])
    notify.post(
        f"{API}/v2/notifications/sms",
        status=400,
        json={
            "status_code": 400,
            "errors": [
                {"error": "ValidationError", "message": "phone_number Not a UK mobile number"}
            ],
        },
    )

    assert services.send_due().failed == 1

    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert message.failure == (
        "GOV.UK Notify refused it: phone_number Not a UK mobile number. "
        "You could try an e-mail or a phone call."
    )
    assert message.provider_id == ""
    assert not Contact.objects.filter(family=school_family.family).exists()


@pytest.mark.parametrize(
    ("status", "errors", "words"),
    [
        (
            429,
            [{"error": "RateLimitError", "message": "Exceeded rate limit for key type LIVE"}],
            "GOV.UK Notify asked us to slow down; we will try again.",
        ),
        (
            500,
            [{"error": "Exception", "message": "Internal server error"}],
            "GOV.UK Notify had a problem (500).",
        ),
        (
            403,
            [{"error": "AuthError", "message": "Invalid token: API key not found"}],
            "GOV.UK Notify refused our key (Invalid token: API key not found). "
            "Tell the portal's administrators.",
        ),
    ],
)
def test_a_busy_or_broken_notify_is_tried_again_later(
    cast, ready, notify, time_machine, status, errors, words
):
    _sf, isla, mum, _dad = ready
    [message] = _queue(cast, [mum], [isla])
    start = message.send_after
    notify.post(
        f"{API}/v2/notifications/email",
        status=status,
        json={"status_code": status, "errors": errors},
    )

    assert services.send_due().retrying == 1

    message.refresh_from_db()
    assert message.state == Message.State.QUEUED
    assert message.attempts == 1
    assert message.send_after == start + dt.timedelta(seconds=services.RETRY_AFTER[0])
    assert message.failure == words
    assert message.contact is None
    # Later, Notify takes it.
    notify.replace(
        responses.POST, f"{API}/v2/notifications/email", json=_accepted(message)[1], status=201
    )
    time_machine.move_to(message.send_after, tick=False)
    assert services.send_due().sent == 1
    message.refresh_from_db()
    assert (message.state, message.attempts, message.failure) == ("sent", 2, "")
    assert len(_posted(notify)) == 2


def _sent_through_notify(cast, ready, notify, *, parent=None):
    _sf, isla, mum, _dad = ready
    [message] = _queue(cast, [parent or mum], [isla])
    notification_id, answer = _accepted(message)
    notify.post(f"{API}/v2/notifications/email", json=answer, status=201)
    services.send_due()
    message.refresh_from_db()
    assert message.provider_id == notification_id
    return message


@pytest.mark.parametrize(
    ("status", "state", "words"),
    [
        ("delivered", "delivered", ""),
        ("permanent-failure", "bounced", "does not exist or no longer works"),
        ("temporary-failure", "failed", "could not be delivered for three days"),
        ("technical-failure", "failed", "GOV.UK Notify could not send it"),
    ],
)
def test_a_delivery_report_sets_the_state_in_words(cast, ready, notify, status, state, words):
    message = _sent_through_notify(cast, ready, notify)

    assert services.delivery_report(
        provider_id=message.provider_id, reference=str(message.reference), status=status
    )

    message.refresh_from_db()
    assert message.state == state
    if words:
        assert words in message.failure
        assert message.failure.endswith("You could try a letter or a phone call.")
    else:
        assert message.failure == ""
        assert message.delivered_at is not None
    # The contact stands: the message was sent.
    assert message.contact is not None


def test_a_delivery_report_finds_the_message_by_reference(cast, ready, notify):
    message = _sent_through_notify(cast, ready, notify)

    assert services.delivery_report(
        provider_id="", reference=str(message.reference), status="delivered"
    )
    message.refresh_from_db()
    assert message.state == Message.State.DELIVERED


def test_a_delivery_report_for_no_message_of_ours_changes_nothing(cast, ready, notify):
    message = _sent_through_notify(cast, ready, notify)

    assert not services.delivery_report(
        provider_id=str(uuid.uuid4()), reference="not-a-uuid", status="permanent-failure"
    )
    message.refresh_from_db()
    assert message.state == Message.State.SENT


def test_polling_reads_each_status_from_notify(cast, ready, notify, time_machine):
    message = _sent_through_notify(cast, ready, notify)
    notify.get(
        f"{API}/v2/notifications/{message.provider_id}",
        json={
            "id": message.provider_id,
            "reference": str(message.reference),
            "type": "email",
            "status": "permanent-failure",
            "email_address": "ailsa@example.org",
        },
    )
    # Too soon to ask.
    assert services.poll_notify() == 0
    time_machine.move_to(message.sent_at + dt.timedelta(minutes=6), tick=False)

    assert services.poll_notify() == 1

    message.refresh_from_db()
    assert message.state == Message.State.BOUNCED
    assert "does not exist or no longer works" in message.failure
    gets = [c for c in notify.calls if c.request.method == "GET"]
    assert len(gets) == 1


def test_polling_leaves_a_message_notify_is_still_sending(cast, ready, notify, time_machine):
    message = _sent_through_notify(cast, ready, notify)
    notify.get(
        f"{API}/v2/notifications/{message.provider_id}",
        json={"id": message.provider_id, "status": "sending"},
    )
    time_machine.move_to(message.sent_at + dt.timedelta(minutes=6), tick=False)

    assert services.poll_notify() == 0
    message.refresh_from_db()
    assert message.state == Message.State.SENT


def _stalled(cast, ready, *, parent=None, provider="notify"):
    """A message a worker claimed an hour ago, began handing to its provider, and never
    finished."""
    _sf, isla, mum, _dad = ready
    [message] = _queue(cast, [parent or mum], [isla])
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.SENDING,
        attempts=1,
        claimed_at=message.send_after - dt.timedelta(hours=1),
        provider=provider,
    )
    return message


def test_a_stalled_message_notify_took_is_marked_sent_and_not_sent_again(cast, ready, notify):
    message = _stalled(cast, ready)
    notification_id = str(uuid.uuid4())
    notify.get(
        f"{API}/v2/notifications",
        match=[matchers.query_param_matcher({"reference": str(message.reference)})],
        json={
            "notifications": [
                {"id": notification_id, "reference": str(message.reference), "status": "sending"}
            ],
            "links": {"current": f"{API}/v2/notifications"},
        },
    )

    run = services.send_due()

    assert (run.recovered, run.sent) == (1, 0)
    assert _posted(notify) == []
    message.refresh_from_db()
    assert (message.state, message.provider, message.provider_id) == (
        "sent",
        "notify",
        notification_id,
    )
    assert message.contact is not None
    assert services.send_due().sent == 0
    assert _posted(notify) == []


def test_a_stalled_message_notify_never_saw_is_sent_once(cast, ready, notify):
    message = _stalled(cast, ready)
    notify.get(
        f"{API}/v2/notifications",
        match=[matchers.query_param_matcher({"reference": str(message.reference)})],
        json={"notifications": [], "links": {"current": f"{API}/v2/notifications"}},
    )
    assert services.recover_stalled() == 1
    message.refresh_from_db()
    assert message.state == Message.State.QUEUED
    notification_id, answer = _accepted(message)
    notify.post(f"{API}/v2/notifications/email", json=answer, status=201)

    assert services.send_due().sent == 1
    assert services.send_due().sent == 0

    assert len(_posted(notify)) == 1
    message.refresh_from_db()
    assert (message.state, message.provider_id) == ("sent", notification_id)


def test_a_stalled_message_stays_stalled_while_notify_cannot_answer(cast, ready, notify):
    message = _stalled(cast, ready)
    notify.get(f"{API}/v2/notifications", status=503, json={"status_code": 503, "errors": []})

    services.recover_stalled()

    message.refresh_from_db()
    assert message.state == Message.State.SENDING
    assert _posted(notify) == []


def test_a_stalled_email_by_smtp_is_shown_as_may_have_gone(cast, ready, settings):
    settings.MESSAGES_EMAIL_VIA = "smtp"
    message = _stalled(cast, ready, provider="smtp")

    assert services.send_due().recovered == 1

    message.refresh_from_db()
    assert message.state == Message.State.UNSURE
    assert "cannot tell whether this e-mail went" in message.failure
    assert "Check with the parent before sending it again" in message.failure
    assert message.contact is None


def test_a_late_sent_status_never_undoes_a_delivery(cast, ready, notify):
    message = _sent_through_notify(cast, ready, notify)
    services.delivery_report(provider_id=message.provider_id, reference="", status="delivered")

    assert services.delivery_report(provider_id=message.provider_id, reference="", status="sent")

    message.refresh_from_db()
    assert message.state == Message.State.DELIVERED


def test_a_text_asking_to_hear_from_them_carries_a_fresh_link_each_try(
    cast, ready, notify, time_machine
):
    from family_voice.models import ParentLink

    _sf, isla, _mum, dad = ready
    [message] = _queue(cast, [dad], [isla], kind=Kind.HEAR_FROM_YOU)
    assert "{link}" in message.body
    notify.post(f"{API}/v2/notifications/sms", status=500, json={"status_code": 500, "errors": []})

    services.send_due()

    # The link made for the try that did not go no longer opens.
    [first] = ParentLink.objects.filter(parent=dad)
    assert first.revoked_at is not None
    notify.replace(responses.POST, f"{API}/v2/notifications/sms", json=_accepted(message, "sms")[1])
    message.refresh_from_db()
    time_machine.move_to(message.send_after, tick=False)
    services.send_due()

    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert (message.link.purpose, message.link.revoked_at) == ("compass", None)
    assert message.link != first
    body = _posted(notify)[-1]["personalisation"]["body"]
    assert body.startswith("Riverside Primary: how are things? http://localhost:8000/")
    assert "{link}" not in body
    assert "(their own link)" in message.contact.summary


def test_a_text_says_reply_stop_only_where_notify_receives_replies(cast, ready, notify, settings):
    _sf, isla, _mum, dad = ready
    settings.NOTIFY_TEXT_STOP = True
    [message] = _queue(cast, [dad], [isla])
    notify.post(f"{API}/v2/notifications/sms", json=_accepted(message, "sms")[1], status=201)

    services.send_due()

    [sent] = _posted(notify)
    assert sent["personalisation"]["body"].endswith("\nReply STOP to stop texts.")


def test_a_message_another_worker_is_sending_now_is_left_alone(cast, ready, notify):
    _sf, isla, mum, _dad = ready
    [message] = _queue(cast, [mum], [isla])
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.SENDING, attempts=1, claimed_at=message.send_after
    )

    run = services.send_due()

    assert (run.recovered, run.sent) == (0, 0)
    assert list(notify.calls) == []
    message.refresh_from_db()
    assert message.state == Message.State.SENDING
