"""Permissions granted in admin (to a user, or to a group they are in), as the access policy
reads them: on their own (holds_stored_perm) and with the memberships every page loads."""

import pytest
from django.contrib.auth.models import Group, Permission, User

from portal import access
from tests import factories

AUDIT = access.FAMILY_AUDIT_PERM


def _fresh(user):
    """The user as the next request loads it, without this request's caches."""
    return User.objects.get(pk=user.pk)


def _audit_permission():
    return Permission.objects.get(content_type__app_label="audit", codename="view_family_audit")


def _asked_both_ways(user) -> tuple[bool, bool]:
    alone = access.holds_stored_perm(_fresh(user), AUDIT)
    with_memberships = _fresh(user)
    access.memberships(with_memberships)
    return alone, with_memberships._portal_stored_perms[AUDIT]


@pytest.mark.parametrize("how", ["to the user", "through a group"])
def test_a_grant_is_seen_both_ways(cast, how):
    if how == "to the user":
        cast.pastoral.user_permissions.add(_audit_permission())
    else:
        group = Group.objects.create(name="Record keepers")
        group.permissions.add(_audit_permission())
        cast.pastoral.groups.add(group)
    assert _asked_both_ways(cast.pastoral) == (True, True)


def test_no_grant_another_permission_or_another_users_grant_is_not_the_permission(cast):
    assert _asked_both_ways(cast.pastoral) == (False, False)

    other_permission = Permission.objects.get(codename="view_family")
    cast.pastoral.user_permissions.add(other_permission)
    group = Group.objects.create(name="Readers")
    group.permissions.add(other_permission)
    cast.pastoral.groups.add(group)
    colleagues = Group.objects.create(name="Record keepers")
    colleagues.permissions.add(_audit_permission())
    cast.teacher.groups.add(colleagues)
    cast.headteacher.user_permissions.add(_audit_permission())
    assert _asked_both_ways(cast.pastoral) == (False, False)
    assert _asked_both_ways(cast.teacher) == (True, True)


def test_an_inactive_user_holds_nothing(cast):
    cast.pastoral.user_permissions.add(_audit_permission())
    cast.pastoral.is_active = False
    cast.pastoral.save()
    assert access.holds_stored_perm(_fresh(cast.pastoral), AUDIT) is False


def test_a_user_with_no_membership_is_still_asked(db):
    user = factories.UserFactory()
    user.user_permissions.add(_audit_permission())
    assert access.memberships(_fresh(user)) == {}
    assert access.holds_stored_perm(_fresh(user), AUDIT) is True
