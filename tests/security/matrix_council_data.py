"""The authorisation matrix's rows for council_data (how to read a row: see
test_authorisation_matrix.py). The page, its downloads and the tokens are for the authority's
own officers; everyone else gets 403 (administrators too), and another authority's token is a
404. The token endpoints answer a session with 401: only an API token opens them (tested with
real tokens in tests/council_data/test_api.py). Token names carry no marker: an officer rightly
sees their own authority's tokens, which the marker check would take for a leak."""

from __future__ import annotations

from tests.security.matrix import R

OFFICERS = "403 403 403 200 403"
TOKEN_ONLY = "401 401 401 401 401"


def token_pk(s):
    """The side's authority's API token (made once)."""
    if "_council_token" not in s.__dict__:
        from council_data.models import CouncilToken

        s._council_token, _secret = CouncilToken.make(
            authority=s.school.authority, name="Reporting tool", created_by=None
        )
    return {"pk": s._council_token.pk}


COUNCIL_DATA_ROWS: list = [
    R("council_data:page", None, OFFICERS),
    R("council_data:page", None, OFFICERS, query="?period=year", variant="year"),
    R("council_data:figures-csv", None, OFFICERS),
    R("council_data:figures-json", None, OFFICERS),
    R("council_data:figures-json", None, OFFICERS, query="?period=nonsense", variant="bad"),
    R("council_data:token-new", None, OFFICERS, method="POST", data={"name": "Power BI"}),
    R("council_data:token-new", None, OFFICERS, method="POST", data={}, variant="no name"),
    R("council_data:token-revoke", token_pk, "403 403 403 302 404", method="POST", data={}),
    R("council_data:api-figures-json", None, TOKEN_ONLY, anonymous=401),
    R("council_data:api-figures-csv", None, TOKEN_ONLY, anonymous=401),
    # Admin lists the tokens (never a secret or hash) so a superuser can revoke one at once; the
    # Administrators group manages staff accounts, not the council's tokens.
    R("admin:council_data_counciltoken_changelist", None, "302 302 302 302 403"),
]
