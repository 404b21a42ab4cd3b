"""Council API tokens in admin: listed with their first characters, authority and last use,
never the secret or its hash; administrators may revoke them, never add or delete one."""

import pytest
from django.urls import reverse

from council_data.models import CouncilToken
from tests import factories
from tests.council_data import data


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


def test_the_list_shows_prefix_and_authority_but_never_the_secret_or_hash(login, cast, superuser):
    token, secret = data.token_for(cast.school.authority, by=cast.authority_officer)
    client = login(superuser)
    listing = client.get(reverse("admin:council_data_counciltoken_changelist")).content.decode()
    detail = client.get(
        reverse("admin:council_data_counciltoken_change", args=[token.pk])
    ).content.decode()
    for body in (listing, detail):
        assert f"pcc_{token.prefix}" in body and "Riverside Council" in body
        assert secret not in body and token.secret_hash not in body


def test_administrators_may_revoke_but_not_add_or_delete(login, cast, superuser):
    token, _secret = data.token_for(cast.school.authority)
    client = login(superuser)
    assert client.get(reverse("admin:council_data_counciltoken_add")).status_code == 403
    response = client.post(
        reverse("admin:council_data_counciltoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert "1 token(s) revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == superuser
    assert "delete_selected" not in response.content.decode()
    assert CouncilToken.objects.count() == 1
