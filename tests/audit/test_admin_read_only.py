"""Access rows and edit history in admin: readable, never added, changed or deleted."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from simple_history.models import HistoricalChanges

import audit
from tests import factories


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def row(cast):
    request = RequestFactory().get("/")
    request.user = cast.teacher
    request.school = cast.school
    return audit.record(request, action=audit.VIEW, obj=factories.FamilyFactory())


def test_superuser_sees_access_rows_read_only(login, superuser, row):
    client = login(superuser)
    listing = client.get(reverse("admin:audit_accesslog_changelist"))
    assert listing.status_code == 200
    assert "teacher" in listing.content.decode()
    detail = client.get(reverse("admin:audit_accesslog_change", args=[row.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


def test_nobody_can_add_change_or_delete_access_rows_in_admin(login, superuser, row):
    client = login(superuser)
    assert client.get(reverse("admin:audit_accesslog_add")).status_code == 403
    url = reverse("admin:audit_accesslog_change", args=[row.pk])
    client.post(url, {"username": "someone-else", "action": "export"})
    assert client.get(reverse("admin:audit_accesslog_delete", args=[row.pk])).status_code == 403
    client.post(reverse("admin:audit_accesslog_delete", args=[row.pk]), {"post": "yes"})
    client.post(
        reverse("admin:audit_accesslog_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    row.refresh_from_db()
    assert row.username == "teacher"
    assert row.action == "view"


def test_every_registered_history_model_is_read_only_in_admin(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        if issubclass(model, HistoricalChanges):
            assert not model_admin.has_add_permission(request)
            assert not model_admin.has_change_permission(request)
            assert not model_admin.has_delete_permission(request)


def test_a_history_model_registered_in_admin_is_made_read_only(superuser):
    from audit.admin import make_history_read_only
    from families.models import Family

    site = admin.AdminSite(name="scratch")
    site.register(Family.history.model)
    make_history_read_only(site)
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = site._registry[Family.history.model]
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
