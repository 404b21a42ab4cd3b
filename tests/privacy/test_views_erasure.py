"""Erasing past retention from the retention page: the headteacher, a typed confirmation, and
the same erasure and log as `manage.py retention_review --erase --confirm`."""

import datetime
import uuid

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from complaints.models import Complaint
from families.models import Child, Contact, Family, ParentCarer
from meetings.models import ActionPoint, Meeting
from portal.access import DATA_PROTECTION_LEADS_GROUP
from portal.models import FormSubmission
from privacy.models import ErasureLog, ErasureRun
from privacy.retention import school_review
from tests import factories

ERASE = reverse("privacy:erase")
TWO_YEARS_ON = datetime.datetime(2026, 7, 2, 9, tzinfo=datetime.UTC)
YOUNGEST_IS_25 = datetime.datetime(2040, 9, 2, 9, tzinfo=datetime.UTC)


@pytest.fixture
def on_the_day():
    """Two years after Family Oak's children left: its routine records are due."""
    with time_machine.travel(TWO_YEARS_ON):
        yield


def _make_lead(user):
    group, _ = Group.objects.get_or_create(name=DATA_PROTECTION_LEADS_GROUP)
    group.permissions.add(Permission.objects.get(codename="view_family_audit"))
    user.groups.add(group)


def _confirm(school, *, families=None, **extra):
    """What the confirmation form posts: the number typed, the list shown, a one-time token."""
    review = school_review(school, as_of=datetime.date.today())
    typed = str(len(review.routine_ids)) if families is None else families
    return {"families": typed, "listed": review.fingerprint, "form_token": str(uuid.uuid4())} | (
        extra
    )


def _left_family_at(school, name):
    """Another family whose only child left in 2024, with one everyday contact."""
    family = factories.SchoolFamilyFactory(school=school, family__name=name).family
    factories.ChildFactory(school=school, family=family, left_on=datetime.date(2024, 7, 1))
    return factories.ContactFactory(school=school, family=family, summary=f"Call {name}.")


# --- What is shown before the confirmation ---------------------------------------------------


def test_the_page_lists_what_will_be_erased_and_erases_nothing(
    login, cast, left_family, on_the_day
):
    response = login(cast.headteacher).get(ERASE)
    assert response.status_code == 200
    assert f"#{left_family.family.pk}" in response.text
    assert "Family Oak" in response.text
    assert "Complaints" in response.text
    assert "Type the number of families whose records will be erased" in response.text
    assert "form_token" in response.text
    assert Contact.objects.filter(pk=left_family.contact.pk).exists()
    assert not ErasureRun.objects.exists()


def test_the_retention_page_leads_the_headteacher_to_the_erasure(
    login, cast, left_family, on_the_day
):
    response = login(cast.headteacher).get(reverse("privacy:retention"))
    assert ERASE in response.text


def test_a_data_protection_lead_reads_the_review_but_is_not_offered_the_erasure(
    login, cast, left_family, on_the_day
):
    _make_lead(cast.pastoral)
    response = login(cast.pastoral).get(reverse("privacy:retention"))
    assert response.status_code == 200
    assert "Family Oak" in response.text
    assert ERASE not in response.text
    assert "Only the headteacher can erase these records" in response.text


def test_a_long_list_is_shown_in_pages(login, cast, on_the_day, monkeypatch):
    monkeypatch.setattr("privacy.views.FAMILIES_PER_PAGE", 2)
    for name in ("Family Ash", "Family Birch", "Family Cedar"):
        _left_family_at(cast.school, name)
    client = login(cast.headteacher)
    first = client.get(ERASE)
    assert "Page 1 of 2" in first.text
    assert "3 families" in first.text
    second = client.get(ERASE, {"page": 2})
    names = [n for n in ("Family Ash", "Family Birch", "Family Cedar") if n in second.text]
    assert len(names) == 1


def test_nothing_past_retention_says_so_and_offers_no_form(login, cast, left_family):
    with time_machine.travel(datetime.datetime(2025, 1, 10, 9, tzinfo=datetime.UTC)):
        response = login(cast.headteacher).get(ERASE)
    assert response.status_code == 200
    assert "there is nothing to erase" in response.text
    assert "Erase these records" not in response.text


def test_the_erase_page_queries_do_not_grow(login, cast, on_the_day, django_assert_max_num_queries):
    client = login(cast.headteacher)
    for name in ("Family Ash", "Family Birch"):
        _left_family_at(cast.school, name)
    with django_assert_max_num_queries(40) as small:
        client.get(ERASE)
    for name in ("Family Cedar", "Family Elm", "Family Fir"):
        _left_family_at(cast.school, name)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(ERASE)
    assert "5 families" in response.text


