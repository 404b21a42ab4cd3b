"""Login security: lockouts (django-axes), session limits, disabled users and passwords."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def _attempt(client, username, password, address="192.0.2.10"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _fail(client, username, times, address="192.0.2.10"):
    for _ in range(times):
        response = _attempt(client, username, "not-the-password", address)
        assert response.status_code in (200, 429)


def _main(response) -> str:
    """The page's main content, its per-request CSRF tokens left out."""
    body = response.content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def _signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def test_four_failures_do_not_lock_and_the_right_password_still_works(client, cast):
    _fail(client, "teacher", 4)
    assert _signed_in(_attempt(client, "teacher", PASSWORD))


def test_five_failures_lock_the_username_at_that_address_even_with_the_right_password(client, cast):
    _fail(client, "teacher", 5)
    response = _attempt(client, "teacher", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Sign-in is paused for 15 minutes" in body
    assert "Skip to main content" in body  # the portal's own page, not a bare error


def test_five_wrong_passwords_elsewhere_do_not_lock_the_member_of_staff_out(client, cast):
    _fail(client, "teacher", 5, address="203.0.113.66")  # someone else, somewhere else
    assert _attempt(client, "teacher", PASSWORD, address="203.0.113.66").status_code == 429
    assert _signed_in(_attempt(client, "teacher", PASSWORD, address="198.51.100.7"))


def test_wrong_passwords_for_many_usernames_do_not_lock_a_school_behind_one_address(client, cast):
    school = "192.0.2.10"  # the whole staff shares the school's one network address
    for name in ["a.person", "b.person", "c.person", "d.person", "e.person", "f.person"]:
        _fail(client, name, 4, address=school)
    _fail(client, "pastoral", 5, address=school)  # one colleague locked at school
    assert _attempt(client, "pastoral", PASSWORD, address=school).status_code == 429
    assert _signed_in(_attempt(client, "teacher", PASSWORD, address=school))


def test_lockout_ends_after_fifteen_minutes(client, cast):
    with time_machine.travel(START, tick=False) as traveller:
        _fail(client, "teacher", 5)
        traveller.shift(dt.timedelta(minutes=14))
        assert _attempt(client, "teacher", PASSWORD).status_code == 429
        traveller.shift(dt.timedelta(minutes=2))
        assert _signed_in(_attempt(client, "teacher", PASSWORD))


def test_a_successful_sign_in_clears_the_failure_count(client, cast):
    _fail(client, "teacher", 4)
    assert _signed_in(_attempt(client, "teacher", PASSWORD))
    client.post(reverse("logout"))
    _fail(client, "teacher", 4)
    assert _signed_in(_attempt(client, "teacher", PASSWORD))


def test_unknown_user_and_wrong_password_look_the_same_before_and_after_lockout(client, cast):
    wrong = _attempt(client, "teacher", "not-the-password", address="192.0.2.1")
    unknown = _attempt(client, "nobody-here", "not-the-password", address="192.0.2.2")
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors
    _fail(client, "teacher", 5, address="192.0.2.3")
    _fail(client, "nobody-here", 5, address="192.0.2.4")
    locked_known = _attempt(client, "teacher", "x", address="192.0.2.3")
    locked_unknown = _attempt(client, "nobody-here", "x", address="192.0.2.4")
    assert locked_known.status_code == locked_unknown.status_code == 429
    assert _main(locked_known) == _main(locked_unknown)


def test_session_ends_after_thirty_idle_minutes(client, cast):
    with time_machine.travel(START, tick=False) as traveller:
        assert _signed_in(_attempt(client, "teacher", PASSWORD))
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_requests_in_the_same_minute_do_not_save_the_session_but_keep_it_alive(client, cast):
    from django.contrib.sessions.models import Session

    with time_machine.travel(START, tick=False) as traveller:
        assert _signed_in(_attempt(client, "teacher", PASSWORD))
        key = client.session.session_key
        expiry = Session.objects.get(session_key=key).expire_date
        traveller.shift(dt.timedelta(seconds=30))
        assert client.get(reverse("home")).status_code == 200
        assert Session.objects.get(session_key=key).expire_date == expiry  # not saved again
        for _ in range(4):  # active every 20 minutes: never 30 idle minutes
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get(reverse("home")).status_code == 200
        assert Session.objects.get(session_key=key).expire_date > expiry + dt.timedelta(hours=1)


def test_an_active_session_still_ends_twelve_hours_after_sign_in(client, cast):
    with time_machine.travel(START, tick=False) as traveller:
        assert _signed_in(_attempt(client, "teacher", PASSWORD))
        for _ in range(35):  # a request every 20 minutes: never idle, 11h40 in all
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=21))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        follow = client.get(response.url)
    assert "signed out after a long session" in follow.content.decode()


def test_a_disabled_user_is_signed_out_at_the_next_request(login, cast):
    client = login(cast.teacher)
    assert client.get(reverse("home")).status_code == 200
    cast.teacher.is_active = False
    cast.teacher.save(update_fields=["is_active"])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_disabled_user_cannot_sign_in(client, cast):
    cast.teacher.is_active = False
    cast.teacher.save(update_fields=["is_active"])
    assert _attempt(client, "teacher", PASSWORD).status_code == 200


def test_signing_out_ends_the_session(login, cast):
    client = login(cast.teacher)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("password", ["short-pass1", "password1234", "123456789012"])
def test_short_common_and_numeric_passwords_are_refused(cast, password):
    with pytest.raises(ValidationError):
        validate_password(password, cast.teacher)


def test_twelve_plain_letters_are_enough_with_no_composition_rules(cast):
    validate_password("meadowlarkspring", cast.teacher)  # no digit, capital or symbol needed


@pytest.mark.parametrize("length", [151, 200, 300])
def test_an_overlong_username_gets_a_message_not_an_error_page(client, cast, length):
    # Hypothesis found a 200-character username overflowing the slow-down table's column.
    for _ in range(12):  # past the username-wide slow-down's threshold too
        response = _attempt(client, "x" * length, "not-the-password")
        assert response.status_code == 200
    assert "A username has at most 150 characters." in response.content.decode()
    assert _signed_in(_attempt(client, cast.teacher.username, PASSWORD))
