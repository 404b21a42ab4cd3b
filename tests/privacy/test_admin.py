"""Retention policies in admin: administrators edit them; holds and erasures are read-only."""

import pytest
from django.urls import reverse

from privacy.models import RetentionPolicy
from tests import factories


def test_an_administrator_sets_a_schools_retention_periods(login, cast):
    cast.school.administrators.add(cast.admin)
    client = login(cast.admin)
    assert client.get(reverse("admin:privacy_retentionpolicy_changelist")).status_code == 200
    response = client.post(
        reverse("admin:privacy_retentionpolicy_add"),
        {"school": cast.school.pk, "routine_years": 4, "protection_years": 25, "notes": ""},
    )
    assert response.status_code == 302
    policy = RetentionPolicy.objects.get(school=cast.school)
    assert policy.routine_years == 4
    assert policy.updated_by == cast.admin


def test_an_administrator_cannot_set_another_schools_retention_periods(login, cast):
    """Shorter periods at another school would have its records erased sooner."""
    cast.school.administrators.add(cast.admin)
    client = login(cast.admin)
    response = client.post(
        reverse("admin:privacy_retentionpolicy_add"),
        {"school": cast.other_school.pk, "routine_years": 1, "protection_years": 25, "notes": ""},
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["school"]
    assert not RetentionPolicy.objects.filter(school=cast.other_school).exists()
    other = RetentionPolicy.objects.create(school=cast.other_school)
    url = reverse("admin:privacy_retentionpolicy_change", args=[other.pk])
    assert client.get(url).status_code == 302  # not found: back to the admin index
    other.refresh_from_db()
    assert other.routine_years != 1


@pytest.mark.parametrize(
    "url_name", ["admin:privacy_legalhold_add", "admin:privacy_erasurelog_add"]
)
def test_holds_and_the_erasure_log_cannot_be_added_in_admin(login, cast, url_name):
    cast.admin.is_superuser = True
    cast.admin.save()
    assert login(cast.admin).get(reverse(url_name)).status_code == 403


def test_an_erasure_log_row_cannot_be_changed_or_deleted(login, cast):
    cast.admin.is_superuser = True
    cast.admin.save()
    row = factories.ErasureLogFactory()
    client = login(cast.admin)
    url = reverse("admin:privacy_erasurelog_delete", args=[row.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


def test_a_teacher_cannot_open_admin(login, cast):
    response = login(cast.teacher).get(reverse("admin:privacy_retentionpolicy_changelist"))
    assert response.status_code == 302
