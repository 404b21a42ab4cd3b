"""The authority officer's page "Data for your council": who may open it, its downloads (each
in the access log), and the council's API tokens, made (shown once), listed and revoked."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLog
from council_data.exports import CSV_HEADER
from council_data.models import CouncilToken, token_hash
from tests import factories
from tests.council_data import data

pytestmark = pytest.mark.usefixtures("compass_defaults")

PAGE = "council_data:page"


def test_authority_officers_see_the_page(login, cast):
    response = login(cast.authority_officer).get(reverse(PAGE))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Data for your council" in body and "Riverside Council" in body
    assert "Download CSV" in body and "Download JSON" in body
    assert "There are no tokens yet" in body


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher", "admin"])
def test_everyone_else_gets_403_administrators_too(login, cast, role):
    client = login(getattr(cast, role))
    for name in (PAGE, "council_data:figures-csv", "council_data:figures-json"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("council_data:token-new"), {"name": "x"}).status_code == 403
    assert not CouncilToken.objects.exists()


def test_a_superuser_who_is_no_officer_gets_403(login, cast):
    boss = factories.UserFactory(is_superuser=True, is_staff=True)
    assert login(boss).get(reverse(PAGE)).status_code == 403


def test_anonymous_goes_to_login_and_post_to_the_page_is_405(client, login, cast):
    response = client.get(reverse(PAGE))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert login(cast.authority_officer).post(reverse(PAGE)).status_code == 405
    assert login(cast.authority_officer).get(reverse("council_data:token-new")).status_code == 405


def test_the_officer_of_another_authority_sees_their_own_tokens_only(login, cast):
    data.token_for(cast.school.authority, name="Riverside BI")
    data.token_for(cast.other_school.authority, name="Hillside BI")
    body = login(cast.outsider_authority_officer).get(reverse(PAGE)).content.decode()
    assert "Hillside BI" in body and "Riverside BI" not in body


def test_a_token_is_made_and_its_secret_shown_once_and_never_stored(login, cast):
    client = login(cast.authority_officer)
    response = client.post(reverse("council_data:token-new"), {"name": "  Power   BI "})
    assert response.status_code == 200
    token = CouncilToken.objects.get()
    secret = response.context["made"]["secret"]
    assert secret in response.content.decode()
    assert "shown only this once" in response.content.decode()
    assert token.name == "Power BI" and token.authority == cast.school.authority
    assert token.created_by == cast.authority_officer
    assert secret.startswith(f"pcc_{token.prefix}_")
    # Only its hash is kept: no column of the row holds the secret, or its random part.
    row = CouncilToken.objects.filter(pk=token.pk).values().get()
    random_part = secret.removeprefix(f"pcc_{token.prefix}_")
    assert len(random_part) >= 40
    assert all(random_part not in str(value) for value in row.values())
    assert row["secret_hash"] == token_hash(secret) != secret
    # The page never shows it again.
    again = client.get(reverse(PAGE)).content.decode()
    assert secret not in again and random_part not in again
    assert "Power BI" in again and f"pcc_{token.prefix}" in again and "never used" in again


def test_a_token_without_a_name_is_refused_and_nothing_is_made(login, cast):
    response = login(cast.authority_officer).post(reverse("council_data:token-new"), {"name": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert response.context["made"] is None
    assert not CouncilToken.objects.exists()


def test_an_officer_revokes_a_token(login, cast):
    token, secret = data.token_for(cast.school.authority)
    client = login(cast.authority_officer)
    response = client.post(reverse("council_data:token-revoke", args=[token.pk]), follow=True)
    assert "no longer opens any figures" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == cast.authority_officer
    assert "Revoked" in client.get(reverse(PAGE)).content.decode()


def test_another_authoritys_token_is_404_and_is_not_revoked(login, cast):
    token, _secret = data.token_for(cast.other_school.authority)
    client = login(cast.authority_officer)
    assert client.post(reverse("council_data:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("role", ["teacher", "headteacher"])
def test_school_staff_get_403_on_their_authoritys_token(login, cast, role):
    token, _secret = data.token_for(cast.school.authority)
    response = login(getattr(cast, role)).post(
        reverse("council_data:token-revoke", args=[token.pk])
    )
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_page_downloads_are_in_the_access_log_and_read_the_period(login, cast):
    data.families(cast.school, 6)
    client = login(cast.authority_officer)
    response = client.get(reverse("council_data:figures-csv"), {"period": "year"})
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    header, first, *_rows = csv.reader(io.StringIO(response.content.decode()))
    assert header == CSV_HEADER
    assert first[0].endswith("-08-01") and first[1].endswith("-07-31")  # a school year
    doc = json.loads(client.get(reverse("council_data:figures-json")).content)
    assert doc["schema_version"] == 1 and doc["period"]["key"] == "term"
    logged = list(AccessLog.objects.order_by("pk"))
    assert [row.action for row in logged] == ["export", "export"]
    assert all(row.user == cast.authority_officer for row in logged)
    assert all(row.object_id == cast.school.authority_id for row in logged)
    assert {row.content_type.model for row in logged} == {"authority"}


def test_the_authority_dashboard_can_link_here(login, cast):
    body = login(cast.authority_officer).get(reverse("dashboards:authority")).content.decode()
    assert reverse(PAGE) in body


def test_the_token_list_does_not_grow_in_queries_with_tokens(login, cast):
    client = login(cast.authority_officer)
    for n in range(2):
        data.token_for(cast.school.authority, name=f"Tool {n}", by=cast.authority_officer)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(PAGE)).status_code == 200
        return len(ctx)

    queries()
    two = queries()
    for _ in range(3):
        token, _secret = data.token_for(cast.school.authority, by=cast.headteacher)
        CouncilToken.objects.filter(pk=token.pk).update(revoked_by=cast.authority_officer)
    assert queries() == two <= 10
