"""The family audit page: who viewed and who changed one family's records."""

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

import audit
from portal.access import DATA_PROTECTION_LEADS_GROUP
from tests import factories


@pytest.fixture
def family(cast):
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Ash")
    return school_family.family


def _url(family):
    return reverse("audit:family-audit", args=[family.pk])


def _view(user, school, obj, family, action=audit.VIEW):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.44")
    request.user = user
    request.school = school
    audit.record(request, action=action, obj=obj, family=family)


def _make_lead(user):
    group, _ = Group.objects.get_or_create(name=DATA_PROTECTION_LEADS_GROUP)
    if not group.permissions.filter(codename="view_family_audit").exists():
        from django.contrib.auth.models import Permission

        group.permissions.add(Permission.objects.get(codename="view_family_audit"))
    user.groups.add(group)


def test_headteacher_sees_who_viewed_and_who_changed(login, cast, family):
    contact = factories.ContactFactory(school=cast.school, family=family, staff=cast.teacher)
    _view(cast.pastoral, cast.school, contact, family, action=audit.PRINT)
    family.strengths = "Grandad walks the children to school every day."
    family._history_user = cast.teacher
    family.save()
    response = login(cast.headteacher).get(_url(family))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Pastoral" in body  # who printed
    assert "Printed" in body
    # Named in words, with a link (no longer "Contact #12").
    history_url = reverse("families:contact-history", args=[contact.pk])
    assert f'<a href="{history_url}">Contact on' in body
    assert "203.0.113.44" in body
    assert "Teacher" in body  # who changed
    assert "Strengths" in body  # what they changed
    assert "Changed" in body


def test_a_data_protection_lead_sees_the_page(login, cast, family):
    _make_lead(cast.teacher)
    assert login(cast.teacher).get(_url(family)).status_code == 200


@pytest.mark.parametrize("role", ["teacher", "pastoral", "authority_officer"])
def test_other_roles_of_the_school_are_refused_with_403(login, cast, family, role):
    assert login(getattr(cast, role)).get(_url(family)).status_code == 403


def test_an_authority_officer_in_the_leads_group_is_still_refused(login, cast, family):
    _make_lead(cast.authority_officer)
    assert login(cast.authority_officer).get(_url(family)).status_code == 403


@pytest.mark.parametrize("role", ["outsider_headteacher", "outsider_pastoral", "outsider_teacher"])
def test_another_schools_staff_get_404(login, cast, family, role):
    assert login(getattr(cast, role)).get(_url(family)).status_code == 404


def test_another_schools_family_is_404_for_the_headteacher(login, cast):
    theirs = factories.SchoolFamilyFactory(school=cast.other_school).family
    assert login(cast.headteacher).get(_url(theirs)).status_code == 404


def test_other_schools_records_of_a_shared_family_are_not_shown(login, cast, family):
    marker = "ZZ-OTHER-SCHOOL-MARKER"
    other = factories.SchoolFamilyFactory(school=cast.other_school, family=family)
    contact = factories.ContactFactory(
        school=cast.other_school, family=family, summary=marker, staff=cast.outsider_teacher
    )
    _view(cast.outsider_teacher, other.school, contact, family)
    body = login(cast.headteacher).get(_url(family)).content.decode()
    assert f"Contact #{contact.pk}" not in body
    assert reverse("families:contact-history", args=[contact.pk]) not in body
    assert "Outsider" not in body


def test_anonymous_is_sent_to_login(client, family):
    response = client.get(_url(family))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_post_is_not_allowed(login, cast, family):
    assert login(cast.headteacher).post(_url(family)).status_code == 405


def test_queries_do_not_grow_with_rows(login, cast, family, django_assert_max_num_queries):
    def add_rows(n):
        for _ in range(n):
            contact = factories.ContactFactory(
                school=cast.school, family=family, staff=cast.teacher
            )
            contact.summary = "Edited"
            contact.save()
            child = factories.ChildFactory(school=cast.school, family=family)
            _view(cast.teacher, cast.school, contact, family)
            _view(cast.pastoral, cast.school, child, family)

    client = login(cast.headteacher)
    add_rows(2)
    # One query per kind of record registered (twenty since what parents give through their
    # links was added, twenty-two with the messages sent to them and their stops):
    # fixed, whatever the number of rows.
    with django_assert_max_num_queries(30):
        small = client.get(_url(family))
    add_rows(10)
    with django_assert_max_num_queries(30):
        large = client.get(_url(family))
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count("<tr>") > small.content.decode().count("<tr>")
