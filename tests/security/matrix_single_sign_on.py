"""The authorisation matrix's rows for single_sign_on (how to read a row: see
test_authorisation_matrix.py). The matrix runs with single sign-on off, as a portal is
installed: every route answers 404 to everyone. With it on, the routes are for people who are
not signed in yet; tests/single_sign_on/ checks them end to end against a real provider."""

from __future__ import annotations

from tests.security.matrix import R

OFF = "404 404 404 404 404"

SINGLE_SIGN_ON_ROWS: list = [
    R("single_sign_on:oidc-start", None, OFF, anonymous=404),
    R("single_sign_on:oidc-callback", None, OFF, anonymous=404, query="?code=x&state=y"),
    R("single_sign_on:signed-out", None, OFF, anonymous=404),
    R("single_sign_on:saml-start", None, OFF, anonymous=404),
    R("single_sign_on:saml-acs", None, OFF, anonymous=404, method="POST", data={}),
    R("single_sign_on:saml-metadata", None, OFF, anonymous=404),
    R("single_sign_on:saml-logout", None, OFF, anonymous=404, method="FORM", data={}),
]
