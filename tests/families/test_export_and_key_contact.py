"""Chronology export (CSV and print) and setting a family's key contact."""

import csv
import io
import re

import pytest
from django.urls import reverse

from families.models import SchoolFamily
from families.services import contact_log


def _log(cast, fam, **kwargs):
    values = {
        "school": cast.school,
        "family": fam.family,
        "staff": cast.teacher,
        "parents": [fam.mum],
        "summary": "=Robin settled well after the holiday.",
        "tone": "positive",
    }
    values.update(kwargs)
    return contact_log(**values)


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("name", ["family-export-csv", "family-print"])
def test_export_access(cast, fam, login, client, name):
    url = reverse(f"families:{name}", args=[fam.family.pk])
    assert login(cast.teacher).get(url).status_code == 200
    assert login(cast.pastoral).get(url).status_code == 200
    assert login(cast.headteacher).get(url).status_code == 200
    assert login(cast.authority_officer).get(url).status_code == 403
    assert login(cast.outsider_headteacher).get(url).status_code == 404
    assert login(cast.headteacher).post(url).status_code == 405
    client.logout()
    assert reverse("login") in client.get(url)["Location"]


def test_csv_holds_visible_contacts_only_and_defuses_formulas(cast, fam, login):
    _log(cast, fam)
    _log(
        cast,
        fam,
        staff=cast.pastoral,
        confidentiality="pastoral",
        confidentiality_reason="Health",
        summary="A private health matter.",
    )
    response = login(cast.teacher).get(reverse("families:family-export-csv", args=[fam.family.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "Rowan" not in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:2] == ["Kind", "When"]
    assert len(rows) == 2
    assert rows[1][7] == "'=Robin settled well after the holiday."
    assert "private health" not in response.content.decode()
    rows = _csv(
        login(cast.headteacher).get(reverse("families:family-export-csv", args=[fam.family.pk]))
    )
    assert len(rows) == 3


def test_print_page_lists_the_chronology(cast, fam, login):
    _log(cast, fam)
    text = login(cast.teacher).get(reverse("families:family-print", args=[fam.family.pk])).text
    assert "Robin settled well" in text
    assert "dist/portal.css" in text  # the one stylesheet carries the print rules
    assert "1 positive" in text


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_pastoral_and_head_set_the_key_contact(cast, fam, login, role):
    url = reverse("families:family-key-contact", args=[fam.family.pk])
    client = login(getattr(cast, role))
    assert client.get(url).status_code == 200
    response = client.post(url, {"key_contact": cast.teacher.pk})
    assert response.status_code == 302
    assert SchoolFamily.objects.get(pk=fam.school_family.pk).key_contact == cast.teacher
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "Save key contact" in page
    # The picker offers the school's family workers, the one chosen selected, and no one else.
    picker = re.search(r'<select name="key_contact".*?</select>', page, re.S).group(0)
    offered = re.findall(r'<option value="(\d*)"( selected)?>', picker)
    assert (str(cast.teacher.pk), " selected") in offered
    assert {int(v) for v, _ in offered if v} == {
        cast.teacher.pk,
        cast.pastoral.pk,
        cast.headteacher.pk,
    }
    assert sum(1 for _, chosen in offered if chosen) == 1


def test_teacher_cannot_set_the_key_contact(cast, fam, login):
    url = reverse("families:family-key-contact", args=[fam.family.pk])
    client = login(cast.teacher)
    assert client.post(url, {"key_contact": cast.teacher.pk}).status_code == 403
    assert SchoolFamily.objects.get(pk=fam.school_family.pk).key_contact is None
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "Save key contact" not in page


def test_key_contact_other_access(cast, fam, login, client):
    url = reverse("families:family-key-contact", args=[fam.family.pk])
    assert login(cast.authority_officer).post(url, {"key_contact": ""}).status_code == 403
    assert login(cast.outsider_headteacher).post(url, {"key_contact": ""}).status_code == 404
    assert login(cast.headteacher).put(url).status_code == 405
    client.logout()
    assert reverse("login") in client.get(url)["Location"]


def test_key_contact_must_be_a_member_here(cast, fam, login):
    url = reverse("families:family-key-contact", args=[fam.family.pk])
    response = login(cast.headteacher).post(url, {"key_contact": cast.outsider_teacher.pk})
    assert response.status_code == 200
    assert "key_contact" in response.context["form"].errors
    assert SchoolFamily.objects.get(pk=fam.school_family.pk).key_contact is None


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_pastoral_and_head_edit_strengths_with_history(cast, fam, login, role):
    url = reverse("families:family-strengths", args=[fam.family.pk])
    client = login(getattr(cast, role))
    assert client.get(url).status_code == 200
    response = client.post(url, {"strengths": "Dad reads with Robin nightly.", "exceptions": ""})
    assert response.status_code == 302
    fam.family.refresh_from_db()
    assert fam.family.strengths == "Dad reads with Robin nightly."
    assert fam.family.history.first().history_user == getattr(cast, role)
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "Last changed by" in page


def test_teacher_edits_strengths_only_as_key_contact(cast, fam, login):
    url = reverse("families:family-strengths", args=[fam.family.pk])
    client = login(cast.teacher)
    assert client.post(url, {"strengths": "x"}).status_code == 403
    SchoolFamily.objects.filter(pk=fam.school_family.pk).update(key_contact=cast.teacher)
    assert client.get(url).status_code == 200


def test_strengths_other_access(cast, fam, login, client):
    url = reverse("families:family-strengths", args=[fam.family.pk])
    assert login(cast.authority_officer).get(url).status_code == 403
    assert login(cast.outsider_pastoral).get(url).status_code == 404
    assert login(cast.pastoral).put(url).status_code == 405
    client.logout()
    assert reverse("login") in client.get(url)["Location"]


def test_overlong_strengths_are_refused(cast, fam, login):
    url = reverse("families:family-strengths", args=[fam.family.pk])
    response = login(cast.pastoral).post(url, {"strengths": "x" * 4001, "exceptions": ""})
    assert response.status_code == 200
    assert "strengths" in response.context["form"].errors
    fam.family.refresh_from_db()
    assert fam.family.strengths == ""


def test_csv_renders_other_apps_entries_as_text(cast, fam, login, monkeypatch, settings):
    import datetime
    import pathlib

    from families import extensions

    engine = settings.TEMPLATES[0]
    extra = pathlib.Path(__file__).parent / "templates"
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], extra]}]
    monkeypatch.setattr(extensions, "_sources", [])
    entry = extensions.TimelineEntry(
        when=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        kind="meeting",
        kind_label="Meeting",
        template="families/includes/test_entry.html",
        obj="Planning meeting at home",
    )
    extensions.register_timeline_source(
        extensions.TimelineSource(kind="meeting", kind_label="Meeting", entries=lambda *a: [entry])
    )
    rows = _csv(
        login(cast.teacher).get(reverse("families:family-export-csv", args=[fam.family.pk]))
    )
    assert rows[1][0] == "Meeting"
    assert rows[1][7] == "Meeting: Planning meeting at home"
