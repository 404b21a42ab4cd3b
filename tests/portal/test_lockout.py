"""Lockout cannot be used to lock others out: the username-wide slow-down, and getting back in
with an e-mailed unlock link or an authenticator code (portal.lockout, portal.unlocking)."""

import datetime as dt
import re
import time

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import lockout
from portal.models import SignInSlowdown, UnlockLink
from tests.factories import PASSWORD

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
ATTACKER_A, ATTACKER_B = "203.0.113.1", "203.0.113.2"
SCHOOL = "192.0.2.10"
HOME = "198.51.100.7"


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def outbox(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    return mail.outbox


def _attempt(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _fail(client, username, times, address):
    for _ in range(times):
        assert _attempt(client, username, "not-the-password", address).status_code in (200, 429)


def _signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def _errors(response) -> list[str]:
    return response.context["form"].non_field_errors() if response.context else []


def _asked_to_wait(response) -> int | None:
    """The seconds the login page asks to wait, if it does."""
    for error in _errors(response):
        if found := re.search(r"Please wait (\d+) seconds?\b", error):
            return int(found.group(1))
    return None


def _slow_down(client, username="teacher"):
    """Ten wrong passwords from two addresses (each then locked): the username is slowed."""
    _fail(client, username, 5, ATTACKER_A)
    _fail(client, username, 5, ATTACKER_B)


# The username-wide slow-down


def test_failures_from_many_addresses_slow_the_username_down_but_do_not_lock_it(
    client, cast, frozen
):
    _slow_down(client)
    first = _attempt(client, "teacher", PASSWORD, SCHOOL)
    assert first.status_code == 200
    assert _asked_to_wait(first) == lockout.SLOW_FIRST_WAIT
    assert "_auth_user_id" not in client.session
    frozen.shift(dt.timedelta(seconds=lockout.SLOW_FIRST_WAIT))
    assert _signed_in(_attempt(client, "teacher", PASSWORD, SCHOOL))


def test_during_the_wait_no_password_is_checked_and_the_wait_does_not_grow(client, cast, frozen):
    _slow_down(client)
    assert _asked_to_wait(_attempt(client, "teacher", "wrong-guess", SCHOOL)) == 2
    frozen.shift(dt.timedelta(seconds=1))
    right = _attempt(client, "teacher", PASSWORD, SCHOOL)
    assert _asked_to_wait(right) == 1  # even the right password waits; the wait is not longer
    wrong = _attempt(client, "teacher", "another-guess", SCHOOL)
    assert _asked_to_wait(wrong) == 1
    assert SignInSlowdown.objects.get(username="teacher").failures == 10  # none counted
    assert not AccessAttempt.objects.filter(username="teacher", ip_address=SCHOOL).exists()


def test_further_failures_lengthen_the_wait_only_up_to_a_short_limit(client, cast, frozen):
    _slow_down(client)
    for _ in range(50):
        lockout.slowdown_failure_record(username="teacher", address="203.0.113.9")
    wait = _asked_to_wait(_attempt(client, "teacher", PASSWORD, SCHOOL))
    assert wait == lockout.SLOW_MAX_WAIT == 30
    frozen.shift(dt.timedelta(seconds=wait))
    assert _signed_in(_attempt(client, "teacher", PASSWORD, SCHOOL))


def test_attempts_elsewhere_cannot_keep_the_real_person_waiting(client, cast, frozen):
    _slow_down(client)
    wait = _asked_to_wait(_attempt(client, "teacher", PASSWORD, HOME))
    # Meanwhile someone keeps guessing from address after address, each waiting their turn.
    for n in range(20):
        address = f"203.0.113.{100 + n}"
        assert _asked_to_wait(_attempt(client, "teacher", "guess", address))
    frozen.shift(dt.timedelta(seconds=lockout.SLOW_MAX_WAIT))
    for n in range(20):
        _fail(client, "teacher", 1, f"203.0.113.{100 + n}")
    assert SignInSlowdown.objects.get(username="teacher").failures == 30
    assert wait == 2
    assert _signed_in(_attempt(client, "teacher", PASSWORD, HOME))


def test_the_slowdown_is_forgotten_after_fifteen_quiet_minutes(client, cast, frozen):
    _slow_down(client)
    frozen.shift(dt.timedelta(minutes=15, seconds=1))
    assert _signed_in(_attempt(client, "teacher", PASSWORD, SCHOOL))


def test_an_unknown_username_is_slowed_down_in_the_same_words(client, cast, frozen):
    _slow_down(client, "teacher")
    _slow_down(client, "nobody-here")
    known = _attempt(client, "teacher", "guess", SCHOOL)
    unknown = _attempt(client, "nobody-here", "guess", SCHOOL)
    assert _errors(known) == _errors(unknown)
    assert _asked_to_wait(known) == 2


def test_hostile_usernames_are_slowed_down_without_an_error(client, cast, frozen):
    for name in ["x" * 150, "Robin\x00Rowan", "'; DROP TABLE portal_signinwait; --"]:
        _slow_down(client, name)
        assert _attempt(client, name, PASSWORD, SCHOOL).status_code == 200


# Getting back in


def _lock(client, address=SCHOOL):
    _fail(client, "teacher", 5, address)
    assert _attempt(client, "teacher", PASSWORD, address).status_code == 429


def _ask_for_link(client, username="teacher", address=SCHOOL):
    return client.post(reverse("unlock-request"), {"username": username}, REMOTE_ADDR=address)


def _link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/unlock/\S+/)", message.body).group(1)


def test_the_locked_out_page_offers_an_unlock_link_and_a_code(client, cast):
    _fail(client, "teacher", 5, SCHOOL)
    body = _attempt(client, "teacher", PASSWORD, SCHOOL).content.decode()
    assert f'action="{reverse("unlock-request")}"' in body
    assert "E-mail me an unlock link" in body
    assert reverse("unlock-by-code") in body


def test_an_emailed_link_opens_signing_in_again_from_that_address_once(client, cast, outbox):
    _lock(client)
    response = _ask_for_link(client)
    assert response.status_code == 302
    assert response.url == reverse("unlock-sent")
    assert [m.to for m in outbox] == [[cast.teacher.email]]
    assert outbox[0].alternatives  # the HTML part too
    link = _link(outbox[0])
    page = client.get(link, REMOTE_ADDR=HOME)  # a mail scanner opening the link changes nothing
    assert "Open signing in again" in page.content.decode()
    assert _attempt(client, "teacher", PASSWORD, SCHOOL).status_code == 429
    opened = client.post(link, REMOTE_ADDR=HOME)
    assert opened.status_code == 302
    assert opened.url == reverse("login")
    assert _signed_in(_attempt(client, "teacher", PASSWORD, SCHOOL))
    client.post(reverse("logout"))
    again = client.post(link, REMOTE_ADDR=HOME)
    assert again.status_code == 200
    assert "This link has expired" in again.content.decode()


def test_an_unlock_link_opens_only_the_address_it_was_asked_from(client, cast, outbox):
    _lock(client, SCHOOL)
    _lock(client, ATTACKER_A)
    _ask_for_link(client, address=SCHOOL)
    client.post(_link(outbox[0]))
    assert _attempt(client, "teacher", PASSWORD, ATTACKER_A).status_code == 429
    assert _signed_in(_attempt(client, "teacher", PASSWORD, SCHOOL))


def test_an_unlock_link_expires_after_an_hour(client, cast, outbox, frozen):
    _lock(client)
    _ask_for_link(client)
    frozen.shift(dt.timedelta(minutes=61))
    response = client.post(_link(outbox[0]))
    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()
    assert UnlockLink.objects.get().used_at is None


def test_only_a_hash_of_the_link_is_kept(client, cast, outbox):
    _ask_for_link(client)
    token = _link(outbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert token not in UnlockLink.objects.get().token_hash
    assert lockout.unlock_link_find(token + "x") is None


def test_asking_for_a_link_answers_the_same_for_an_unknown_username(client, cast, outbox):
    known = _ask_for_link(client, "teacher")
    unknown = _ask_for_link(client, "nobody-here")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(outbox) == 1


def test_unlock_emails_are_limited_per_account_and_per_address(client, cast, outbox):
    for n in range(4):
        assert _ask_for_link(client, address=f"192.0.2.{20 + n}").url == reverse("unlock-sent")
    assert len(outbox) == lockout.EMAIL_LIMIT_PER_ACCOUNT == 3
    for n in range(10):
        _ask_for_link(client, f"nobody-{n}", address=ATTACKER_A)
    assert _ask_for_link(client, "pastoral", address=ATTACKER_A).url == reverse("unlock-sent")
    assert len(outbox) == 3  # that address has asked ten times this hour
    _ask_for_link(client, "pastoral", address=HOME)
    assert len(outbox) == 4


def test_unlock_email_limits_lift_after_an_hour(client, cast, outbox, frozen):
    for _ in range(4):
        _ask_for_link(client)
    assert len(outbox) == 3
    frozen.shift(dt.timedelta(minutes=61))
    _ask_for_link(client)
    assert len(outbox) == 4


def _code(device) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _unlock_by_code(client, username, code, address=SCHOOL):
    data = {"username": username, "code": code}
    return client.post(reverse("unlock-by-code"), data, REMOTE_ADDR=address)


def test_a_code_from_the_authenticator_opens_signing_in_again(client, cast):
    device = TOTPDevice.objects.create(user=cast.teacher, name="Phone", confirmed=True)
    _lock(client)
    response = _unlock_by_code(client, "teacher", _code(device))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert _signed_in(_attempt(client, "teacher", PASSWORD, SCHOOL))


def test_a_wrong_code_or_unknown_username_opens_nothing_and_reads_the_same(client, cast):
    device = TOTPDevice.objects.create(user=cast.teacher, name="Phone", confirmed=True)
    _lock(client)
    wrong_code = f"{(int(_code(device)) + 1) % 1000000:06d}"
    wrong = _unlock_by_code(client, "teacher", wrong_code)
    unknown = _unlock_by_code(client, "nobody-here", "123456")
    no_device = _unlock_by_code(client, "pastoral", "123456")
    assert wrong.status_code == unknown.status_code == no_device.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors
    assert unknown.context["form"].errors == no_device.context["form"].errors
    assert _attempt(client, "teacher", PASSWORD, SCHOOL).status_code == 429


def test_the_unlock_service_clears_only_that_username_at_that_address(client, cast):
    _lock(client, SCHOOL)
    _lock(client, ATTACKER_A)
    assert lockout.sign_in_unlock(username="teacher", address=SCHOOL) == 1
    assert AccessAttempt.objects.filter(username="teacher", ip_address=ATTACKER_A).exists()
    assert _signed_in(_attempt(client, "teacher", PASSWORD, SCHOOL))


def test_a_failed_send_answers_the_same_and_is_logged(client, cast, settings, caplog):
    settings.MAILERS = {"default": {"BACKEND": "tests.portal.test_lockout.BrokenBackend"}}
    response = _ask_for_link(client)
    assert (response.status_code, response.url) == (302, reverse("unlock-sent"))
    assert "Failed to send an unlock link" in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")
