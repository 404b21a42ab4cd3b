"""Point 17: consent to share as a record — recorded and withdrawn from the family page by the
pastoral team and the headteacher, never deleted, shown beside what it covers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import Category, Consent
from consent.services import consent_record, consent_withdraw
from tests import factories

TODAY = timezone.localdate


def _record(cast, fam, **kwargs):
    values = {
        "school": cast.school,
        "family": fam.family,
        "recorded_by": cast.pastoral,
        "given_by": fam.mum,
        "given_on": TODAY() - datetime.timedelta(days=10),
        "categories": [Category.ATTENDANCE, Category.WELLBEING],
        "organisation": "Castlebrae Health Centre",
        "team_or_role": "Health visitor team",
    }
    values.update(kwargs)
    return consent_record(**values)


def _add_url(fam):
    return reverse("consent:consent-add", args=[fam.family.pk])


def _family_url(fam):
    return reverse("families:family-detail", args=[fam.family.pk])


def _form(fam, **overrides):
    data = {
        "given_by": f"parent-{fam.mum.pk}",
        "given_on": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        "how": "writing",
        "categories": ["attendance", "progress"],
        "organisation": "  Castlebrae   Health Centre ",
        "team_or_role": "School nurse",
        "until": (TODAY() + datetime.timedelta(days=180)).isoformat(),
        "details": "Not the family's housing situation.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_pastoral_and_headteacher_record_consent_from_the_form(cast, fam, login, role):
    client = login(getattr(cast, role))
    assert client.get(_add_url(fam)).status_code == 200
    response = client.post(_add_url(fam), _form(fam))
    assert response.status_code == 302
    consent = Consent.objects.get(family=fam.family)
    assert consent.given_by_parent == fam.mum and consent.given_by_name == fam.mum.full_name
    assert consent.organisation == "Castlebrae Health Centre"
    assert consent.categories == ["attendance", "progress"]
    assert consent.recorded_by == getattr(cast, role)
    assert consent.history.count() == 1
    page = client.get(_family_url(fam)).text
    assert "Consent to share" in page and "Consent in place" in page
    assert "learning and progress" in page and "School nurse" in page


def test_the_young_person_can_give_consent(cast, fam, login):
    client = login(cast.pastoral)
    client.post(_add_url(fam), _form(fam, given_by=f"child-{fam.child.pk}"))
    consent = Consent.objects.get(family=fam.family)
    assert consent.given_by_child == fam.child and consent.given_by_parent is None


def test_the_teacher_reads_consent_but_may_not_record_it(cast, fam, login):
    _record(cast, fam)
    client = login(cast.teacher)
    assert client.get(_add_url(fam)).status_code == 403
    assert client.post(_add_url(fam), _form(fam)).status_code == 403
    assert Consent.objects.count() == 1
    page = client.get(_family_url(fam)).text
    assert "Castlebrae Health Centre" in page
    assert "Record a consent to share" not in page
    assert "Record that it was withdrawn" not in page


def test_another_schools_family_is_404(cast, fam, login):
    assert login(cast.outsider_pastoral).get(_add_url(fam)).status_code == 404


def test_the_form_says_what_is_missing_beside_each_field(cast, fam, login):
    client = login(cast.pastoral)
    bad = _form(fam, given_by="", categories=[], organisation="", until="2020-01-01")
    response = client.post(_add_url(fam), bad)
    assert response.status_code == 200
    text = response.text
    assert "Choose who gave consent." in text
    assert "Choose at least one kind of information" in text
    assert "Name the agency or organisation" in text
    assert "The end date is before the day consent was given." in text
    assert not Consent.objects.exists()


def test_another_familys_parent_cannot_be_chosen(cast, fam, login):
    stranger = factories.ParentCarerFactory()
    response = login(cast.pastoral).post(
        _add_url(fam), _form(fam, given_by=f"parent-{stranger.pk}")
    )
    assert response.status_code == 200
    assert "Choose one of the people listed." in response.text
    assert not Consent.objects.exists()


def test_withdrawal_is_recorded_with_when_who_and_why_and_nothing_is_deleted(cast, fam, login):
    consent = _record(cast, fam)
    client = login(cast.headteacher)
    url = reverse("consent:consent-withdraw", args=[consent.pk])
    page = client.get(url)
    assert page.status_code == 200 and fam.mum.full_name in page.text
    response = client.post(
        url,
        {
            "withdrawn_on": TODAY().isoformat(),
            "withdrawn_by_name": "Mum, by phone",
            "reason": "Would rather tell the health visitor herself.",
        },
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY()
    assert consent.withdrawn_by_name == "Mum, by phone"
    assert consent.withdrawal_by == cast.headteacher
    assert Consent.objects.filter(pk=consent.pk).exists()
    assert consent.history.count() == 2  # the record as given, and as withdrawn
    page = client.get(_family_url(fam)).text
    assert f"Consent withdrawn {TODAY():%-d %b %Y}" in page
    assert "Would rather tell the health visitor herself." in page


def test_withdrawal_needs_a_reason_and_cannot_come_before_consent(cast, fam, login):
    consent = _record(cast, fam)
    client = login(cast.pastoral)
    url = reverse("consent:consent-withdraw", args=[consent.pk])
    before = (consent.given_on - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"withdrawn_on": before, "withdrawn_by_name": "", "reason": ""})
    assert response.status_code == 200
    assert "it cannot be withdrawn before" in response.text
    assert "Say why" in response.text
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_the_teacher_may_not_withdraw_consent(cast, fam, login):
    consent = _record(cast, fam)
    url = reverse("consent:consent-withdraw", args=[consent.pk])
    assert login(cast.teacher).get(url).status_code == 403
    assert login(cast.outsider_pastoral).get(url).status_code == 404


def test_an_expired_consent_reads_so(cast, fam, login):
    _record(
        cast,
        fam,
        given_on=TODAY() - datetime.timedelta(days=400),
        until=TODAY() - datetime.timedelta(days=35),
    )
    page = login(cast.teacher).get(_family_url(fam)).text
    assert "Consent expired" in page
    assert "Consent in place" not in page


def test_consent_shows_beside_the_meeting_agency_it_covers(cast, fam, login):
    meeting = factories.MeetingFactory(school=cast.school, family=fam.family, chair=cast.pastoral)
    factories.AgencyAttendeeFactory(
        meeting=meeting, name="Ann Lee", organisation="castlebrae health centre"
    )
    factories.AgencyAttendeeFactory(
        meeting=meeting, name="Jo Baird", organisation="Educational psychology service"
    )
    _record(cast, fam)
    page = login(cast.pastoral).get(reverse("meetings:meeting-plan", args=[meeting.pk])).text
    lines = page.split('data-testid="agency-consent"')
    covered = next(line for line in lines[1:] if "Castlebrae Health Centre" in line[:400])
    assert "Consent in place" in covered[:300]
    assert "No consent to share with Educational psychology service" in page


def test_the_meeting_plan_reads_consents_in_one_query_whatever_the_number_of_agencies(
    cast, fam, login, django_assert_max_num_queries
):
    meeting = factories.MeetingFactory(school=cast.school, family=fam.family, chair=cast.pastoral)
    _record(cast, fam)
    client = login(cast.pastoral)
    url = reverse("meetings:meeting-plan", args=[meeting.pk])
    factories.AgencyAttendeeFactory(meeting=meeting, organisation="Castlebrae Health Centre")
    client.get(url)
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    for n in range(4):
        factories.AgencyAttendeeFactory(meeting=meeting, organisation=f"Agency {n}")
        _record(cast, fam, organisation=f"Agency {n}")
    with django_assert_max_num_queries(40) as five:
        client.get(url)
    assert len(five.captured_queries) == len(one.captured_queries)


def test_the_family_page_reads_no_consents_when_there_are_none(cast, fam, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.pastoral)
    client.get(_family_url(fam))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(_family_url(fam)).text
    assert not any(q["sql"].startswith('SELECT "consent_consent"') for q in queries)
    assert "No consent to share recorded yet." in page


def test_the_service_refuses_a_teacher(cast, fam):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _record(cast, fam, recorded_by=cast.teacher)
    consent = _record(cast, fam)
    with pytest.raises(ValidationError):
        consent_withdraw(
            consent=consent,
            recorded_by=cast.teacher,
            withdrawn_on=TODAY(),
            withdrawn_by_name="Mum",
            reason="Changed her mind.",
        )


def test_the_family_audit_names_consent_given_and_withdrawn(cast, fam, login):
    """The family's audit page shows consent records in words, with who
    recorded and withdrew them: a change to what may be shared is as much the family's history
    as a change of address."""
    consent = _record(cast, fam)
    consent_withdraw(
        consent=consent,
        withdrawn_on=TODAY(),
        withdrawn_by_name="Mum, by phone",
        reason="Would rather tell the health visitor herself.",
        recorded_by=cast.headteacher,
    )
    page = login(cast.headteacher).get(reverse("audit:family-audit", args=[fam.family.pk])).text
    given = TODAY() - datetime.timedelta(days=10)
    assert f"Consent to share with Castlebrae Health Centre, given {given:%-d %b %Y}" in page
    assert "Would rather tell the health visitor herself." in page
