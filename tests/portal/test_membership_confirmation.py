"""A role that sees families, given or raised by an administrator, takes effect only when a
second person confirms it: a headteacher of the school (on the Staff access page) or a
superuser (in admin). Never the person who asked for it, nor the person it is for."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal import access
from portal.access import ADMINISTRATORS_GROUP
from portal.lib.staff import family_workers
from portal.models import Membership, Role, StaffAccessChange
from tests import factories
from tests.portal.admin_forms import admin_form_data
from tests.portal.test_admin_rights import ADMIN_MODELS


@pytest.fixture
def admin(cast):
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


def _add_membership(client, user, school, role=Role.HEADTEACHER):
    return client.post(
        reverse("admin:portal_membership_add"),
        {"user": user.pk, "school": school.pk, "role": role, "is_active": "on"},
    )


def _change_membership(client, membership, **changes):
    url = reverse("admin:portal_membership_change", args=[membership.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    data.pop("is_active", None) if changes.get("is_active") is False else None
    return client.post(url, data)


def _fresh_roles(user):
    user = type(user).objects.get(pk=user.pk)
    return {m.school_id: m.role for m in access.memberships(user).values()}


def _staff_access(school):
    return reverse("staff-access", kwargs={"pk": school.pk})


def _confirm_url(membership, action="confirm"):
    return reverse(
        f"staff-access-{action}",
        kwargs={"pk": membership.school_id, "membership_pk": membership.pk},
    )


def test_administrators_own_headteacher_role_waits_and_opens_no_family(login, admin, cast):
    """(b) Today an administrator gives themselves a headteacher role and opens the families."""
    family = factories.SchoolFamilyFactory(school=cast.school).family
    client = login(admin)
    assert _add_membership(client, admin, cast.school).status_code == 302
    membership = Membership.objects.get(user=admin)
    assert (membership.confirmed_at, membership.requested_by) == (None, admin)
    assert _fresh_roles(admin) == {}
    client = login(type(admin).objects.get(pk=admin.pk))
    assert client.get(reverse("families:family-list")).status_code in (302, 403, 404)
    response = client.get(reverse("families:family-detail", kwargs={"pk": family.pk}))
    assert response.status_code == 404
    assert family.name not in response.content.decode()


def test_headteacher_confirms_and_the_role_takes_effect(login, admin, cast):
    newcomer = factories.UserFactory(username="newcomer", first_name="Nia", last_name="Brook")
    _add_membership(login(admin), newcomer, cast.school, role=Role.PASTORAL)
    membership = Membership.objects.get(user=newcomer)
    assert _fresh_roles(newcomer) == {}
    assert newcomer not in family_workers(cast.school)

    client = login(cast.headteacher)
    body = client.get(_staff_access(cast.school)).content.decode()
    assert (
        "Nia Brook" in body and "Pastoral or guidance" in body and _confirm_url(membership) in body
    )
    response = client.post(_confirm_url(membership))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.confirmed_by == cast.headteacher
    assert _fresh_roles(newcomer) == {cast.school.pk: Role.PASTORAL}
    assert newcomer in family_workers(cast.school)
    row = StaffAccessChange.objects.get(kind=StaffAccessChange.Kind.CONFIRMATION)
    assert (row.actor, row.subject, row.school) == (cast.headteacher, newcomer, cast.school)
    assert row.after == "Pastoral or guidance, active"


def test_headteacher_declines_and_the_role_is_switched_off(login, admin, cast):
    newcomer = factories.UserFactory(username="newcomer")
    _add_membership(login(admin), newcomer, cast.school)
    membership = Membership.objects.get(user=newcomer)
    response = login(cast.headteacher).post(_confirm_url(membership, "decline"))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.is_active, membership.confirmed_at) == (False, None)
    assert _fresh_roles(newcomer) == {}
    row = StaffAccessChange.objects.get(kind=StaffAccessChange.Kind.CONFIRMATION)
    assert "declined" in row.what and row.after.endswith("switched off")


def test_the_administrator_who_asked_cannot_confirm_even_as_a_headteacher(login, admin, cast):
    factories.MembershipFactory(user=admin, school=cast.school, role=Role.HEADTEACHER)
    newcomer = factories.UserFactory(username="newcomer")
    _add_membership(login(admin), newcomer, cast.school, role=Role.STAFF)
    membership = Membership.objects.get(user=newcomer)
    client = login(admin)
    body = client.get(_staff_access(cast.school)).content.decode()
    assert _confirm_url(membership) not in body
    assert "Someone else must confirm this" in body
    assert client.post(_confirm_url(membership)).status_code == 403
    membership.refresh_from_db()
    assert membership.confirmed_at is None


def test_nobody_confirms_their_own_role(superuser, cast):
    pending = factories.MembershipFactory(
        user=superuser, school=cast.school, confirmed_at=None, requested_by=cast.admin
    )
    assert not access.may_confirm_membership(superuser, pending)
    assert access.may_confirm_membership(cast.headteacher, pending)
    assert not access.may_confirm_membership(cast.outsider_headteacher, pending)
    assert not access.may_confirm_membership(cast.pastoral, pending)
    assert not access.may_confirm_membership(cast.admin, pending)


def test_raising_a_role_waits_for_confirmation_and_lowering_does_not(login, admin, cast):
    client = login(admin)
    teacher_role = Membership.objects.get(user=cast.teacher)
    assert _change_membership(client, teacher_role, role=Role.HEADTEACHER).status_code == 302
    teacher_role.refresh_from_db()
    assert teacher_role.role == Role.HEADTEACHER and teacher_role.confirmed_at is None
    assert _fresh_roles(cast.teacher) == {}

    head_role = Membership.objects.get(user=cast.headteacher)
    assert _change_membership(client, head_role, role=Role.STAFF).status_code == 302
    head_role.refresh_from_db()
    assert head_role.confirmed_at is not None
    assert _fresh_roles(cast.headteacher) == {cast.school.pk: Role.STAFF}
    rows = StaffAccessChange.objects.filter(kind=StaffAccessChange.Kind.MEMBERSHIP)
    assert {(r.subject.username, r.before, r.after) for r in rows} == {
        (
            "teacher",
            "Teacher or support staff (Class teacher), active",
            "Headteacher or senior leader (Class teacher), awaiting confirmation",
        ),
        (
            "headteacher",
            "Headteacher or senior leader (Headteacher), active",
            "Teacher or support staff (Headteacher), active",
        ),
    }


def test_switching_a_role_back_on_waits_for_confirmation(login, admin, cast):
    membership = Membership.objects.get(user=cast.pastoral)
    membership.is_active = False
    membership.save()
    assert _change_membership(login(admin), membership, is_active="on").status_code == 302
    membership.refresh_from_db()
    assert membership.is_active and membership.confirmed_at is None
    assert _fresh_roles(cast.pastoral) == {}


def test_a_role_given_on_a_schools_page_waits_too(login, admin, cast):
    newcomer = factories.UserFactory(username="newcomer")
    url = reverse("admin:portal_school_change", args=[cast.school.pk])
    client = login(admin)
    data = admin_form_data(client.get(url))
    n = int(data["memberships-TOTAL_FORMS"])
    data.update(
        {
            "memberships-TOTAL_FORMS": str(n + 1),
            f"memberships-{n}-user": str(newcomer.pk),
            f"memberships-{n}-role": Role.HEADTEACHER,
            f"memberships-{n}-is_active": "on",
            f"memberships-{n}-school": str(cast.school.pk),
        }
    )
    assert client.post(url, data).status_code == 302
    assert Membership.objects.get(user=newcomer).confirmed_at is None


def test_an_authority_officers_role_needs_no_confirmation(login, admin, cast):
    officer = factories.UserFactory(username="officer")
    _add_membership(login(admin), officer, cast.school, role=Role.AUTHORITY)
    assert _fresh_roles(officer) == {cast.school.pk: Role.AUTHORITY}


def test_a_superusers_role_takes_effect_at_once_and_is_in_the_trail(login, superuser, cast):
    newcomer = factories.UserFactory(username="newcomer")
    assert _add_membership(login(superuser), newcomer, cast.school).status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert membership.confirmed_by == superuser
    assert _fresh_roles(newcomer) == {cast.school.pk: Role.HEADTEACHER}
    row = StaffAccessChange.objects.get(subject=newcomer)
    assert (row.before, row.after) == ("no role", "Headteacher or senior leader, active")


def test_superuser_confirms_in_admin_but_not_a_request_for_themselves(
    login, admin, superuser, cast
):
    newcomer = factories.UserFactory(username="newcomer")
    client = login(admin)
    _add_membership(client, newcomer, cast.school)
    factories.MembershipFactory(
        user=superuser, school=cast.school, confirmed_at=None, requested_by=admin
    )
    response = login(superuser).post(
        reverse("admin:portal_membership_changelist"),
        {
            "action": "confirm_selected",
            "_selected_action": [str(m.pk) for m in Membership.objects.awaiting_confirmation()],
        },
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer).confirmed_by == superuser
    assert Membership.objects.get(user=superuser).confirmed_at is None


def test_administrators_have_no_confirm_action(login, admin, cast):
    newcomer = factories.UserFactory(username="newcomer")
    client = login(admin)
    _add_membership(client, newcomer, cast.school)
    client.post(
        reverse("admin:portal_membership_changelist"),
        {
            "action": "confirm_selected",
            "_selected_action": [str(Membership.objects.get(user=newcomer).pk)],
        },
    )
    assert Membership.objects.get(user=newcomer).confirmed_at is None


def test_removing_a_role_is_in_the_trail(login, admin, cast):
    membership = Membership.objects.get(user=cast.teacher)
    url = reverse("admin:portal_membership_delete", args=[membership.pk])
    assert login(admin).post(url, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    row = StaffAccessChange.objects.get(subject=cast.teacher)
    assert (row.actor, row.after, row.school) == (admin, "removed", cast.school)


def test_removing_an_account_puts_its_roles_in_the_trail(login, admin, cast):
    url = reverse("admin:auth_user_delete", args=[cast.teacher.pk])
    assert login(admin).post(url, {"post": "yes"}).status_code == 302
    row = StaffAccessChange.objects.get(school=cast.school)
    assert row.subject_name.endswith("(teacher)")
    assert (row.actor, row.after) == (admin, "removed with the account")
    body = login(cast.headteacher).get(_staff_access(cast.school)).content.decode()
    assert "removed with the account" in body


def test_the_headteacher_sees_their_schools_changes_and_not_another_schools(login, cast, superuser):
    factories.StaffAccessChangeFactory(
        school=cast.school, what="Role at Riverside Primary", before="A-OWN-BEFORE"
    )
    factories.StaffAccessChangeFactory(
        school=cast.other_school, what="Role at Hillside Academy", before="B-OTHER-BEFORE"
    )
    factories.StaffAccessChangeFactory(subject=cast.teacher, what="Groups", after="C-OWN-STAFF")
    factories.StaffAccessChangeFactory(
        subject=cast.outsider_teacher, what="Groups", after="D-OTHER-STAFF"
    )
    factories.StaffAccessChangeFactory(
        kind=StaffAccessChange.Kind.GROUP_PERMISSIONS, group_name="Office", after="E-GROUP"
    )
    body = login(cast.headteacher).get(_staff_access(cast.school)).content.decode()
    for shown in ("A-OWN-BEFORE", "C-OWN-STAFF", "E-GROUP"):
        assert shown in body
    for hidden in ("B-OTHER-BEFORE", "D-OTHER-STAFF"):
        assert hidden not in body


def test_another_schools_waiting_role_is_not_found(login, cast):
    pending = factories.MembershipFactory(
        school=cast.other_school, confirmed_at=None, requested_by=cast.admin
    )
    client = login(cast.headteacher)
    url = reverse(
        "staff-access-confirm", kwargs={"pk": cast.school.pk, "membership_pk": pending.pk}
    )
    assert client.post(url).status_code == 404
    pending.refresh_from_db()
    assert pending.confirmed_at is None


def test_the_staff_access_page_keeps_to_its_query_budget(
    login, cast, django_assert_max_num_queries
):
    for _ in range(3):
        factories.MembershipFactory(
            school=cast.school, confirmed_at=None, requested_by=cast.admin, role=Role.STAFF
        )
        factories.StaffAccessChangeFactory(school=cast.school, subject=cast.teacher)
    client = login(cast.headteacher)
    with django_assert_max_num_queries(12):
        assert client.get(_staff_access(cast.school)).status_code == 200


def test_the_team_page_leaves_out_waiting_roles(login, cast):
    waiting = factories.UserFactory(username="waiting", first_name="Wyn", last_name="Waiting")
    factories.MembershipFactory(
        user=waiting, school=cast.school, confirmed_at=None, requested_by=cast.admin
    )
    confirmed = factories.UserFactory(username="working", first_name="Wendy", last_name="Working")
    factories.MembershipFactory(user=confirmed, school=cast.school)
    body = login(cast.teacher).get(reverse("school-team", kwargs={"pk": cast.school.pk}))
    # Full names: a random token on the page may hold "Wyn", never a space.
    assert "Wendy Working" in body.content.decode()
    assert "Wyn Waiting" not in body.content.decode()


def test_headteachers_get_the_staff_access_link(login, cast):
    response = login(cast.headteacher).get(reverse("home"))
    assert "Staff access" in [item["label"] for item in response.context["nav_items"]]
    response = login(cast.pastoral).get(reverse("home"))
    assert "Staff access" not in [item["label"] for item in response.context["nav_items"]]
