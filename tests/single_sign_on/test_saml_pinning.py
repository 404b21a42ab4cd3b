"""SAML fixes from the security review: only the council's identity provider counts, even when
the metadata (a federation's) lists others; sign-out empties djangosaml2's own store."""

from __future__ import annotations

import base64
import shutil
from urllib.parse import parse_qs, urlparse

from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from tests.single_sign_on.test_saml import (  # noqa: F401 (fixtures)
    IDP,
    PASSWORD_CONTEXT,
    REFUSED,
    _answer,
    _idp_config,
    _keypair,
    _xmlsec1,
    saml,
    staff,
)

OTHER = "https://other-school-idp.example/idp"


def _other_idp_config(folder, sp_metadata=None):
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.config import IdPConfig

    key = folder / "idp.key"
    key_file, cert_file = (
        (str(key), str(folder / "idp.crt")) if key.exists() else _keypair(folder, "idp")
    )
    config = IdPConfig()
    config.load(
        {
            "entityid": OTHER,
            "xmlsec_binary": shutil.which("xmlsec1"),
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [
                            ("https://other-school-idp.example/sso", BINDING_HTTP_REDIRECT)
                        ]
                    },
                    "name_id_format": ["urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"],
                }
            },
            "key_file": key_file,
            "cert_file": cert_file,
            "metadata": {"local": [sp_metadata]} if sp_metadata else {},
        }
    )
    return config


def _federation(settings, tmp_path, client):
    """Metadata naming two identity providers, the council's and another; the portal set up
    with it, and the other provider (a pysaml2 Server) loaded with the portal's metadata."""
    from saml2.metadata import create_metadata_string
    from saml2.server import Server

    council, other = tmp_path / "council", tmp_path / "other"
    council.mkdir()
    other.mkdir()

    def body(xml: bytes) -> str:
        text = xml.decode()
        return text.split("?>", 1)[1] if text.startswith("<?xml") else text

    federation = tmp_path / "federation.xml"
    federation.write_text(
        '<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">'
        + body(create_metadata_string(None, config=_idp_config(council)))
        + body(create_metadata_string(None, config=_other_idp_config(other)))
        + "</md:EntitiesDescriptor>"
    )
    sp_key, sp_cert = _keypair(tmp_path, "sp")
    settings.SSO_SAML_ENABLED = True
    settings.SSO_SAML_IDP_METADATA_FILE = str(federation)
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
    sp_metadata = tmp_path / "sp.xml"
    sp_metadata.write_bytes(client.get("/sso/saml/metadata/").content)
    return (
        Server(config=_idp_config(council, str(sp_metadata))),
        Server(config=_other_idp_config(other, str(sp_metadata))),
    )


def test_another_identity_provider_in_the_metadata_cannot_sign_anyone_in(
    settings,
    tmp_path,
    client,
    staff,  # noqa: F811
):
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID

    council, other = _federation(settings, tmp_path, client)
    # ?idp= may not name another provider.
    refused = client.get("/sso/saml/start/", {"idp": OTHER})
    assert refused.status_code == 403
    assert REFUSED in refused.content.decode()
    # Without ?idp= the request goes to the council's provider, not a choice page.
    start = client.get("/sso/saml/start/")
    assert start.status_code == 302
    assert start["Location"].startswith("https://idp.council.example/sso")
    # The other provider answers that request anyway (its answer signed with its own key,
    # which the metadata lists).
    query = parse_qs(urlparse(start["Location"]).query)
    message = council.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT).message
    response = other.create_authn_response(
        {"email": ["head.teacher@riverside.example"]},
        in_response_to=message.id,
        destination=message.assertion_consumer_service_url,
        sp_entity_id=message.issuer.text,
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text="y"),
        authn={"class_ref": PASSWORD_CONTEXT, "authn_auth": OTHER},
        sign_assertion=True,
    )
    answer = {"SAMLResponse": base64.b64encode(str(response).encode()).decode()}
    page = client.post("/sso/saml/acs/", answer)
    assert page.status_code == 403
    assert "_auth_user_id" not in client.session


def test_sign_out_empties_the_saml_session_store(saml, staff, client):  # noqa: F811
    assert client.post("/sso/saml/acs/", _answer(saml, client, "teacher@riverside.example"))[
        "Location"
    ]
    key = client.cookies["saml_session"].value
    assert not SessionStore(session_key=key).is_empty()
    assert SessionStore(session_key=key).load()  # the NameID djangosaml2 keeps
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert SessionStore(session_key=key).load() == {}
    assert client.cookies["saml_session"].value == ""  # the cookie is deleted too
