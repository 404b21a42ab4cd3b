"""The council's token endpoints: a Bearer token and no session; a missing, unknown or revoked
token is a 401 in plain words (never the login page); a token sees its own authority only;
bad tokens from one address are refused for a while; each call is in the access log."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from council_data.exports import CSV_HEADER
from council_data.models import CouncilToken
from tests import factories
from tests.council_data import data

pytestmark = pytest.mark.usefixtures("compass_defaults")

JSON_URL = "council_data:api-figures-json"
CSV_URL = "council_data:api-figures-csv"


def _get(client, name=JSON_URL, token=None, address="127.0.0.1", **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(reverse(name), params, headers=headers, REMOTE_ADDR=address)


def test_a_token_fetches_its_authoritys_figures_as_json(client, cast):
    data.families(cast.school, 7)
    data.families(cast.other_school, 9)
    token, secret = data.token_for(cast.school.authority)
    response = _get(client, token=secret)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    doc = json.loads(response.content)
    assert doc["authority"]["name"] == "Riverside Council"
    assert [s["name"] for s in doc["schools"]] == ["Riverside Primary"]
    assert "Hillside" not in response.content.decode()
    assert doc["schools"][0]["families_by_region"]["Positive partners"] == 7
    assert set(doc["period"]) == {"key", "label", "start", "end"}
    assert doc["generated_at"]


def test_the_other_authoritys_token_sees_only_the_other_authority(client, cast):
    data.families(cast.school, 7)
    _token, secret = data.token_for(cast.other_school.authority)
    doc = json.loads(_get(client, token=secret).content)
    assert [s["name"] for s in doc["schools"]] == ["Hillside Academy"]
    assert "Riverside" not in json.dumps(doc)


def test_the_csv_opens_with_the_csv_module_and_has_the_documented_header(client, cast):
    data.families(cast.school, 6)
    data.families(cast.school, 3, "south-west")
    _token, secret = data.token_for(cast.school.authority)
    response = _get(client, CSV_URL, token=secret, period="year")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, *rows = csv.reader(io.StringIO(response.content.decode()))
    assert header == CSV_HEADER
    assert all(len(row) == len(header) for row in rows)
    cells = {(r[3], r[4], r[5]): r[6] for r in rows}
    assert cells[("Riverside Primary", "families by compass region", "Not yet reached")] == (
        "hidden to protect small numbers"
    )
    assert "3" not in {r[6] for r in rows if r[4] == "families by compass region"}


def test_each_call_is_in_the_access_log_and_marks_the_token_used(client, cast):
    token, secret = data.token_for(cast.school.authority, name="Power BI")
    assert token.last_used_at is None
    _get(client, token=secret)
    _get(client, CSV_URL, token=secret)
    token.refresh_from_db()
    assert token.last_used_at is not None
    logged = list(AccessLog.objects.order_by("pk"))
    assert [row.action for row in logged] == ["export", "export"]
    assert {row.username for row in logged} == {"council API token Power BI"}
    assert {(row.user, row.school, row.object_id) for row in logged} == {(None, None, token.pk)}
    assert {row.content_type.model for row in logged} == {"counciltoken"}


def _refused(response, words):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"].startswith('Bearer realm="council-data"')
    assert "Location" not in response
    assert words in json.loads(response.content)["error"]
    assert not AccessLog.objects.exists()


def test_a_missing_token_is_a_401_not_the_login_page(client, cast):
    _refused(_get(client), "needs your council's API token")
    _refused(client.get(reverse(CSV_URL), headers={"Authorization": "Basic abc"}), "needs")


def test_an_unknown_token_is_a_401(client, cast):
    token, secret = data.token_for(cast.school.authority)
    response = _get(client, token=secret[:-2] + "xx")
    _refused(response, "not one we know")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    _refused(_get(client, token="not-even-shaped-right"), "not one we know")
    token.refresh_from_db()
    assert token.last_used_at is None


def test_a_revoked_token_is_a_401(client, cast):
    token, secret = data.token_for(cast.school.authority)
    CouncilToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    _refused(_get(client, CSV_URL, token=secret), "has been revoked")


def test_a_signed_in_officer_without_a_token_still_gets_401(login, cast):
    _refused(_get(login(cast.authority_officer)), "needs your council's API token")


def test_an_unknown_period_is_a_400_in_plain_words(client, cast):
    _token, secret = data.token_for(cast.school.authority)
    response = _get(client, token=secret, period="decade")
    assert response.status_code == 400
    assert "period must be one of" in json.loads(response.content)["error"]


def test_only_get_is_allowed(client, cast):
    _token, secret = data.token_for(cast.school.authority)
    response = client.post(reverse(JSON_URL), headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 405


def test_repeated_bad_tokens_from_one_address_are_refused_then_even_a_good_one(
    client, cast, settings
):
    settings.COUNCIL_DATA_BAD_TOKENS = 3
    _token, secret = data.token_for(cast.school.authority)
    for _ in range(3):
        assert _get(client, token="pcc_guess_guess").status_code == 401
    refused = _get(client, token="pcc_guess_again")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many wrong tokens" in json.loads(refused.content)["error"]
    # Refused before the token is looked at, until the window has passed.
    assert _get(client, token=secret).status_code == 429
    other = _get(client, token=secret, address="198.51.100.7")
    assert other.status_code == 200  # another address is not held up


def test_the_token_call_does_not_grow_in_queries_with_schools(client, cast):
    _token, secret = data.token_for(cast.school.authority)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert _get(client, token=secret).status_code == 200
        return len(ctx)

    for n in range(2):
        school = factories.SchoolFactory(name=f"School {n}", authority=cast.school.authority)
        data.families(school, 6)
        data.complaints(school, 6, days=2)
    queries()  # the first call fills the content types' cache
    two = queries()
    for n in range(2, 5):
        school = factories.SchoolFactory(name=f"School {n}", authority=cast.school.authority)
        data.families(school, 6)
        data.complaints(school, 6, days=2)
    assert queries() == two <= 16


def test_an_authority_with_no_schools_left_gets_an_empty_export(client, cast):
    empty = factories.AuthorityFactory(name="Lochside Council")
    _token, secret = data.token_for(empty)
    doc = json.loads(_get(client, token=secret).content)
    assert doc["authority"]["name"] == "Lochside Council" and doc["schools"] == []
    header, *rows = csv.reader(io.StringIO(_get(client, CSV_URL, token=secret).content.decode()))
    assert header == CSV_HEADER
