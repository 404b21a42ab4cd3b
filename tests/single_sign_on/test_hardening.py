"""Fixes from the security review that need no provider process: matching (non-ASCII,
superusers, verified e-mail), the provider-MFA session flag, the configuration checks, and the
callback's answers to broken token responses."""

from __future__ import annotations

import logging
import time
from unittest import mock

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory

from portal.models import Role
from single_sign_on import matching
from single_sign_on.oidc import CouncilOIDCBackend
from tests import factories
from tests.factories import PASSWORD

OIDC_BACKEND = "single_sign_on.oidc.CouncilOIDCBackend"


def _backend_claims(payload: dict):
    """The backend's answer for an id_token payload (the userinfo answer: the same person)."""
    backend = CouncilOIDCBackend()
    backend.request = RequestFactory().get("/sso/oidc/callback/")
    userinfo = {"sub": payload["sub"]}
    with mock.patch.object(CouncilOIDCBackend, "get_userinfo", return_value=userinfo):
        return backend.get_or_create_user("at", "idt", payload), backend.request


# --- 1. e-mail_verified, superusers, admin accounts


@pytest.mark.parametrize(
    ("verified", "signs_in"), [(True, True), ("true", True), (False, False), (None, False)]
)
def test_email_claim_needs_email_verified(db, settings, verified, signs_in):
    alice = factories.UserFactory(email="alice@school.example")
    payload = {"sub": "s1", "email": "alice@school.example"}
    if verified is not None:
        payload["email_verified"] = verified
    user, request = _backend_claims(payload)
    assert (user == alice) is signs_in
    if not signs_in:
        assert request.sso_reason == matching.UNVERIFIED


def test_a_superuser_is_never_matched(db, settings):
    factories.UserFactory(email="admin@school.example", is_superuser=True, is_staff=True)
    found = matching.match_account("Admin@School.example", "email")
    assert found.user is None
    assert found.reason == matching.PASSWORD_ONLY
    settings.SSO_ACCEPT_PROVIDER_MFA = True
    user, request = _backend_claims(
        {"sub": "x", "email": "admin@school.example", "email_verified": True, "amr": ["mfa"]}
    )
    assert user is None
    assert request.sso_reason == matching.PASSWORD_ONLY


def test_an_admin_accounts_provider_mfa_never_counts(db, settings):
    settings.SSO_ACCEPT_PROVIDER_MFA = True
    admin = factories.UserFactory(email="it@school.example", is_staff=True)
    teacher = factories.UserFactory(email="t@school.example")
    assert matching.provider_mfa(["mfa"], None, teacher) is True
    assert matching.provider_mfa(["mfa"], None, admin) is False
    user, request = _backend_claims(
        {"sub": "a", "email": "it@school.example", "email_verified": True, "amr": ["mfa"]}
    )
    assert user == admin
    assert request.sso_mfa is False


# --- 2. Non-ASCII values and the database's case folding


def _database_finds(*users):
    """The user model as PostgreSQL would answer `iexact`: these candidates, whatever the
    value (it folds "ı" to "I", "ſ" to "S", the Kelvin sign to "K")."""
    manager = mock.MagicMock()
    manager.filter.return_value = list(users)
    return mock.patch.object(
        matching, "get_user_model", return_value=mock.MagicMock(objects=manager)
    )


@pytest.mark.parametrize(
    ("value", "field"),
    [("admın@school.example", "email"), ("ſam@school.example", "email"), ("\u212aim", "username")],
)
def test_a_non_ascii_value_matches_nobody(db, value, field):
    person = factories.UserFactory(username="kim", email="admin@school.example")
    with _database_finds(person):
        found = matching.match_account(value, field)
    assert found.user is None
    assert found.reason == matching.UNKNOWN


def test_each_candidate_is_checked_again_in_python(db):
    """PostgreSQL's iexact folds "ı" and "ſ" to ASCII: a stored value that only the database
    thinks equal is not a match."""
    folded = factories.UserFactory(username="a1", email="admın@school.example")
    kelvin = factories.UserFactory(username="a2", email="\u212a@school.example")
    real = factories.UserFactory(username="a3", email="Admin@School.example")
    with _database_finds(folded, kelvin):
        assert matching.match_account("admin@school.example", "email").reason == matching.UNKNOWN
        assert matching.match_account("k@school.example", "email").reason == matching.UNKNOWN
    with _database_finds(folded, real):
        assert matching.match_account("admin@school.example", "email").user == real


# --- 5. The provider-MFA flag after a later password sign-in


