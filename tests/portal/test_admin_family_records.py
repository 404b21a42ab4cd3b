"""Administration gives no sight of families, whatever permissions the Administrators group is
given: (c) today an administrator who adds families.view_contact to their group reads a
named-staff-only contact's words in admin. Nobody reads those words in admin, superusers
included; staff given family permissions on purpose (not administrators) keep their access."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from families.models import Contact
from portal.access import ADMINISTRATORS_GROUP
from tests import factories
from tests.portal.admin_forms import admin_form_data

SECRET = "ZZ-NAMED-ONLY-WORDS"
SHARED = "ZZ-SCHOOL-WIDE-WORDS"
FAMILY_PERMS = [
    ("families", "view_contact"),
    ("families", "change_contact"),
    ("families", "view_family"),
    ("families", "view_child"),
    ("compass", "view_placement"),
    ("audit", "view_accesslog"),
    ("privacy", "view_legalhold"),
    ("privacy", "view_erasurelog"),
]
FAMILY_PAGES = [
    "admin:families_contact_changelist",
    "admin:families_family_changelist",
    "admin:families_child_changelist",
    "admin:compass_placement_changelist",
    "admin:audit_accesslog_changelist",
    "admin:privacy_legalhold_changelist",
    "admin:privacy_erasurelog_changelist",
]


def _perms():
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in FAMILY_PERMS
    ]


@pytest.fixture
def contacts(cast):
    named = factories.ContactFactory(
        school=cast.school,
        staff=cast.pastoral,
        summary=SECRET,
        confidentiality="named",
        confidentiality_reason="Shared with the pastoral lead only",
    )
    named.named_staff.add(cast.pastoral)
    named.parents.add(factories.ParentCarerFactory(family=named.family))
    shared = factories.ContactFactory(school=cast.school, staff=cast.teacher, summary=SHARED)
    return named, shared


@pytest.fixture
def admin_with_family_perms(cast):
    """As if an administrator had added family permissions to their group before the fix."""
    Group.objects.get(name=ADMINISTRATORS_GROUP).permissions.add(*_perms())
    cast.school.administrators.add(cast.admin)
    return cast.admin


@pytest.mark.parametrize("name", FAMILY_PAGES)
def test_administrator_with_family_permissions_gets_no_family_list(
    login, admin_with_family_perms, contacts, name
):
    response = login(admin_with_family_perms).get(reverse(name))
    assert response.status_code == 403


def test_administrator_with_family_permissions_cannot_read_a_named_contact(
    login, admin_with_family_perms, contacts
):
    named, _shared = contacts
    client = login(admin_with_family_perms)
    response = client.get(reverse("admin:families_contact_change", args=[named.pk]))
    assert response.status_code == 403
    assert SECRET not in response.content.decode()
    body = client.get(reverse("admin:index")).content.decode()
    assert "Families" not in body and "Contacts" not in body


def test_administrator_with_a_permission_given_directly_gets_nothing_either(login, cast, contacts):
    cast.admin.user_permissions.add(*_perms())
    named, _shared = contacts
    response = login(cast.admin).get(reverse("admin:families_contact_change", args=[named.pk]))
    assert response.status_code == 403


def test_superuser_sees_that_a_named_contact_exists_but_not_its_words(login, contacts, db):
    superuser = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    named, shared = contacts
    client = login(superuser)
    response = client.get(reverse("admin:families_contact_change", args=[named.pk]))
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
    response = client.get(reverse("admin:families_contact_change", args=[shared.pk]))
    assert SHARED in response.content.decode()


def test_a_superusers_save_of_a_named_contact_keeps_its_words(login, contacts, db):
    superuser = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    named, _shared = contacts
    url = reverse("admin:families_contact_change", args=[named.pk])
    client = login(superuser)
    data = admin_form_data(client.get(url))
    data["summary"] = "overwritten"
    assert client.post(url, data).status_code == 302
    assert Contact.all_objects.get(pk=named.pk).summary == SECRET


def test_staff_given_family_permissions_on_purpose_keep_them(login, cast, contacts):
    """A records officer (staff, not an administrator) given the permissions by a superuser."""
    officer = factories.UserFactory(username="records", is_staff=True)
    officer.user_permissions.add(*_perms())
    _named, shared = contacts
    client = login(officer)
    assert client.get(reverse("admin:families_contact_changelist")).status_code == 200
    body = client.get(reverse("admin:families_contact_change", args=[shared.pk])).content
    assert SHARED in body.decode()
