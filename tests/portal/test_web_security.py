"""Web security in production settings: cookies, CSRF, headers, and no names in URLs or logs."""

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD


def test_production_cookies_are_secure_http_only_and_same_site(client, cast, settings):
    assert settings.DEBUG is False
    response = client.post(
        reverse("login"), {"username": "teacher", "password": PASSWORD}, secure=True
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    csrf = client.get(reverse("login"), secure=True).cookies.get(settings.CSRF_COOKIE_NAME)
    if csrf is not None:  # only sent when it changes
        assert csrf["secure"] is True
        assert csrf["samesite"] == "Lax"


def test_sessions_end_with_the_browser_and_after_thirty_idle_minutes(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Saved at most once a minute by SessionLimitMiddleware, not on every request.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_REFRESH_SECONDS == 60


def test_https_is_enforced_and_remembered_in_production(client, db):
    from portal import settings as production  # as read from the environment, DEBUG off

    assert production.DEBUG is False
    assert production.SECURE_SSL_REDIRECT is True  # conftest turns it off for the test client
    response = client.get(reverse("login"), secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_login_and_sign_out_refuse_a_post_without_the_csrf_token(cast):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 403
    strict.force_login(cast.teacher)
    assert strict.post(reverse("logout")).status_code == 403
    assert strict.get(reverse("home")).status_code == 200


def test_every_post_form_on_the_sign_in_pages_carries_a_csrf_token(client, cast):
    pages = [client.get(reverse("login"))]
    client.post(reverse("login"), {"username": "headteacher", "password": PASSWORD})
    pages.append(client.get(reverse("otp-setup")))
    for page in pages:
        body = page.content.decode()
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", body, re.S | re.I)
        assert forms
        assert all("csrfmiddlewaretoken" in form for form in forms)


def test_pages_have_no_inline_script_or_style(client, cast):
    client.post(reverse("login"), {"username": "headteacher", "password": PASSWORD})
    for url in [reverse("login"), reverse("otp-setup")]:
        body = client.get(url).content.decode()
        assert "<script>" not in body and not re.search(r"<script(?![^>]*\ssrc=)", body)
        assert "style=" not in body
        assert "<style" not in body
        assert not re.search(r"\son[a-z]+=", body)


def test_a_family_page_puts_no_pupil_or_parent_name_in_a_url_or_a_log_line(login, cast, caplog):
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Kestrelby")
    family = school_family.family
    factories.ChildFactory(
        school=cast.school, family=family, first_name="Wrenna", last_name="Kestrelby"
    )
    factories.ParentCarerFactory(family=family, first_name="Ottoline", last_name="Kestrelby")
    client = login(cast.headteacher)
    caplog.set_level(logging.DEBUG)
    pages = [
        client.get(reverse("families:family-list")),
        client.get(reverse("families:family-detail", args=[family.pk])),
        client.get(reverse("audit:family-audit", args=[family.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        body = page.content.decode()
        addresses = re.findall(r"(?:href|src|action|hx-get|hx-post)=\"([^\"]*)\"", body)
        assert addresses
        for name in ["Wrenna", "Ottoline", "Kestrelby"]:
            assert not any(name in address for address in addresses), name
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for name in ["Wrenna", "Ottoline", "Kestrelby"]:
        assert name not in logged


@pytest.mark.parametrize("target", ["https://evil.example.org/", "//evil.example.org/", "home"])
def test_admin_sign_in_never_sends_staff_to_another_site_or_fails(login, cast, target):
    response = login(cast.admin).get(reverse("admin:login") + "?next=" + target)
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_admin_sign_in_keeps_a_local_next(login, cast):
    target = reverse("admin:portal_school_changelist")
    response = login(cast.admin).get(reverse("admin:login") + "?next=" + target)
    assert response.url == target