def test_the_provider_mfa_flag_does_not_survive_a_password_sign_in(client, db, settings):
    school = factories.SchoolFactory()
    head = factories.UserFactory(username="hteacher", email="head@school.example")
    factories.MembershipFactory(user=head, school=school, role=Role.HEADTEACHER)
    settings.SSO_OIDC_ENABLED = True
    settings.SSO_ACCEPT_PROVIDER_MFA = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]
    client.force_login(head, backend=OIDC_BACKEND)
    session = client.session
    session.update({"provider_mfa": True, "signed_in_with": "oidc", "oidc_id_token": "t"})
    session.save()
    assert client.get("/").status_code == 200  # the council's multi-factor counts
    # OpenID switched off: the session's backend is gone, its data stays.
    settings.SSO_OIDC_ENABLED = False
    settings.AUTHENTICATION_BACKENDS = [
        b for b in settings.AUTHENTICATION_BACKENDS if b != OIDC_BACKEND
    ]
    assert client.get("/")["Location"].startswith("/accounts/login/")
    response = client.post("/accounts/login/", {"username": "hteacher", "password": PASSWORD})
    assert response.status_code == 302
    for key in ("provider_mfa", "signed_in_with", "oidc_id_token"):
        assert key not in client.session
    assert client.get("/")["Location"].startswith("/accounts/two-factor/")


def test_the_flag_counts_only_in_a_single_sign_on_session_still_switched_on(client, db, settings):
    school = factories.SchoolFactory()
    head = factories.UserFactory()
    factories.MembershipFactory(user=head, school=school, role=Role.HEADTEACHER)
    settings.SSO_OIDC_ENABLED = True
    settings.SSO_ACCEPT_PROVIDER_MFA = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]
    client.force_login(head)  # the password backend, flag written by anyone
    session = client.session
    session["provider_mfa"] = True
    session.save()
    assert client.get("/")["Location"].startswith("/accounts/two-factor/")


# --- 3, 4. Configuration checks


@pytest.fixture
def saml_on(settings):
    settings.SSO_SAML_ENABLED = True
    settings.SSO_SAML_IDP_METADATA_FILE = "/etc/idp.xml"
    settings.SSO_SAML_IDP_ENTITY_ID = "https://idp.council.example/idp"
    settings.SSO_SAML_XMLSEC1 = "/bin/sh"  # any executable
    return settings


def _check_ids():
    from single_sign_on.checks import check_single_sign_on

    return [(e.id, e.msg) for e in check_single_sign_on(None)]


def test_saml_needs_the_identity_providers_entity_id(saml_on):
    assert _check_ids() == []
    saml_on.SSO_SAML_IDP_ENTITY_ID = ""
    assert [i for i, _ in _check_ids()] == ["single_sign_on.E007"]


@pytest.mark.parametrize("debug", [False, True])
def test_metadata_from_a_url_needs_https_and_its_signing_certificate(saml_on, debug):
    saml_on.DEBUG = debug
    saml_on.SSO_SAML_IDP_METADATA_URL = "http://idp.council.example/metadata"
    ids = [i for i, _ in _check_ids()]
    assert ids == ["single_sign_on.E003", "single_sign_on.E006"]
    saml_on.SSO_SAML_IDP_METADATA_URL = "https://idp.council.example/metadata"
    saml_on.SSO_SAML_IDP_METADATA_CERT = "/etc/idp-metadata.pem"
    assert _check_ids() == []


def test_plain_http_only_on_loopback_while_debugging(saml_on):
    saml_on.SSO_SAML_IDP_METADATA_URL = "http://127.0.0.1:8080/metadata"
    saml_on.SSO_SAML_IDP_METADATA_CERT = "/etc/idp-metadata.pem"
    saml_on.DEBUG = True
    assert _check_ids() == []
    saml_on.DEBUG = False
    assert [i for i, _ in _check_ids()] == ["single_sign_on.E003"]


@pytest.mark.parametrize("debug", [False, True])
def test_the_end_session_endpoint_needs_https(settings, debug):
    settings.DEBUG = debug
    settings.SSO_OIDC_ENABLED = True
    for name in (
        "OIDC_RP_CLIENT_ID",
        "OIDC_RP_CLIENT_SECRET",
    ):
        setattr(settings, name, "x")
    settings.SSO_OIDC_ISSUER = "https://idp.example"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example/a"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example/t"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example/u"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example/j"
    settings.SSO_OIDC_END_SESSION_ENDPOINT = "http://idp.example/logout"
    assert _check_ids() == [
        ("single_sign_on.E003", "SSO_OIDC_END_SESSION_ENDPOINT must be an https:// address.")
    ]


def test_remote_metadata_is_loaded_with_its_certificate(saml_on):
    from single_sign_on import saml

    saml_on.SSO_SAML_IDP_METADATA_FILE = ""
    saml_on.SSO_SAML_IDP_METADATA_URL = "https://idp.council.example/metadata"
    saml_on.SSO_SAML_IDP_METADATA_CERT = "/etc/idp-metadata.pem"
    with (
        mock.patch.object(saml, "sp_config", return_value={}) as config,
        mock.patch("saml2.config.SPConfig.load"),
    ):
        saml.settings_loader()
    metadata = config.call_args.args[2]
    assert metadata == {
        "remote": [{"url": "https://idp.council.example/metadata", "cert": "/etc/idp-metadata.pem"}]
    }


