"""Withdrawing a contact: who may, the confirmation form, and what it drops out of."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import Contact, SchoolFamily
from families.services import contact_log, contact_withdraw
from tests.families.conftest import make_family

HOME = reverse("home")


def _log(cast, fam, **kwargs):
    values = {
        "school": cast.school,
        "family": fam.family,
        "staff": cast.teacher,
        "parents": [fam.mum],
        "summary": "Rang about the class trip: all sorted.",
        "tone": "positive",
    }
    values.update(kwargs)
    return contact_log(**values)


def _url(contact):
    return reverse("families:contact-withdraw", args=[contact.pk])


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_author_pastoral_and_headteacher_get_the_confirmation_form(cast, fam, login, role):
    contact = _log(cast, fam)
    response = login(getattr(cast, role)).get(_url(contact))
    assert response.status_code == 200
    assert "Why is this being withdrawn?" in response.text
    assert "csrfmiddlewaretoken" in response.text
    assert Contact.objects.filter(pk=contact.pk).exists()  # GET changes nothing


def test_another_teacher_who_is_not_the_author_gets_403(cast, fam, login):
    other = make_family(cast, name="Family Elm")
    other_teacher = _member_teaching(cast, other)
    contact = _log(cast, other, staff=cast.pastoral, parents=[other.mum])
    assert login(other_teacher).post(_url(contact), {"reason": "x"}).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def _member_teaching(cast, fam):
    from tests import factories

    user = factories.UserFactory(username="teacher2", first_name="Second")
    factories.MembershipFactory(user=user, school=cast.school, role="staff")
    fam.class_group.staff.add(user)
    return user


def test_authority_officer_gets_403_and_other_schools_get_404(cast, fam, login):
    contact = _log(cast, fam)
    assert login(cast.authority_officer).get(_url(contact)).status_code == 403
    for role in ["outsider_teacher", "outsider_pastoral", "outsider_headteacher"]:
        assert login(getattr(cast, role)).post(_url(contact), {"reason": "x"}).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_anonymous_goes_to_login_and_put_is_refused(cast, fam, client, login):
    contact = _log(cast, fam)
    assert client.get(_url(contact)).url.startswith(reverse("login"))
    assert login(cast.teacher).put(_url(contact)).status_code == 405


def test_an_empty_reason_changes_nothing_and_says_why(cast, fam, login):
    contact = _log(cast, fam)
    response = login(cast.teacher).post(_url(contact), {"reason": "   "})
    assert response.status_code == 200
    assert "This field is required" in response.text or "Say why" in response.text
    contact.refresh_from_db()
    assert contact.withdrawn_at is None


def test_withdrawing_records_who_when_why_and_leaves_the_summary(cast, fam, login):
    kept = _log(cast, fam, tone="concern", summary="Talked about lateness.")
    contact = _log(cast, fam)
    summary = SchoolFamily.objects.get(school=cast.school, family=fam.family)
    assert (summary.positive_count, summary.concern_count) == (1, 1)
    response = login(cast.pastoral).post(
        _url(contact), {"reason": "Logged against the wrong family."}
    )
    assert response.status_code == 302
    contact = Contact.all_objects.get(pk=contact.pk)
    assert contact.withdrawn_by == cast.pastoral
    assert contact.withdrawn_reason == "Logged against the wrong family."
    assert contact.withdrawn_at is not None
    summary.refresh_from_db()
    assert (summary.positive_count, summary.concern_count) == (0, 1)
    assert summary.last_contact_tone == kept.tone


def test_a_withdrawn_contact_is_a_collapsed_entry_with_its_reason(cast, fam, login):
    contact = _log(cast, fam, summary="ZZ-WITHDRAWN-SUMMARY")
    contact_withdraw(contact=contact, withdrawn_by=cast.teacher, reason="Entered twice.")
    page = login(cast.teacher).get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "ZZ-WITHDRAWN-SUMMARY" not in page
    assert "Withdrawn" in page and "Entered twice." in page
    assert "<details>" in page
    # Gone from its own pages: the edit and history links 404 once withdrawn.
    assert login(cast.teacher).get(_url(contact)).status_code == 404


def test_a_withdrawn_confidential_contact_stays_hidden_from_those_who_could_not_read_it(
    cast, fam, login
):
    contact = _log(
        cast,
        fam,
        staff=cast.pastoral,
        confidentiality="pastoral",
        confidentiality_reason="Health",
    )
    contact_withdraw(contact=contact, withdrawn_by=cast.pastoral, reason="ZZ-REASON")
    family_url = reverse("families:family-detail", args=[fam.family.pk])
    assert "ZZ-REASON" not in login(cast.teacher).get(family_url).text
    assert "ZZ-REASON" in login(cast.headteacher).get(family_url).text


def test_a_withdrawn_contacts_follow_up_leaves_the_home_panel(cast, fam, login):
    contact = _log(
        cast,
        fam,
        agreed="Send the diary home.",
        follow_up_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    client = login(cast.teacher)
    assert "Send the diary home" in client.get(HOME).text
    contact_withdraw(contact=contact, withdrawn_by=cast.teacher, reason="Entered twice.")
    assert "Send the diary home" not in client.get(HOME).text


def test_a_withdrawn_contact_leaves_the_family_list_counts(cast, fam, login):
    contact = _log(cast, fam)
    contact_withdraw(contact=contact, withdrawn_by=cast.teacher, reason="Entered twice.")
    summary = SchoolFamily.objects.get(school=cast.school, family=fam.family)
    assert summary.positive_count == 0
    assert summary.last_contact_at is None
    page = login(cast.headteacher).get(reverse("families:family-detail", args=[fam.family.pk]))
    assert page.context["balance"]["total"] == 0


def test_a_withdrawn_contacts_history_stays_readable_and_the_csv_says_withdrawn(cast, fam, login):
    contact = _log(cast, fam, summary="ZZ-WITHDRAWN-SUMMARY")
    contact_withdraw(contact=contact, withdrawn_by=cast.teacher, reason="Entered twice.")
    client = login(cast.teacher)
    history = client.get(reverse("families:contact-history", args=[contact.pk]))
    assert history.status_code == 200
    assert "Entered twice." in history.text and "ZZ-WITHDRAWN-SUMMARY" in history.text
    csv_text = client.get(reverse("families:family-export-csv", args=[fam.family.pk])).text
    assert "Contact (withdrawn)" in csv_text and "Withdrawn: Entered twice." in csv_text
    assert "ZZ-WITHDRAWN-SUMMARY" not in csv_text
    assert (
        login(cast.outsider_headteacher)
        .get(reverse("families:contact-history", args=[contact.pk]))
        .status_code
        == 404
    )
