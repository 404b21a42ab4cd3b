"""Staff single sign-on with OpenID Connect, end to end over real HTTP: the portal in
live_server, the council's provider in its own process (conftest.py), a browser between them."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model

from portal.models import Membership, Role
from tests import factories
from tests.single_sign_on.conftest import Browser, session_user_id

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = "Signing in with your council account did not work"


@pytest.fixture
def staff(transactional_db):
    """The portal's accounts for the provider's people (provider/serve.py PEOPLE)."""
    school = factories.SchoolFactory(name="Riverside Primary")
    head = factories.UserFactory(username="hteacher", email="head.teacher@riverside.example")
    factories.MembershipFactory(user=head, school=school, role=Role.HEADTEACHER)
    teacher = factories.UserFactory(username="mrsjones", email="teacher@riverside.example")
    factories.MembershipFactory(user=teacher, school=school, role=Role.STAFF)
    for name in ("twin1", "twin2"):
        twin = factories.UserFactory(username=name, email="twin@riverside.example")
        factories.MembershipFactory(user=twin, school=school)
    leaver = factories.UserFactory(username="leaver", email="leaver@riverside.example")
    leaver.is_active = False
    leaver.save()
    return {"head": head, "teacher": teacher, "school": school}


@pytest.fixture
def browser(portal):
    browser = Browser(portal.url)
    yield browser
    browser.session.close()


def test_button_only_when_switched_on(client, settings):
    settings.SSO_OIDC_ENABLED = False
    assert "council account" not in client.get("/accounts/login/").content.decode()
    assert client.get("/sso/oidc/start/").status_code == 404
    settings.SSO_OIDC_ENABLED = True
    assert "Sign in with your council account" in client.get("/accounts/login/").content.decode()


def test_teacher_signs_in_and_lands_home(oidc, staff, browser, caplog):
    memberships = list(
        Membership.objects.order_by("pk").values_list("user", "school", "role", "is_active")
    )
    users = list(
        get_user_model().objects.order_by("pk").values_list("pk", "username", "email", "is_active")
    )
    with caplog.at_level(logging.INFO, logger="single_sign_on"):
        page = browser.sign_in("teacher.provider")
    assert page.status_code == 200
    assert page.url.rstrip("/") == browser.portal
    assert "Riverside Primary" in page.text
    assert session_user_id(browser) == str(staff["teacher"].pk)
    # Memberships stay as the portal has them; the account is not changed or added to.
    assert (
        list(Membership.objects.order_by("pk").values_list("user", "school", "role", "is_active"))
        == memberships
    )
    assert (
        list(
            get_user_model()
            .objects.order_by("pk")
            .values_list("pk", "username", "email", "is_active")
        )
        == users
    )
    assert f"user {staff['teacher'].pk} signed in" in caplog.text
    assert "eyJ" not in caplog.text  # no token in the log


def test_headteacher_still_meets_the_portal_code_step(oidc, staff, browser):
    oidc.set_mode("mfa")  # the provider says multi-factor, but the council has not accepted it
    page = browser.sign_in("head.provider")
    assert "/accounts/two-factor/" in page.url
    assert "authenticator app" in page.text
    assert session_user_id(browser) == str(staff["head"].pk)
    assert browser.go(f"{browser.portal}/").url.startswith(f"{browser.portal}/accounts/two-factor/")


def test_provider_mfa_counts_when_the_council_accepts_it(oidc, staff, browser, settings):
    settings.SSO_ACCEPT_PROVIDER_MFA = True
    settings.SSO_MFA_AMR = ["mfa"]
    oidc.set_mode("mfa")
    page = browser.sign_in("head.provider")
    assert page.url.rstrip("/") == browser.portal
    assert "Riverside Primary" in page.text
    # The same council setting later turned off: the code step is asked for again.
    settings.SSO_ACCEPT_PROVIDER_MFA = False
    assert "/accounts/two-factor/" in browser.go(f"{browser.portal}/").url


def test_accepted_mfa_setting_but_no_mfa_asserted(oidc, staff, browser, settings):
    settings.SSO_ACCEPT_PROVIDER_MFA = True
    oidc.set_mode("normal")  # amr: ["pwd"]
    assert "/accounts/two-factor/" in browser.sign_in("head.provider").url


@pytest.mark.parametrize(
    "mode", ["wrong-aud", "two-aud", "other-azp", "expired", "wrong-iss", "tampered", "alg-none"]
)
def test_a_token_that_does_not_check_out_is_refused(oidc, staff, browser, mode, caplog):
    oidc.set_mode(mode)
    with caplog.at_level(logging.INFO, logger="single_sign_on"):
        page = browser.sign_in("teacher.provider")
    assert page.status_code == 403
    assert REFUSED in page.text
    assert "could not be checked" in page.text
    assert session_user_id(browser) is None
    assert "refused: invalid" in caplog.text
    assert "eyJ" not in caplog.text


def test_replayed_callback_in_the_same_browser_is_refused(oidc, staff, browser):
    assert browser.sign_in("teacher.provider").status_code == 200
    callback = browser.callbacks[-1]
    assert session_user_id(browser) == str(staff["teacher"].pk)
    again = browser.go(callback)
    assert again.status_code == 403
    assert REFUSED in again.text
    # The state is no longer this browser's pending one: the replay is refused and changes
    # nothing (a link from another site must not be able to sign anyone out).
    assert session_user_id(browser) == str(staff["teacher"].pk)


def test_state_from_another_browser_is_refused(oidc, staff, browser, portal):
    stopped = browser.sign_in("teacher.provider", stop_at_callback=True)
    assert stopped.status_code == 302
    callback = browser.callbacks[-1]
    other = Browser(portal.url)
    # The other browser has begun its own sign-in, so it holds a state: just not this one.
    begun = other.session.get(f"{portal.url}/sso/oidc/start/", allow_redirects=False)
    assert begun.headers["Location"].startswith(oidc.issuer)
    page = other.go(callback)
    assert page.status_code == 403
    assert REFUSED in page.text
    assert session_user_id(other) is None
    # A browser that never began a sign-in is refused the same way.
    stranger = Browser(portal.url)
    assert stranger.go(callback).status_code == 403
    assert session_user_id(stranger) is None
    # The browser that began it can still finish: the answer was refused for being elsewhere.
    assert browser.go(callback).status_code == 200
    assert session_user_id(browser) == str(staff["teacher"].pk)


@pytest.mark.parametrize(
    ("username", "words"),
    [
        ("stranger.provider", "does not have an account for you yet"),
        ("twin.provider", "More than one portal account"),
        ("leaver.provider", "switched off"),
    ],
)
def test_no_single_active_account_is_refused(oidc, staff, browser, username, words, caplog):
    users = get_user_model().objects.count()
    with caplog.at_level(logging.INFO, logger="single_sign_on"):
        page = browser.sign_in(username)
    assert page.status_code == 403
    assert words in page.text
    assert "portal administrator" in page.text
    assert session_user_id(browser) is None
    assert get_user_model().objects.count() == users  # nobody created
    assert "refused" in caplog.text


def test_match_by_username_claim(oidc, staff, browser, settings):
    settings.SSO_MATCH_CLAIM = "preferred_username"
    settings.SSO_MATCH_FIELD = "username"
    get_user_model().objects.filter(pk=staff["teacher"].pk).update(username="Teacher.Provider")
    assert browser.sign_in("teacher.provider").status_code == 200
    assert session_user_id(browser) == str(staff["teacher"].pk)


def test_sign_out_ends_the_portal_session_and_the_providers(oidc, staff, browser):
    home = browser.sign_in("teacher.provider")
    key = browser.portal_session_key()
    token = browser.session.cookies.get("csrftoken", domain="localhost.local")
    response = browser.session.post(
        f"{browser.portal}/accounts/logout/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": home.url},
        allow_redirects=False,
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{oidc.issuer}/logout/?")
    page = browser.go(response.headers["Location"])
    assert "You have signed out" in page.text
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
    assert browser.go(f"{browser.portal}/").url.startswith(f"{browser.portal}/accounts/login/")


def test_a_disabled_account_loses_its_session(oidc, staff, browser):
    browser.sign_in("teacher.provider")
    get_user_model().objects.filter(pk=staff["teacher"].pk).update(is_active=False)
    assert browser.go(f"{browser.portal}/").url.startswith(f"{browser.portal}/accounts/login/")


def test_refusals_do_not_lock_the_schools_address_out(oidc, staff, browser, portal):
    """Password lockouts count by username and address; a council sign-in has no username, so
    refusals must not add up to a lockout of everyone signing in from the school's address."""
    for _ in range(6):
        stranger = Browser(portal.url)
        assert stranger.sign_in("stranger.provider").status_code == 403
        stranger.session.close()
    assert browser.sign_in("teacher.provider").status_code == 200
    assert session_user_id(browser) == str(staff["teacher"].pk)
