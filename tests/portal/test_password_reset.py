import re

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
