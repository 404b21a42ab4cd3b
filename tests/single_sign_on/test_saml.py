"""Staff single sign-on with SAML 2: djangosaml2 in the portal, and pysaml2 playing the
council's identity provider in the test process (signed assertions, checked by xmlsec1)."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.contrib.auth import get_user_model

from portal.models import Membership, Role
from tests import factories

IDP = "https://idp.council.example/idp"
SSO_URL = "https://idp.council.example/sso"
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MFA_CONTEXT = "https://refeds.org/profile/mfa"
REFUSED = "Signing in with your council account did not work"


@pytest.fixture(autouse=True)
def _xmlsec1():
    assert shutil.which("xmlsec1"), (
        "SAML needs the xmlsec1 program: scripts/bootstrap.sh installs it"
    )


def _keypair(folder, name):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


def _idp_config(folder, sp_metadata_file=None):
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.config import IdPConfig

    key, cert = (
        _keypair(folder, "idp")
        if not (folder / "idp.key").exists()
        else (
            str(folder / "idp.key"),
            str(folder / "idp.crt"),
        )
    )
    config = IdPConfig()
    config.load(
        {
            "entityid": IDP,
            "xmlsec_binary": shutil.which("xmlsec1"),
            "service": {
                "idp": {
                    "endpoints": {"single_sign_on_service": [(SSO_URL, BINDING_HTTP_REDIRECT)]},
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 5},
                            "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
                        }
                    },
                    "name_id_format": ["urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"],
                }
            },
            "key_file": key,
            "cert_file": cert,
            "metadata": {"local": [sp_metadata_file]} if sp_metadata_file else {},
        }
    )
    return config


@pytest.fixture
def saml(settings, tmp_path, client):
    """The portal's SAML settings with the test identity provider's metadata, and the
    provider itself (a pysaml2 Server) loaded with the portal's metadata."""
    from saml2.metadata import create_metadata_string
    from saml2.server import Server

    idp_metadata = tmp_path / "idp.xml"
    idp_metadata.write_bytes(create_metadata_string(None, config=_idp_config(tmp_path)))
    sp_key, sp_cert = _keypair(tmp_path, "sp")
    settings.SSO_SAML_ENABLED = True
    settings.SSO_SAML_IDP_METADATA_FILE = str(idp_metadata)
    settings.SSO_SAML_IDP_ENTITY_ID = IDP
    settings.SSO_SAML_KEY_FILE = sp_key
    settings.SSO_SAML_CERT_FILE = sp_cert
    settings.SSO_SAML_XMLSEC1 = shutil.which("xmlsec1")
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "single_sign_on.saml.CouncilSaml2Backend",
    ]
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:3],
        "djangosaml2.middleware.SamlSessionMiddleware",
        *settings.MIDDLEWARE[3:],
    ]
    metadata = client.get("/sso/saml/metadata/")
    assert metadata.status_code == 200
    sp_metadata = tmp_path / "sp.xml"
    sp_metadata.write_bytes(metadata.content)
    return Server(config=_idp_config(tmp_path, str(sp_metadata)))


@pytest.fixture
def staff(db):
    school = factories.SchoolFactory(name="Riverside Primary")
    head = factories.UserFactory(username="hteacher", email="head.teacher@riverside.example")
    factories.MembershipFactory(user=head, school=school, role=Role.HEADTEACHER)
    teacher = factories.UserFactory(username="mrsjones", email="teacher@riverside.example")
    factories.MembershipFactory(user=teacher, school=school, role=Role.STAFF)
    return {"head": head, "teacher": teacher}


def _answer(idp, client, email, context=PASSWORD_CONTEXT, in_response_to=None):
    """Starts at the portal's SAML route, then answers as the provider would (signed)."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID

    start = client.get("/sso/saml/start/")
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == SSO_URL
    query = parse_qs(location.query)
    request = idp.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
    message = request.message
    response = idp.create_authn_response(
        {"email": [email]},
        in_response_to=in_response_to or message.id,
        destination=message.assertion_consumer_service_url,
        sp_entity_id=message.issuer.text,
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text="council-person-1"),
        authn={"class_ref": context, "authn_auth": IDP},
        sign_assertion=True,
    )
    return {
        "SAMLResponse": base64.b64encode(str(response).encode()).decode(),
        "RelayState": query.get("RelayState", ["/"])[0],
    }


def test_saml_teacher_signs_in(saml, staff, client):
    memberships = list(Membership.objects.order_by("pk").values_list("user", "school", "role"))
    answer = _answer(saml, client, "Teacher@Riverside.example")
    response = client.post("/sso/saml/acs/", answer)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff["teacher"].pk)
    assert client.session["signed_in_with"] == "saml"
    assert "Riverside Primary" in client.get("/", follow=True).content.decode()
    assert (
        list(Membership.objects.order_by("pk").values_list("user", "school", "role")) == memberships
    )


def test_saml_unknown_person_is_refused_and_not_created(saml, staff, client):
    users = get_user_model().objects.count()
    response = client.post("/sso/saml/acs/", _answer(saml, client, "new.person@riverside.example"))
    assert response.status_code == 403
    assert "does not have an account for you yet" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == users


def test_saml_replayed_answer_is_refused(saml, staff, client):
    answer = _answer(saml, client, "teacher@riverside.example")
    assert client.post("/sso/saml/acs/", answer).status_code == 302
    client.logout()
    again = client.post("/sso/saml/acs/", answer)
    assert again.status_code == 403
    assert REFUSED in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_saml_tampered_answer_is_refused(saml, staff, client):
    answer = _answer(saml, client, "teacher@riverside.example")
    xml = base64.b64decode(answer["SAMLResponse"]).decode()
    answer["SAMLResponse"] = base64.b64encode(
        xml.replace("teacher@riverside.example", "head.teacher@riverside.example").encode()
    ).decode()
    response = client.post("/sso/saml/acs/", answer)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_saml_headteacher_meets_the_code_step_unless_mfa_accepted(saml, staff, client, settings):
    settings.SSO_MFA_ACR = [MFA_CONTEXT]
    client.post(
        "/sso/saml/acs/", _answer(saml, client, "head.teacher@riverside.example", MFA_CONTEXT)
    )
    assert client.get("/")["Location"].startswith("/accounts/two-factor/")
    client.logout()
    settings.SSO_ACCEPT_PROVIDER_MFA = True
    client.post(
        "/sso/saml/acs/", _answer(saml, client, "head.teacher@riverside.example", MFA_CONTEXT)
    )
    assert client.get("/").status_code == 200
