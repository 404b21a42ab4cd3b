"""Administrators (the Administrators group, not superusers) in Django admin: they never give
anyone, themselves included, more rights than they hold, manage only their own school's staff,
and never read family records, whatever permissions their group is given. Each hole is
reproduced by posting the real admin forms, with the fields an attacker would add."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from portal.access import ADMINISTRATORS_GROUP
from portal.models import Membership, Role, StaffAccessChange
from tests import factories
from tests.portal.admin_forms import admin_form_data

# What the demo's Administrators group holds (demo/schools.py): accounts, groups, schools,
# classes and memberships.
ADMIN_MODELS = ["user", "group", "authority", "school", "classgroup", "membership"]


@pytest.fixture
def admin(cast):
    """The cast's administrator, with the demo group's permissions, administering the school."""
    group = Group.objects.get(name=ADMINISTRATORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__model__in=ADMIN_MODELS, content_type__app_label__in=["auth", "portal"]
        )
    )
    cast.school.administrators.add(cast.admin)
    return cast.admin


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


def _perm(codename):
    return Permission.objects.get(codename=codename)


def _user_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def _post_user(client, user, **changes):
    data = admin_form_data(client.get(_user_url(user)))
    data.update(changes)
    return client.post(_user_url(user), data)


def _fresh(user):
    return User.objects.get(pk=user.pk)


# (a) Superuser and staff status


def test_administrator_cannot_tick_superuser_status_on_their_own_account(login, admin):
    client = login(admin)
    response = _post_user(client, admin, is_superuser="on", first_name="Ada")
    assert response.status_code == 302  # the rest of the form is saved
    assert _fresh(admin).first_name == "Ada"
    assert _fresh(admin).is_superuser is False


def test_administrator_cannot_make_a_teacher_staff_or_superuser(login, admin, cast):
    response = _post_user(login(admin), cast.teacher, is_staff="on", is_superuser="on")
    assert response.status_code == 302
    teacher = _fresh(cast.teacher)
    assert (teacher.is_staff, teacher.is_superuser) == (False, False)


def test_the_superuser_and_staff_boxes_are_not_offered_to_administrators(login, admin, cast):
    response = login(admin).get(_user_url(cast.teacher))
    form = response.context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "is_staff" not in form.fields


def test_superuser_may_give_superuser_status_and_it_is_in_the_trail(login, superuser, cast):
    response = _post_user(login(superuser), cast.teacher, is_superuser="on")
    assert response.status_code == 302
    assert _fresh(cast.teacher).is_superuser is True
    row = StaffAccessChange.objects.get(subject=cast.teacher, what="Superuser status")
    assert (row.actor, row.before, row.after) == (superuser, "no", "yes")


# (c) Permissions and groups


def test_administrator_cannot_give_themselves_a_permission_they_do_not_hold(login, admin):
    view_contact = _perm("view_contact")
    response = _post_user(login(admin), admin, user_permissions=[str(view_contact.pk)])
    assert response.status_code == 200  # the form again, with the refusal next to the field
    assert "user_permissions" in response.context["adminform"].form.errors
    assert not _fresh(admin).has_perm("families.view_contact")


def test_administrator_cannot_add_view_contact_to_their_own_group(login, admin):
    group = Group.objects.get(name=ADMINISTRATORS_GROUP)
    url = reverse("admin:auth_group_change", args=[group.pk])
    client = login(admin)
    data = admin_form_data(client.get(url))
    data["permissions"] = [*data["permissions"], str(_perm("view_contact").pk)]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors
    assert not group.permissions.filter(codename="view_contact").exists()


def test_administrator_cannot_create_a_group_with_permissions_beyond_theirs(login, admin):
    client = login(admin)
    url = reverse("admin:auth_group_add")
    response = client.post(url, {"name": "Readers", "permissions": [str(_perm("view_contact").pk)]})
    assert response.status_code == 200
    assert not Group.objects.filter(name="Readers").exists()


def test_administrator_cannot_put_a_user_in_a_group_carrying_more_than_they_hold(
    login, admin, cast
):
    readers = Group.objects.create(name="Record readers")
    readers.permissions.add(_perm("view_contact"))
    response = _post_user(login(admin), cast.teacher, groups=[str(readers.pk)])
    assert response.status_code == 200
    assert not _fresh(cast.teacher).groups.exists()
    # Nor themselves.
    response = _post_user(login(admin), admin, groups=[str(readers.pk)])
    assert not _fresh(admin).groups.filter(name="Record readers").exists()


def test_administrator_cannot_change_or_delete_a_group_carrying_more_than_they_hold(login, admin):
    readers = Group.objects.create(name="Record readers")
    readers.permissions.add(_perm("view_contact"))
    client = login(admin)
    url = reverse("admin:auth_group_change", args=[readers.pk])
    response = client.post(url, {"name": "Record readers", "permissions": []})
    assert response.status_code == 403
    assert readers.permissions.count() == 1
    assert client.post(reverse("admin:auth_group_delete", args=[readers.pk]), {"post": "yes"})
    assert Group.objects.filter(pk=readers.pk).exists()


def test_administrator_cannot_rename_a_group_to_administrators(login, admin):
    group = Group.objects.create(name="Office")
    url = reverse("admin:auth_group_change", args=[group.pk])
    client = login(admin)
    data = admin_form_data(client.get(url))
    Group.objects.filter(name=ADMINISTRATORS_GROUP).update(name="Admins (old)")
    data["name"] = ADMINISTRATORS_GROUP
    assert client.post(url, data).status_code == 200
    assert Group.objects.get(pk=group.pk).name == "Office"


def test_administrator_may_give_a_group_within_their_rights_and_it_is_in_the_trail(
    login, admin, cast
):
    office = Group.objects.create(name="Office")
    office.permissions.add(_perm("view_school"))
    response = _post_user(login(admin), cast.teacher, groups=[str(office.pk)])
    assert response.status_code == 302
    assert list(_fresh(cast.teacher).groups.values_list("name", flat=True)) == ["Office"]
    row = StaffAccessChange.objects.get(kind=StaffAccessChange.Kind.GROUPS)
    assert (row.actor, row.subject, row.before, row.after) == (
        admin,
        cast.teacher,
        "none",
        "Office",
    )


def test_a_groups_permission_change_is_in_the_trail(login, superuser):
    group = Group.objects.create(name="Office")
    url = reverse("admin:auth_group_change", args=[group.pk])
    client = login(superuser)
    data = admin_form_data(client.get(url))
    data["permissions"] = [str(_perm("view_contact").pk)]
    assert client.post(url, data).status_code == 302
    row = StaffAccessChange.objects.get(kind=StaffAccessChange.Kind.GROUP_PERMISSIONS)
    assert row.group_name == "Office"
    assert (row.before, row.after) == ("none", "Can view contact (families)")


def test_a_users_permission_change_is_in_the_trail(login, admin, cast):
    response = _post_user(
        login(admin), cast.teacher, user_permissions=[str(_perm("view_school").pk)]
    )
    assert response.status_code == 302
    row = StaffAccessChange.objects.get(kind=StaffAccessChange.Kind.PERMISSIONS)
    assert (row.subject, row.after) == (cast.teacher, "Can view school (portal)")


# Taking over an account


def test_administrator_cannot_change_a_superusers_account(login, admin, superuser):
    factories.MembershipFactory(user=superuser, school=admin.administered_schools.get())
    client = login(admin)
    response = client.get(_user_url(superuser))
    assert response.context["has_change_permission"] is False  # shown, not changeable
    _post_user(client, superuser, first_name="Changed")
    assert _fresh(superuser).first_name != "Changed"
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    response = client.post(url, {"password1": "x-New-pass-42!", "password2": "x-New-pass-42!"})
    assert response.status_code == 403
    assert _fresh(superuser).check_password(factories.PASSWORD)


def test_administrator_cannot_set_the_password_or_address_of_a_headteacher(login, admin, cast):
    client = login(admin)
    url = reverse("admin:auth_user_password_change", args=[cast.headteacher.pk])
    response = client.post(url, {"password1": "x-New-pass-42!", "password2": "x-New-pass-42!"})
    assert response.status_code == 403
    assert _fresh(cast.headteacher).check_password(factories.PASSWORD)
    _post_user(client, cast.headteacher, email="admin@attacker.example", username="boss")
    headteacher = _fresh(cast.headteacher)
    assert (headteacher.username, headteacher.email) == ("headteacher", "headteacher@example.org")


# Their own school only


def test_administrator_lists_only_their_schools_staff(login, admin, cast):
    body = login(admin).get(reverse("admin:auth_user_changelist")).content.decode()
    assert "teacher" in body
    assert "outsider_teacher" not in body
    body = login(admin).get(reverse("admin:portal_membership_changelist")).content.decode()
    assert "Riverside Primary" in body
    assert "Hillside Academy" not in body


def test_administrator_cannot_open_another_schools_staff_or_school(login, admin, cast):
    client = login(admin)
    for url in (
        _user_url(cast.outsider_teacher),
        reverse("admin:portal_school_change", args=[cast.other_school.pk]),
        reverse(
            "admin:portal_membership_change",
            args=[Membership.objects.get(user=cast.outsider_teacher).pk],
        ),
    ):
        response = client.get(url)
        assert response.status_code == 302, url  # "doesn't exist": back to the admin index
        assert response.url == reverse("admin:index")


def test_administrator_cannot_give_a_role_at_another_school(login, admin, cast):
    """(b) A headteacher role for themselves at another school: refused outright."""
    response = login(admin).post(
        reverse("admin:portal_membership_add"),
        {
            "user": admin.pk,
            "school": cast.other_school.pk,
            "role": Role.HEADTEACHER,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "school" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=admin).exists()


def test_administrator_cannot_change_another_schools_roles_through_a_users_page(login, admin, cast):
    """A user with roles at both schools: the administrator's form shows only their school's,
    and a crafted row for the other school is refused."""
    factories.MembershipFactory(user=cast.teacher, school=cast.other_school, role=Role.STAFF)
    client = login(admin)
    data = admin_form_data(client.get(_user_url(cast.teacher)))
    assert data["memberships-TOTAL_FORMS"] == "1"
    data.update(
        {
            "memberships-TOTAL_FORMS": "2",
            "memberships-1-school": str(cast.other_school.pk),
            "memberships-1-role": Role.HEADTEACHER,
            "memberships-1-is_active": "on",
            "memberships-1-user": str(cast.teacher.pk),
        }
    )
    response = client.post(_user_url(cast.teacher), data)
    assert response.status_code == 200
    other = Membership.objects.get(user=cast.teacher, school=cast.other_school)
    assert other.role == Role.STAFF


def test_superuser_sees_every_schools_staff(login, superuser, cast):
    body = login(superuser).get(reverse("admin:auth_user_changelist")).content.decode()
    assert "outsider_teacher" in body


def test_administrator_edits_only_their_schools_classes(login, admin, cast):
    own = factories.ClassGroupFactory(school=cast.school, name="P4")
    other = factories.ClassGroupFactory(school=cast.other_school, name="ZZ-OTHER-CLASS")
    client = login(admin)
    body = client.get(reverse("admin:portal_classgroup_changelist")).content.decode()
    assert "P4" in body and "ZZ-OTHER-CLASS" not in body
    response = client.get(reverse("admin:portal_classgroup_change", args=[other.pk]))
    assert response.status_code == 302
    # Nor may a class of theirs be given another school's teacher (who would then see its
    # pupils' families).
    url = reverse("admin:portal_classgroup_change", args=[own.pk])
    data = admin_form_data(client.get(url))
    data["staff"] = [str(cast.outsider_teacher.pk)]
    assert client.post(url, data).status_code == 200
    assert not own.staff.exists()


def test_an_administrator_linked_to_no_school_manages_no_school(login, admin, cast):
    cast.school.administrators.remove(admin)
    client = login(admin)
    body = client.get(reverse("admin:portal_membership_changelist")).content.decode()
    assert "Riverside Primary" not in body
    assert client.get(_user_url(cast.teacher)).status_code == 302


def test_administrator_cannot_let_every_teacher_see_every_family(login, admin, cast):
    url = reverse("admin:portal_school_change", args=[cast.school.pk])
    client = login(admin)
    data = admin_form_data(client.get(url))
    data["staff_see_all_families"] = "on"
    assert client.post(url, data).status_code == 302
    cast.school.refresh_from_db()
    assert cast.school.staff_see_all_families is False


def test_a_superuser_letting_teachers_see_every_family_is_in_the_trail(login, superuser, cast):
    url = reverse("admin:portal_school_change", args=[cast.school.pk])
    client = login(superuser)
    data = admin_form_data(client.get(url))
    data["staff_see_all_families"] = "on"
    assert client.post(url, data).status_code == 302
    row = StaffAccessChange.objects.get(school=cast.school)
    assert (row.actor, row.before, row.after) == (superuser, "no", "yes")