# --- Erasing ---------------------------------------------------------------------------------


def test_headteacher_erases_with_the_right_confirmation(login, cast, left_family, on_the_day):
    client = login(cast.headteacher)
    response = client.post(ERASE, _confirm(cast.school))
    run = ErasureRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("privacy:erasure", args=[run.pk])
    # The routine records are gone; the child-protection contact and the family stay.
    assert not Contact.objects.filter(pk=left_family.contact.pk).exists()
    assert not Meeting.objects.exists()
    assert not ActionPoint.objects.exists()
    assert not Complaint.objects.exists()
    assert Contact.objects.filter(pk=left_family.private_contact.pk).exists()
    assert Family.objects.filter(pk=left_family.family.pk).exists()
    # Logged as the command logs it, with who erased it from the page.
    assert (run.started_by_user, run.school, run.as_of) == (
        cast.headteacher,
        cast.school,
        TWO_YEARS_ON.date(),
    )
    assert run.finished_at is not None
    logged = set(ErasureLog.objects.filter(run=run).values_list("kind", "object_id"))
    assert ("families.Contact", left_family.contact.pk) in logged
    assert ("complaints.Complaint", left_family.complaint.pk) in logged
    assert run.erased == len(logged)
    page = client.get(response.url)
    assert page.status_code == 200
    assert f"{run.erased} records erased and logged" in page.text
    assert "Headteacher" in page.text or cast.headteacher.get_username() in page.text
    assert "Complaints" in page.text


def test_the_page_erases_what_the_command_erases(login, cast, left_family):
    """Everything, once the youngest child is 25: the family, its people and its history."""
    family_id = left_family.family.pk
    with time_machine.travel(YOUNGEST_IS_25):
        client = login(cast.headteacher)
        response = client.post(ERASE, _confirm(cast.school))
    assert response.status_code == 302
    assert not Family.objects.filter(pk=family_id).exists()
    assert not ParentCarer.objects.exists()
    assert not Child.objects.exists()
    assert not Contact.history.filter(family_id=family_id).exists()
    assert ErasureLog.objects.filter(family_id=family_id, kind="families.Family").exists()


@pytest.mark.parametrize("typed", ["2", "one", "", "1 family"])
def test_a_wrong_confirmation_erases_nothing_and_says_so_next_to_the_field(
    login, cast, left_family, on_the_day, typed
):
    response = login(cast.headteacher).post(ERASE, _confirm(cast.school, families=typed))
    assert response.status_code == 400
    assert "nothing has been erased" in response.text or "This field is required" in response.text
    assert 'id="error_1_id_families"' in response.text
    assert Contact.objects.count() == 2
    assert Complaint.objects.exists()
    assert not ErasureRun.objects.exists()
    assert not FormSubmission.objects.exists()


def test_a_list_that_changed_since_the_page_was_opened_is_not_erased(
    login, cast, left_family, on_the_day
):
    data = _confirm(cast.school)
    _left_family_at(cast.school, "Family Ash")  # became due meanwhile
    response = login(cast.headteacher).post(ERASE, data | {"families": "2"})
    assert response.status_code == 400
    assert "The list changed since this page was opened" in response.text
    assert Contact.objects.count() == 3
    assert not ErasureRun.objects.exists()


def test_a_family_on_legal_hold_is_kept(login, cast, left_family, on_the_day):
    ash = _left_family_at(cast.school, "Family Ash")
    factories.LegalHoldFactory(family=left_family.family, school=cast.school)
    client = login(cast.headteacher)
    page = client.get(ERASE)
    assert "Kept: on legal hold" in page.text
    assert "1 family" in page.text
    response = client.post(ERASE, _confirm(cast.school, families="1"))
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=ash.pk).exists()
    assert Contact.objects.filter(pk=left_family.contact.pk).exists()
    assert Complaint.objects.filter(pk=left_family.complaint.pk).exists()
    assert not ErasureLog.objects.filter(family_id=left_family.family.pk).exists()


def test_a_hold_put_on_after_the_page_was_opened_stops_the_erasure(
    login, cast, left_family, on_the_day
):
    data = _confirm(cast.school)
    factories.LegalHoldFactory(family=left_family.family, school=cast.school)
    response = login(cast.headteacher).post(ERASE, data)
    assert response.status_code == 400
    assert Contact.objects.filter(pk=left_family.contact.pk).exists()
    assert not ErasureRun.objects.exists()


