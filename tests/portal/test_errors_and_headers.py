import re

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.urls("tests.portal.urls_broken")
def test_a_crash_shows_our_page_and_no_stack_trace(cast, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(cast.teacher)
    response = client.get("/broken/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "secret internal detail" not in body
    assert "Traceback" not in body


def test_unknown_page_shows_friendly_404(login, cast):
    response = login(cast.teacher).get("/no-such-page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()
    assert "Go to your home page" in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(login, cast):
    response = login(cast.teacher).get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_page_loads_assets_from_another_origin(client, db):
    body = client.get(reverse("login")).content.decode()
    # Every script, stylesheet, image and link is on our own origin: no CDN, no other host.
    # (Only the addresses are read: a random token in the page may spell anything.)
    addresses = re.findall(r'\b(?:src|href|action)="([^"]*)"', body)
    assert any(a.endswith(".css") for a in addresses) and any(a.endswith(".js") for a in addresses)
    assert [a for a in addresses if a.startswith(("http:", "https:", "//"))] == []


def test_admin_signs_in_through_the_portal_login(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_admin_login_refuses_signed_in_staff_without_admin_rights(login, cast):
    assert login(cast.teacher).get("/admin/login/").status_code == 403


def test_administrator_reaches_admin_and_can_manage_memberships(login, cast):
    from django.contrib.auth.models import Permission

    cast.admin.groups.first().permissions.set(
        Permission.objects.filter(content_type__app_label="portal")
    )
    cast.school.administrators.add(cast.admin)
    client = login(cast.admin)
    assert client.get("/admin/").status_code == 200
    response = client.get("/admin/portal/membership/?role=staff&q=teacher")
    assert response.status_code == 200
    assert "teacher" in response.content.decode()


def test_teacher_cannot_open_admin(login, cast):
    response = login(cast.teacher).get("/admin/")
    assert response.status_code in (302, 403)
    assert "Site administration" not in response.content.decode()


def test_administrator_manages_a_persons_school_roles_on_the_user_page(login, cast):
    client = login(cast.admin)
    cast.admin.is_superuser = True
    cast.admin.save()
    response = client.get(f"/admin/auth/user/{cast.teacher.pk}/change/")
    assert response.status_code == 200
    assert "Roles at schools" in response.content.decode()
