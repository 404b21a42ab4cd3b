import datetime as dt
import re

import time_machine
from django.core import mail
from django.urls import reverse


def test_password_reset_sends_a_working_link(client, cast, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    response = client.post(reverse("password_reset"), {"email": cast.teacher.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long harbour sunrise", "new_password2": "a long harbour sunrise"},
    )
    assert done.status_code == 302
    cast.teacher.refresh_from_db()
    assert cast.teacher.check_password("a long harbour sunrise")


def test_short_password_is_refused_with_a_plain_message(client, cast, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    client.post(reverse("password_reset"), {"email": cast.teacher.email})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "short1", "new_password2": "short1"}
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


def test_unknown_email_gets_the_same_answer(client, db, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def _main(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def _ask(client, email, address):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_reset_emails_are_limited_per_account_with_the_same_answer(client, cast, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    answers = [_ask(client, cast.teacher.email, f"192.0.2.{n}") for n in range(1, 5)]
    assert len(mail.outbox) == 3  # at most three an hour for one account
    assert {(a.status_code, a.url) for a in answers} == {(302, reverse("password_reset_done"))}
    _ask(client, cast.teacher.email.upper(), "192.0.2.9")  # the same account, however typed
    assert len(mail.outbox) == 3


def test_reset_emails_are_limited_per_address(client, cast, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    for n in range(10):
        _ask(client, f"nobody-{n}@example.org", "203.0.113.5")
    limited = _ask(client, cast.teacher.email, "203.0.113.5")
    assert (limited.status_code, limited.url) == (302, reverse("password_reset_done"))
    assert len(mail.outbox) == 0
    _ask(client, cast.teacher.email, "198.51.100.7")
    assert len(mail.outbox) == 1


def test_reset_limits_lift_after_an_hour(client, cast, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    with time_machine.travel(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC), tick=False) as t:
        for _ in range(4):
            _ask(client, cast.teacher.email, "192.0.2.1")
        assert len(mail.outbox) == 3
        t.shift(dt.timedelta(minutes=61))
        _ask(client, cast.teacher.email, "192.0.2.1")
    assert len(mail.outbox) == 4


def test_the_page_after_asking_reads_the_same_whatever_happened(client, cast, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    sent = _main(client.get(_ask(client, cast.teacher.email, "192.0.2.1").url))
    for _ in range(3):
        _ask(client, cast.teacher.email, "192.0.2.1")
    limited = _main(client.get(_ask(client, cast.teacher.email, "192.0.2.1").url))
    unknown = _main(client.get(_ask(client, "nobody@example.org", "192.0.2.2").url))
    assert len(mail.outbox) == 3
    assert sent == limited == unknown
    assert "only a few links are sent each hour" in sent