def test_sent_twice_it_erases_once(login, cast, left_family, on_the_day):
    client = login(cast.headteacher)
    data = _confirm(cast.school)
    first = client.post(ERASE, data)
    _left_family_at(cast.school, "Family Ash")  # due now, but not what was confirmed
    second = client.post(ERASE, data)
    run = ErasureRun.objects.get()
    assert second.status_code == 302
    assert second.url == first.url == reverse("privacy:erasure", args=[run.pk])
    assert Contact.objects.filter(summary="Call Family Ash.").exists()


def test_another_schools_records_are_untouched(login, cast, left_family, on_the_day):
    theirs = _left_family_at(cast.other_school, "Family Rowan")
    response = login(cast.headteacher).post(ERASE, _confirm(cast.school))
    assert response.status_code == 302
    assert Contact.objects.filter(pk=theirs.pk).exists()
    assert ErasureRun.objects.get().school == cast.school
    assert not ErasureLog.objects.filter(school=cast.other_school).exists()


def test_another_schools_headteacher_erases_only_at_their_own_school(
    login, cast, left_family, on_the_day
):
    theirs = _left_family_at(cast.other_school, "Family Rowan")
    client = login(cast.outsider_headteacher)
    page = client.get(ERASE)
    assert "Family Rowan" in page.text
    assert "Family Oak" not in page.text
    response = client.post(ERASE, _confirm(cast.other_school))
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=theirs.pk).exists()
    assert Contact.objects.filter(pk=left_family.contact.pk).exists()


# --- Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["teacher", "pastoral", "authority_officer", "admin"])
def test_other_roles_get_403_and_erase_nothing(login, cast, left_family, on_the_day, role):
    client = login(getattr(cast, role))
    assert client.get(ERASE).status_code == 403
    assert client.post(ERASE, _confirm(cast.school)).status_code == 403
    assert Contact.objects.count() == 2
    assert not ErasureRun.objects.exists()


def test_a_data_protection_lead_may_not_erase(login, cast, left_family, on_the_day):
    _make_lead(cast.pastoral)
    client = login(cast.pastoral)
    assert client.get(ERASE).status_code == 403
    assert client.post(ERASE, _confirm(cast.school)).status_code == 403
    assert not ErasureRun.objects.exists()


def test_anonymous_is_sent_to_login(client, cast, left_family, on_the_day):
    for response in (client.get(ERASE), client.post(ERASE, _confirm(cast.school))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not ErasureRun.objects.exists()


def test_the_erase_page_refuses_put(login, cast):
    assert login(cast.headteacher).put(ERASE).status_code == 405


# --- The result of an erasure ----------------------------------------------------------------


def _run_at(school, user=None):
    run = factories.ErasureRunFactory(school=school, started_by_user=user, erased=2)
    factories.ErasureLogFactory(run=run, school=school, kind="families.Contact", family_id=7)
    factories.ErasureLogFactory(run=run, school=school, kind="complaints.Complaint", family_id=7)
    return run


def test_a_data_protection_lead_reads_what_an_erasure_removed(login, cast):
    run = _run_at(cast.school, cast.headteacher)
    _make_lead(cast.teacher)
    response = login(cast.teacher).get(reverse("privacy:erasure", args=[run.pk]))
    assert response.status_code == 200
    assert "Contacts" in response.text
    assert "Complaints" in response.text
    assert "from the retention page" in response.text
    listing = login(cast.teacher).get(reverse("privacy:retention"))
    assert reverse("privacy:erasure", args=[run.pk]) in listing.text


@pytest.mark.parametrize("role", ["teacher", "pastoral", "authority_officer"])
def test_other_roles_get_403_on_an_erasure(login, cast, role):
    run = _run_at(cast.school)
    assert login(getattr(cast, role)).get(
        reverse("privacy:erasure", args=[run.pk])
    ).status_code == (403)


@pytest.mark.parametrize("role", ["outsider_headteacher", "admin"])
def test_another_schools_erasure_is_404(login, cast, role):
    run = _run_at(cast.school)
    assert login(getattr(cast, role)).get(
        reverse("privacy:erasure", args=[run.pk])
    ).status_code == (404)


def test_an_erasure_of_every_school_by_the_command_is_not_shown_to_a_school(login, cast):
    run = factories.ErasureRunFactory(school=None)
    response = login(cast.headteacher).get(reverse("privacy:erasure", args=[run.pk]))
    assert response.status_code == 404