# --- 6. The default amr values


def test_only_mfa_means_multi_factor_by_default(settings):
    from portal import settings as portal_settings

    assert portal_settings.SSO_MFA_AMR == ["mfa"]
    settings.SSO_MFA_AMR = portal_settings.SSO_MFA_AMR
    settings.SSO_ACCEPT_PROVIDER_MFA = True
    assert matching.provider_mfa(["otp"], None) is False
    assert matching.provider_mfa(["pwd", "mfa"], None) is True


# --- 7, 8. The OpenID callback: broken answers, azp


@pytest.fixture
def pending(client, db, settings):
    """An OpenID sign-in this browser began (its state, nonce and PKCE verifier kept)."""
    settings.SSO_OIDC_ENABLED = True
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/jwks"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]
    session = client.session
    session["oidc_states"] = {"st": {"nonce": "n", "code_verifier": "v", "added_on": time.time()}}
    session.save()
    return client


@pytest.mark.parametrize(
    "token_response", [{"access_token": "a"}, {"access_token": "a", "id_token": "not-a-jwt"}]
)
def test_a_token_response_without_a_usable_id_token_is_refused(pending, token_response):
    keys = mock.Mock(**{"json.return_value": {"keys": []}})
    with (
        mock.patch.object(CouncilOIDCBackend, "get_token", return_value=token_response),
        mock.patch("mozilla_django_oidc.auth.requests.get", return_value=keys),
    ):
        response = pending.get("/sso/oidc/callback/?code=c&state=st")
    assert response.status_code == 403
    assert "could not be checked" in response.content.decode()
    assert "oidc_states" not in pending.session  # the refused sign-in's session is emptied


def test_an_azp_naming_another_client_is_refused(settings):
    settings.OIDC_RP_CLIENT_ID = "parent-compass"
    settings.SSO_OIDC_ISSUER = "https://idp.example"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    now = int(time.time())
    claims = {"iss": "https://idp.example", "aud": "parent-compass", "sub": "s"}
    claims.update(iat=now, exp=now + 300)
    backend = CouncilOIDCBackend()
    backend.OIDC_RP_CLIENT_ID = "parent-compass"
    ours = jwt.encode({**claims, "azp": "parent-compass"}, key, algorithm="RS256")
    assert backend._verify_jws(ours, public)["sub"] == "s"
    theirs = jwt.encode({**claims, "azp": "another-service"}, key, algorithm="RS256")
    with pytest.raises(SuspiciousOperation, match="another client"):
        backend._verify_jws(theirs, public)


def test_a_missing_saml_attribute_logs_no_values(db, caplog, settings):
    from single_sign_on.saml import CouncilSaml2Backend

    settings.SSO_SAML_IDP_ENTITY_ID = "https://idp.example"
    info = {
        "ava": {"givenName": ["Pupil"], "telephoneNumber": ["07700 900123"]},
        "issuer": "https://idp.example",
        "name_id": None,
    }
    with (
        caplog.at_level(logging.ERROR, logger="djangosaml2"),
        caplog.at_level(logging.WARNING, logger="single_sign_on"),
    ):
        user = CouncilSaml2Backend().authenticate(
            RequestFactory().post("/sso/saml/acs/"),
            session_info=info,
            attribute_mapping=settings.SAML_ATTRIBUTE_MAPPING,
        )
    assert user is None
    assert "07700 900123" not in caplog.text
    assert "Pupil" not in caplog.text
    assert "lacks the attribute" in caplog.text


@pytest.mark.parametrize(
    "query", ["code=x&state=y", "error=access_denied&state=y", "error=access_denied"]
)
def test_a_callback_this_browser_did_not_ask_for_signs_nobody_out(pending, query):
    """A link on another site to the callback (GET, so the session cookie goes with it)."""
    teacher = factories.UserFactory()
    pending.force_login(teacher)
    session = pending.session
    session["oidc_states"] = {"st": {"nonce": "n", "code_verifier": "v", "added_on": time.time()}}
    session.save()
    response = pending.get(f"/sso/oidc/callback/?{query}")
    assert response.status_code == 403
    assert "could not be checked" in response.content.decode()
    assert pending.session["_auth_user_id"] == str(teacher.pk)
    assert "st" in pending.session["oidc_states"]  # this browser's own sign-in is untouched


def test_an_error_for_this_browsers_own_sign_in_ends_it(pending):
    teacher = factories.UserFactory()
    pending.force_login(teacher)
    session = pending.session
    session["oidc_states"] = {"st": {"nonce": "n", "code_verifier": "v", "added_on": time.time()}}
    session.save()
    response = pending.get("/sso/oidc/callback/?error=access_denied&state=st")
    assert response.status_code == 403
    assert "_auth_user_id" not in pending.session
