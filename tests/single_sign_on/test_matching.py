"""The rules both protocols share (single_sign_on/matching.py), and the routes while off."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from single_sign_on import matching
from single_sign_on.oidc import CouncilOIDCBackend
from tests import factories


@pytest.fixture
def people(db):
    alice = factories.UserFactory(username="alice", email="Alice@School.example")
    factories.UserFactory(username="twin1", email="twin@school.example")
    factories.UserFactory(username="twin2", email="TWIN@school.example")
    gone = factories.UserFactory(username="gone", email="gone@school.example")
    gone.is_active = False
    gone.save()
    return {"alice": alice}


def test_one_active_account_matches_case_aside(people):
    assert matching.match_account("  alice@school.EXAMPLE ", "email").user == people["alice"]
    assert matching.match_account("ALICE", "username").user == people["alice"]
    assert matching.match_account(["alice@school.example"], "email").user == people["alice"]


@pytest.mark.parametrize(
    ("value", "field", "reason"),
    [
        ("nobody@school.example", "email", matching.UNKNOWN),
        ("twin@school.example", "email", matching.AMBIGUOUS),
        ("gone@school.example", "email", matching.INACTIVE),
        ("", "email", matching.NO_CLAIM),
        (None, "email", matching.NO_CLAIM),
        (["a@school.example", "b@school.example"], "email", matching.NO_CLAIM),
        ("alice@school.example", "username", matching.UNKNOWN),
    ],
)
def test_anything_but_one_active_account_is_refused(people, value, field, reason):
    found = matching.match_account(value, field)
    assert found.user is None
    assert found.reason == reason


def test_only_email_or_username_may_be_matched(people):
    with pytest.raises(ValueError, match="must be one of"):
        matching.match_account("x", "is_superuser")


@pytest.mark.parametrize(
    ("accept", "amr", "acr", "counts"),
    [
        (False, ["pwd", "mfa"], None, False),  # the council has not accepted the provider's word
        (True, ["pwd", "mfa"], None, True),
        (True, "otp", None, False),  # one factor (RFC 8176): not multi-factor by default
        (True, ["hwk"], None, False),
        (True, ["pwd"], None, False),
        (True, None, "urn:council:loa:high", True),
        (True, None, "urn:council:loa:low", False),
        (True, None, None, False),
    ],
)
def test_provider_mfa_counts_only_when_accepted(settings, accept, amr, acr, counts):
    settings.SSO_ACCEPT_PROVIDER_MFA = accept
    settings.SSO_MFA_ACR = ["urn:council:loa:high"]
    assert matching.provider_mfa(amr, acr) is counts


@pytest.mark.parametrize(
    "url",
    [
        "/sso/oidc/start/",
        "/sso/oidc/callback/?code=x&state=y",
        "/sso/signed-out/",
        "/sso/saml/start/",
        "/sso/saml/metadata/",
        "/sso/saml/logout/",
    ],
)
def test_routes_are_404_while_switched_off(client, db, url):
    assert client.get(url).status_code == 404


def test_callback_without_a_started_sign_in_is_refused(client, db, settings):
    settings.SSO_OIDC_ENABLED = True
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "single_sign_on.oidc.CouncilOIDCBackend",
    ]
    response = client.get("/sso/oidc/callback/?code=abc&state=not-ours")
    assert response.status_code == 403
    assert "could not be checked, or it was used already" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_backend_ignores_password_sign_ins(settings, db):
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/jwks"
    request = RequestFactory().get("/accounts/login/?code=x&state=y")
    backend = CouncilOIDCBackend()
    assert backend.authenticate(request, username="alice", password="x") is None
    with pytest.raises(Exception, match="never creates"):
        backend.create_user({"email": "new@school.example"})


@pytest.mark.parametrize(
    ("credentials", "kept_out"),
    [
        ({"nonce": "n", "code_verifier": "v"}, True),  # the OpenID callback
        ({"session_info": {}, "attribute_mapping": {}}, True),  # SAML
        ({"username": "alice", "password": "********************"}, False),  # the password form
        ({"username": "alice", "nonce": "n"}, False),
        ({}, False),
        (None, False),
    ],
)
def test_only_council_sign_ins_are_kept_out_of_the_password_lockout(credentials, kept_out):
    from single_sign_on.lockout import not_a_password_attempt

    assert not_a_password_attempt(None, credentials) is kept_out


def test_checks_name_what_is_missing(settings):
    from single_sign_on.checks import check_single_sign_on

    assert check_single_sign_on(None) == []  # off: nothing to check
    settings.SSO_OIDC_ENABLED = True
    settings.SSO_OIDC_ISSUER = "http://idp.example"
    settings.OIDC_RP_CLIENT_ID = ""
    settings.DEBUG = False
    messages = [e.msg for e in check_single_sign_on(None)]
    assert "SSO_OIDC_ENABLED is on but SSO_OIDC_CLIENT_ID is not set." in messages
    assert "SSO_OIDC_ISSUER must be an https:// address." in messages
    settings.SSO_OIDC_ENABLED = False
    settings.SSO_SAML_ENABLED = True
    settings.SSO_SAML_XMLSEC1 = "/nowhere/xmlsec1"
    ids = {e.id for e in check_single_sign_on(None)}
    assert ids == {"single_sign_on.E004", "single_sign_on.E005", "single_sign_on.E007"}
