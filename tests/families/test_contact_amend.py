"""Corrections beside the original (amendments, a parent's dispute), the author's short edit
window, and notes written late."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from families.models import Contact, ContactAmendment
from families.services import contact_amend, contact_log, contact_withdraw
from tests.reads import page_and_reads


def _log(cast, fam, **kwargs):
    values = {
        "school": cast.school,
        "family": fam.family,
        "staff": cast.teacher,
        "parents": [fam.mum],
        "summary": "Mum said Robin has been tired in the mornings.",
    }
    values.update(kwargs)
    return contact_log(**values)


def _url(contact):
    return reverse("families:contact-amend", args=[contact.pk])


def _family_page(client, fam):
    return client.get(reverse("families:family-detail", args=[fam.family.pk])).text


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_author_pastoral_and_headteacher_may_amend(cast, fam, login, role):
    contact = _log(cast, fam)
    response = login(getattr(cast, role)).get(_url(contact))
    assert response.status_code == 200
    assert "Mum said Robin has been tired" in response.text  # the original, shown as written


def test_others_may_not_amend(cast, fam, login):
    contact = _log(cast, fam, staff=cast.pastoral)
    assert login(cast.teacher).get(_url(contact)).status_code == 403
    assert login(cast.authority_officer).get(_url(contact)).status_code == 403
    assert login(cast.outsider_headteacher).get(_url(contact)).status_code == 404


def test_an_amendment_is_stored_beside_the_original(cast, fam, login):
    contact = _log(cast, fam)
    client = login(cast.pastoral)
    response = client.post(
        _url(contact),
        {"text": "It was Robin's dad who said this.", "reason": "Wrong parent recorded."},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.summary == "Mum said Robin has been tired in the mornings."  # untouched
    amendment = ContactAmendment.objects.get(contact=contact)
    assert amendment.by == cast.pastoral and amendment.by_username == "pastoral"
    assert amendment.history.get().history_user == cast.pastoral
    page = _family_page(client, fam)
    assert "Mum said Robin has been tired" in page
    assert "It was Robin&#x27;s dad who said this." in page
    assert "Wrong parent recorded." in page
    assert "Disputed by parent" not in page


def test_the_amendments_are_read_only_where_a_contact_shown_has_some(cast, fam, login):
    """Each contact of the chronology's read says whether it has amendments: the family page
    reads them only where one shown has some, and then only theirs."""
    first, second = _log(cast, fam), _log(cast, fam, summary="Dad rang about the trip.")
    client = login(cast.pastoral)
    url = reverse("families:family-detail", args=[fam.family.pk])

    def amendment_reads():
        return page_and_reads(client, url, ContactAmendment)

    page, reads = amendment_reads()
    assert reads == [] and "Dad rang about the trip." in page
    contact_amend(
        contact=second, amended_by=cast.pastoral, text="It was Mum who rang.", reason="Wrong."
    )
    page, reads = amendment_reads()
    assert len(reads) == 1 and "It was Mum who rang." in page
    asked = re.search(r'"contact_id" IN \(([\d, ]+)\)', reads[0]).group(1)
    assert {int(pk) for pk in asked.split(",")} == {second.pk} != {first.pk}


def test_a_disputed_record_shows_a_text_marker_and_the_parents_words(cast, fam, login):
    contact = _log(cast, fam)
    client = login(cast.teacher)
    client.post(
        _url(contact),
        {
            "text": "Mum disagrees with how the conversation was recorded.",
            "reason": "Mum asked for her view to be added.",
            "disputed": "on",
            "parent_view": "I said he was tired on Mondays only, after football.",
        },
    )
    page = _family_page(client, fam)
    assert "Disputed by parent" in page
    assert "I said he was tired on Mondays only, after football." in page


def test_a_dispute_without_the_parents_view_is_refused_and_nothing_is_saved(cast, fam, login):
    contact = _log(cast, fam)
    response = login(cast.teacher).post(
        _url(contact), {"text": "Contested.", "reason": "Mum disagrees.", "disputed": "on"}
    )
    assert response.status_code == 200
    assert "in their words" in response.text
    assert "Contested." in response.text  # what was typed is kept
    assert not ContactAmendment.objects.exists()


def test_a_withdrawn_contact_cannot_be_amended(cast, fam):
    contact = _log(cast, fam)
    contact_withdraw(contact=contact, withdrawn_by=cast.teacher, reason="Entered twice.")
    with pytest.raises(Exception, match="withdrawn"):
        contact_amend(contact=contact, amended_by=cast.teacher, text="x", reason="y")


def test_the_author_may_edit_only_within_a_day_then_amends(cast, fam, login):
    contact = _log(cast, fam)
    edit = reverse("families:contact-edit", args=[contact.pk])
    assert login(cast.teacher).get(edit).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        client = login(cast.teacher)
        assert client.get(edit).status_code == 403
        page = _family_page(client, fam)
        assert edit not in page
        assert _url(contact) in page


def test_a_note_written_late_shows_both_times(cast, fam, login):
    occurred = timezone.now() - datetime.timedelta(days=3, hours=2)
    contact = _log(cast, fam, occurred_at=occurred)
    assert contact.written_days_late == 3
    client = login(cast.teacher)
    written = timezone.localtime(contact.recorded_at).strftime("%-d %b %Y")
    assert f"Written {written} — 3 days after" in _family_page(client, fam)
    history = client.get(reverse("families:contact-history", args=[contact.pk])).text
    assert "3 days after" in history
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.occurred_at == occurred and stored.recorded_at > occurred


def test_a_note_written_the_same_day_shows_no_late_marker(cast, fam, login):
    _log(cast, fam, occurred_at=timezone.now() - datetime.timedelta(hours=3))
    assert "days after" not in _family_page(login(cast.teacher), fam)
    assert "day after" not in _family_page(login(cast.teacher), fam)
