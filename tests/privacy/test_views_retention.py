"""The retention page, a family's data protection page and legal holds: who may use them."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from portal.access import DATA_PROTECTION_LEADS_GROUP
from privacy.models import LegalHold, RetentionPolicy
from tests import factories
from tests.reads import page_and_reads

REFUSED = ["teacher", "pastoral", "authority_officer"]


def _make_lead(user):
    group, _ = Group.objects.get_or_create(name=DATA_PROTECTION_LEADS_GROUP)
    group.permissions.add(Permission.objects.get(codename="view_family_audit"))
    user.groups.add(group)


# --- The retention page ----------------------------------------------------------------------


def test_headteacher_sees_the_families_past_retention(login, cast, left_family):
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, tzinfo=datetime.UTC)):
        response = login(cast.headteacher).get(reverse("privacy:retention"))
    assert response.status_code == 200
    assert "Family Oak" in response.text
    assert "Routine records" in response.text
    assert "Save retention periods" in response.text


def test_nothing_due_says_so(login, cast, left_family):
    with time_machine.travel(datetime.datetime(2025, 1, 10, 9, tzinfo=datetime.UTC)):
        response = login(cast.headteacher).get(reverse("privacy:retention"))
    assert "Families appear here once every one of their children" in response.text


def test_headteacher_sets_the_periods(login, cast):
    response = login(cast.headteacher).post(
        reverse("privacy:retention"), {"routine_years": 3, "protection_years": 30, "notes": ""}
    )
    assert response.status_code == 302
    policy = RetentionPolicy.objects.get(school=cast.school)
    assert (policy.routine_years, policy.protection_years) == (3, 30)
    assert policy.updated_by == cast.headteacher


def test_a_period_below_25_years_is_refused_next_to_the_field(login, cast):
    response = login(cast.headteacher).post(
        reverse("privacy:retention"), {"routine_years": 2, "protection_years": 10, "notes": "x"}
    )
    assert response.status_code == 200
    assert "greater than or equal to 25" in response.text
    assert not RetentionPolicy.objects.exists()


def test_a_data_protection_lead_reads_but_cannot_change_the_periods(login, cast):
    _make_lead(cast.pastoral)
    client = login(cast.pastoral)
    page = client.get(reverse("privacy:retention"))
    assert page.status_code == 200
    assert "Only the headteacher can change" in page.text
    response = client.post(
        reverse("privacy:retention"), {"routine_years": 3, "protection_years": 30}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", [*REFUSED, "admin", "outsider_teacher"])
def test_other_roles_get_403_on_the_retention_page(login, cast, role):
    assert login(getattr(cast, role)).get(reverse("privacy:retention")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("privacy:retention"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_retention_page_refuses_put(login, cast):
    assert login(cast.headteacher).put(reverse("privacy:retention")).status_code == 405


def test_retention_page_queries_do_not_grow(login, cast, django_assert_max_num_queries):
    client = login(cast.headteacher)

    def add(n):
        for _ in range(n):
            family = factories.SchoolFamilyFactory(school=cast.school).family
            factories.ChildFactory(
                school=cast.school, family=family, left_on=datetime.date(2020, 1, 1)
            )
            factories.ContactFactory(school=cast.school, family=family)

    add(2)
    with django_assert_max_num_queries(26) as small:
        client.get(reverse("privacy:retention"))
    add(5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("privacy:retention"))
    assert response.text.count("Everything the school holds") == 7


# --- A family's data protection page and legal holds -----------------------------------------


def _family_url(left_family):
    return reverse("privacy:family", args=[left_family.family.pk])


def _hold_url(left_family):
    return reverse("privacy:hold-set", args=[left_family.family.pk])


def test_headteacher_sees_the_family_page_with_each_parent(login, cast, left_family):
    response = login(cast.headteacher).get(_family_url(left_family))
    assert response.status_code == 200
    assert reverse("privacy:subject-access", args=[left_family.mum.pk]) in response.text
    assert "Put the records on hold" in response.text


def test_a_data_protection_lead_sees_the_family_page_without_the_hold_form(
    login, cast, left_family
):
    _make_lead(cast.teacher)
    response = login(cast.teacher).get(_family_url(left_family))
    assert response.status_code == 200
    assert "Only the headteacher can set or lift" in response.text


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_get_403_on_the_family_page(login, cast, left_family, role):
    assert login(getattr(cast, role)).get(_family_url(left_family)).status_code == 403


@pytest.mark.parametrize("role", ["outsider_headteacher", "outsider_teacher", "admin"])
def test_another_schools_staff_and_administrators_get_404(login, cast, left_family, role):
    # An administrator works at no school, so no family is theirs to find.
    client = login(getattr(cast, role))
    assert client.get(_family_url(left_family)).status_code == 404
    assert client.post(_hold_url(left_family), {"reason": "x"}).status_code == 404


def test_headteacher_puts_a_hold_and_the_family_page_says_so(login, cast, left_family):
    client = login(cast.headteacher)
    response = client.post(_hold_url(left_family), {"reason": "Claim letter, 3 March 2026."})
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.family, hold.school, hold.set_by) == (
        left_family.family,
        cast.school,
        cast.headteacher,
    )
    page = login(cast.pastoral).get(reverse("families:family-detail", args=[hold.family_id]))
    assert "Legal hold:" in page.text
    assert "Claim letter, 3 March 2026." in page.text


def test_another_schools_hold_shows_on_the_family_page_without_its_reason(login, cast, left_family):
    factories.LegalHoldFactory(
        family=left_family.family, school=cast.other_school, reason="Their solicitor's letter."
    )
    page = login(cast.pastoral).get(reverse("families:family-detail", args=[left_family.family.pk]))
    assert "another school in the authority has put them on hold" in page.text
    assert "Their solicitor" not in page.text
    assert cast.other_school.name not in page.text


def test_a_hold_needs_a_reason(login, cast, left_family):
    response = login(cast.headteacher).post(_hold_url(left_family), {"reason": "  "})
    assert response.status_code == 400
    assert "This field is required" in response.text or "Say why" in response.text
    assert not LegalHold.objects.exists()


def test_a_second_hold_is_refused_in_plain_words(login, cast, left_family):
    factories.LegalHoldFactory(family=left_family.family, school=cast.school)
    response = login(cast.headteacher).post(_hold_url(left_family), {"reason": "Again."})
    assert response.status_code == 400
    assert "already on hold" in response.text


@pytest.mark.parametrize("role", ["pastoral", "teacher"])
def test_only_the_headteacher_sets_a_hold(login, cast, left_family, role):
    _make_lead(getattr(cast, role))
    response = login(getattr(cast, role)).post(_hold_url(left_family), {"reason": "x"})
    assert response.status_code == 403
    assert not LegalHold.objects.exists()


def test_hold_set_refuses_get(login, cast, left_family):
    assert login(cast.headteacher).get(_hold_url(left_family)).status_code == 405


def test_headteacher_lifts_a_hold_and_its_record_stays(login, cast, left_family):
    hold = factories.LegalHoldFactory(family=left_family.family, school=cast.school)
    response = login(cast.headteacher).post(
        reverse("privacy:hold-lift", args=[hold.pk]), {"lift_reason": "Claim settled."}
    )
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == cast.headteacher
    assert hold.lift_reason == "Claim settled."
    page = login(cast.headteacher).get(_family_url(left_family))
    assert "Claim settled." in page.text


def test_lifting_needs_a_reason(login, cast, left_family):
    hold = factories.LegalHoldFactory(family=left_family.family, school=cast.school)
    login(cast.headteacher).post(reverse("privacy:hold-lift", args=[hold.pk]), {})
    hold.refresh_from_db()
    assert hold.is_active


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_cannot_lift_a_hold(login, cast, left_family, role):
    hold = factories.LegalHoldFactory(family=left_family.family, school=cast.school)
    response = login(getattr(cast, role)).post(
        reverse("privacy:hold-lift", args=[hold.pk]), {"lift_reason": "x"}
    )
    assert response.status_code == 403
    hold.refresh_from_db()
    assert hold.is_active


def test_another_schools_hold_is_404(login, cast, left_family):
    hold = factories.LegalHoldFactory(school=cast.other_school)
    response = login(cast.headteacher).post(
        reverse("privacy:hold-lift", args=[hold.pk]), {"lift_reason": "x"}
    )
    assert response.status_code == 404


def test_family_page_without_a_hold_says_none(login, cast, left_family):
    page = login(cast.headteacher).get(
        reverse("families:family-detail", args=[left_family.family.pk])
    )
    assert "No legal hold." in page.text
    assert _family_url(left_family) in page.text


def test_the_holds_are_read_only_for_a_family_under_one(login, cast, left_family):
    """The family page's own row says whether a hold is in force: without one, the page reads
    no holds; a hold lifted is no longer shown."""
    url = reverse("families:family-detail", args=[left_family.family.pk])
    client = login(cast.pastoral)

    def page_and_hold_reads():
        text, reads = page_and_reads(client, url, LegalHold)
        return text, len(reads)

    text, reads = page_and_hold_reads()
    assert reads == 0 and "Legal hold:" not in text
    hold = factories.LegalHoldFactory(
        family=left_family.family, school=cast.school, reason="A claim, 3 March."
    )
    text, reads = page_and_hold_reads()
    assert reads == 1 and "A claim, 3 March." in text
    LegalHold.objects.filter(pk=hold.pk).update(
        lifted_at=timezone.now(), lifted_by=cast.headteacher
    )
    text, reads = page_and_hold_reads()
    assert reads == 0 and "A claim, 3 March." not in text


def test_the_family_page_link_is_only_for_data_protection_staff(login, cast, left_family):
    page = login(cast.pastoral).get(reverse("families:family-detail", args=[left_family.family.pk]))
    assert page.status_code == 200
    assert _family_url(left_family) not in page.text


def test_no_name_goes_in_any_link_of_the_data_protection_pages(login, cast, left_family):
    import re

    client = login(cast.headteacher)
    pages = [
        reverse("privacy:retention"),
        _family_url(left_family),
        reverse("privacy:subject-access", args=[left_family.mum.pk]),
    ]
    for url in pages:
        body = client.get(url).text
        links = " ".join(re.findall(r'(?:href|action)="([^"]*)"', body))
        for name in ("Oak", "Morag", "Duncan", left_family.older.first_name):
            assert name not in links, (url, name)
