"""SAML 2 sign-in (djangosaml2 with pysaml2), held to the same rules as OpenID Connect: the
identity provider's signed assertion names a person by one configured attribute
(SSO_SAML_MATCH_ATTRIBUTE), which must match exactly one active account (SSO_MATCH_FIELD);
nobody is ever created or changed, and memberships stay as the portal has them. pysaml2 checks
the signature (with the xmlsec1 program), the audience (our entity id), the time window, and
that the answer is to a request this browser made (djangosaml2 keeps it in its own
`saml_session` cookie, as the provider's POST back is cross-site). Only the council's own
identity provider counts (SSO_SAML_IDP_ENTITY_ID): metadata that lists several providers (a
federation's) must not let another of them assert who a member of staff is."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from djangosaml2 import views as saml_views
from djangosaml2.backends import Saml2Backend

from portal.security import PROVIDER_MFA_SESSION_KEY
from single_sign_on import matching

PROTOCOL = "SAML"
log = logging.getLogger("single_sign_on")


def pinned_idp(entity_id: object) -> bool:
    """Whether an identity provider is the council's own (SSO_SAML_IDP_ENTITY_ID, required)."""
    pinned = settings.SSO_SAML_IDP_ENTITY_ID
    return bool(pinned) and entity_id == pinned


def sp_config(base_url: str, entity_id: str, metadata: dict, key_file: str, cert_file: str):
    """The pysaml2 service-provider configuration, from the settings (read from env)."""
    acs = f"{base_url}/sso/saml/acs/"
    return {
        "xmlsec_binary": settings.SSO_SAML_XMLSEC1,
        "entityid": entity_id or f"{base_url}/sso/saml/metadata/",
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "Parent Compass",
                "name_id_format": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
                "endpoints": {
                    "assertion_consumer_service": [
                        (acs, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
                    ],
                    "single_logout_service": [
                        (
                            f"{base_url}/sso/saml/logout/",
                            "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
                        ),
                    ],
                },
                "allow_unsolicited": False,  # an answer must be to this browser's request
                "authn_requests_signed": bool(key_file),
                "want_assertions_signed": True,
                "want_response_signed": False,
                "logout_requests_signed": bool(key_file),
            }
        },
        "metadata": metadata,
        "key_file": key_file or None,
        "cert_file": cert_file or None,
        "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}] if key_file else [],
        "accepted_time_diff": 60,
    }


class CouncilSaml2Backend(Saml2Backend):
    """The one active account the assertion's configured attribute names, or nobody."""

    def authenticate(self, request, session_info=None, attribute_mapping=None, **kwargs):
        if request is None or session_info is None:
            return None
        request.sso_reason = matching.NO_CLAIM  # replaced once the attribute is found
        kwargs["create_unknown_user"] = False
        return super().authenticate(
            request, session_info=session_info, attribute_mapping=attribute_mapping, **kwargs
        )

    def is_authorized(self, attributes, attribute_mapping, idp_entityid, assertion_info, **kw):
        """Only the council's identity provider may say who someone is."""
        if not pinned_idp(idp_entityid):
            matching.refused(PROTOCOL, matching.INVALID, "an identity provider not configured")
            return False
        return True

    def _get_attribute_value(self, django_field, attributes, attribute_mapping):
        """As djangosaml2's, but a missing attribute is logged by name only: the library logs
        every attribute's value (names, telephone numbers) at ERROR."""
        for saml_attribute, django_fields in attribute_mapping.items():
            if django_field in django_fields and attributes.get(saml_attribute):
                return attributes[saml_attribute][0]
        wanted = [name for name, fields in attribute_mapping.items() if django_field in fields]
        log.warning("Single sign-on (%s): the assertion lacks the attribute %s", PROTOCOL, wanted)
        return None

    def get_or_create_user(
        self,
        user_lookup_key,
        user_lookup_value,
        create_unknown_user,
        idp_entityid,
        attributes,
        attribute_mapping,
        request,
    ):
        found = matching.match_account(user_lookup_value, settings.SSO_MATCH_FIELD)
        if found.user is None:
            request.sso_reason = found.reason
            matching.refused(PROTOCOL, found.reason)
        return found.user, False

    def _update_user(self, user, attributes, attribute_mapping, force_save=False):
        return user  # the portal's record of the person is the portal's to change

    def save_user(self, user, *args, **kwargs):
        raise PermissionError("Single sign-on never creates or changes accounts.")


def mfa_from_session_info(session_info: dict, user=None) -> bool:
    """The authentication context the provider reports, checked against SSO_MFA_ACR."""
    contexts = [entry[0] for entry in session_info.get("authn_info") or [] if entry]
    return any(matching.provider_mfa(None, context, user) for context in contexts)


class LoginView(saml_views.LoginView):
    """Always to the council's identity provider: `?idp=` may name no other (refused)."""

    def get(self, request, *args, **kwargs):
        chosen = request.GET.get("idp")
        if chosen is not None and not pinned_idp(chosen):
            raise PermissionDenied("Only the council's identity provider may be used.")
        if chosen is None:
            request.GET = request.GET.copy()
            request.GET["idp"] = settings.SSO_SAML_IDP_ENTITY_ID
        return super().get(request, *args, **kwargs)


class AcsView(saml_views.AssertionConsumerServiceView):
    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        from single_sign_on.views import refusal

        reason = getattr(request, "sso_reason", matching.INVALID)
        if reason == matching.INVALID:
            matching.refused(PROTOCOL, reason, type(exception).__name__)
        return refusal(request, reason)

    def post_login_hook(self, request, user, session_info):
        from single_sign_on.views import SSO_SESSION_KEY

        mfa = mfa_from_session_info(session_info, user)
        request.session[SSO_SESSION_KEY] = "saml"
        request.session[PROVIDER_MFA_SESSION_KEY] = mfa  # this sign-in's word only
        matching.signed_in(PROTOCOL, user, mfa)


class MetadataView(saml_views.MetadataView):
    pass


class LogoutServiceView(saml_views.LogoutView):
    pass


def settings_loader(request=None):
    """djangosaml2's configuration, made from the SSO_SAML_* settings when it is needed."""
    from saml2.config import SPConfig

    metadata: dict = {}
    if settings.SSO_SAML_IDP_METADATA_URL:
        # The certificate makes pysaml2 check the metadata's signature before using it.
        metadata["remote"] = [
            {
                "url": settings.SSO_SAML_IDP_METADATA_URL,
                "cert": settings.SSO_SAML_IDP_METADATA_CERT or None,
            }
        ]
    if settings.SSO_SAML_IDP_METADATA_FILE:
        metadata["local"] = [settings.SSO_SAML_IDP_METADATA_FILE]
    base_url = settings.PORTAL_URL.rstrip("/")
    if request is not None:
        base_url = request.build_absolute_uri("/").rstrip("/")
    config = SPConfig()
    config.load(
        sp_config(
            base_url,
            settings.SSO_SAML_ENTITY_ID,
            metadata,
            settings.SSO_SAML_KEY_FILE,
            settings.SSO_SAML_CERT_FILE,
        )
    )
    return config
