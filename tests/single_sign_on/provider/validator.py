"""The provider's claims, and the faults the tests ask it for. The test writes a mode into
PROVIDER_DIR/mode before signing in: "normal", "mfa" (amr says multi-factor), "wrong-aud" (an
id_token for another client), "two-aud" (two audiences and no azp), "expired", "wrong-iss",
"tampered" (the payload changed after signing: someone else's e-mail), "alg-none" (unsigned),
"unverified" (email_verified false), "other-azp" (one audience, but azp names another client)."""

import base64
import json
import time

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def mode() -> str:
    path = settings.PROVIDER_DIR / "mode"
    return path.read_text().strip() if path.exists() else "normal"


class TestValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim, whatever the scopes (a test double)

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": mode() != "unverified",
            "preferred_username": user.username,
            "name": user.get_full_name() or user.username,
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        now = int(time.time())
        current = mode()
        claims["amr"] = ["pwd", "mfa"] if current == "mfa" else ["pwd"]
        if current == "wrong-aud":
            claims["aud"] = "another-council-service"
        elif current == "two-aud":
            claims["aud"] = [request.client.client_id, "another-council-service"]
        elif current == "expired":
            claims["iat"] = now - 3600
            claims["exp"] = now - 1800
        elif current == "other-azp":
            claims["azp"] = "another-council-service"
        elif current == "wrong-iss":
            claims["iss"] = "http://127.0.0.1:1/not-the-council"
        return claims, expiration_time

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        current = mode()
        if current not in ("tampered", "alg-none"):
            return signed
        header, payload, signature = signed.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if current == "tampered":
            claims["email"] = "head.teacher@riverside.example"
        else:
            header, signature = _encode({"alg": "none", "typ": "JWT"}), ""
        return f"{header}.{_encode(claims)}.{signature}"


def _encode(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
