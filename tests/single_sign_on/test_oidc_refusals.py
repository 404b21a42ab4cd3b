"""OpenID Connect refusals from the security review, end to end (the test provider in its own
process, conftest.py): an unchecked e-mail address, a superuser, what a refusal leaves in the
session, and callbacks this browser did not ask for."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from tests.single_sign_on.conftest import Browser, session_user_id
from tests.single_sign_on.test_oidc import REFUSED, staff  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser(portal):
    browser = Browser(portal.url)
    yield browser
    browser.session.close()


def _sessions_holding(key: str) -> list[dict]:
    return [data for s in Session.objects.all() if key in (data := s.get_decoded())]


def test_an_email_the_provider_did_not_verify_is_refused(oidc, staff, browser):  # noqa: F811
    oidc.set_mode("unverified")  # email_verified: false
    page = browser.sign_in("teacher.provider")
    assert page.status_code == 403
    assert "did not confirm your e-mail address" in page.text
    assert session_user_id(browser) is None


def test_unverified_email_allowed_only_when_the_council_says_so(oidc, staff, browser, settings):  # noqa: F811
    settings.SSO_REQUIRE_VERIFIED_EMAIL = False
    oidc.set_mode("unverified")
    assert browser.sign_in("teacher.provider").status_code == 200
    assert session_user_id(browser) == str(staff["teacher"].pk)


def test_username_matching_does_not_need_a_verified_email(oidc, staff, browser, settings):  # noqa: F811
    settings.SSO_MATCH_CLAIM = "preferred_username"
    settings.SSO_MATCH_FIELD = "username"
    get_user_model().objects.filter(pk=staff["teacher"].pk).update(username="teacher.provider")
    oidc.set_mode("unverified")
    assert browser.sign_in("teacher.provider").status_code == 200


def test_a_superuser_is_never_signed_in_by_the_council(oidc, staff, browser):  # noqa: F811
    get_user_model().objects.filter(pk=staff["teacher"].pk).update(is_superuser=True, is_staff=True)
    page = browser.sign_in("teacher.provider")
    assert page.status_code == 403
    assert "password and authenticator code only" in page.text
    assert "portal administrator" in page.text
    assert session_user_id(browser) is None


def test_an_admin_account_always_meets_the_portal_code_step(oidc, staff, browser, settings):  # noqa: F811
    settings.SSO_ACCEPT_PROVIDER_MFA = True
    oidc.set_mode("mfa")
    get_user_model().objects.filter(pk=staff["head"].pk).update(is_staff=True)
    page = browser.sign_in("head.provider")
    assert "/accounts/two-factor/" in page.url
    assert session_user_id(browser) == str(staff["head"].pk)


def test_a_refusal_leaves_no_token_in_the_session(oidc, staff, browser):  # noqa: F811
    assert browser.sign_in("stranger.provider").status_code == 403
    assert session_user_id(browser) is None
    assert _sessions_holding("oidc_id_token") == []
    assert _sessions_holding("oidc_access_token") == []


def test_a_callback_from_another_site_signs_nobody_out(oidc, staff, browser):  # noqa: F811
    assert browser.sign_in("teacher.provider").status_code == 200
    for query in ("code=x&state=y", "error=access_denied&state=y", "error=access_denied"):
        page = browser.go(f"{browser.portal}/sso/oidc/callback/?{query}")
        assert page.status_code == 403
        assert REFUSED in page.text
        assert session_user_id(browser) == str(staff["teacher"].pk)
