"""A kind of record registered later is audited, erased past retention and given in a subject
access copy, without touching the audit page, retention or subject access modules: each reads
the registry (portal.family_records). The kind here is made up for the test: consents to share,
registered under another name, with an erasure and a section of their own (the real consent
registration has neither, so whatever the three modules do with them comes from this one)."""

import datetime

import pytest
from django.urls import reverse

from consent.models import Consent
from portal import family_records
from portal.family_records import ROUTINE, Erasure, Export, ExportPart, FamilyRecord
from privacy.models import ErasureLog
from privacy.retention import school_review
from privacy.services import retention_erase
from privacy.subject_access import subject_access_build

TWO_YEARS_ON = datetime.date(2026, 7, 1)


def _fake_export(asker):
    notes = list(
        Consent._base_manager.filter(school=asker.school, family=asker.family).order_by("pk")
    )
    return ExportPart(records=[{"Shared with": n.organisation} for n in notes], covered=notes)


FAKE = FamilyRecord(
    "consent.Consent",
    "Fake record",
    family_lookup="family_id",
    school_lookup="school_id",
    order=60,
    name=lambda r: f"Fake record about {r.organisation}",
    page=("families:family-detail", "family_id"),
    erasures=(
        Erasure(
            "fake_records",
            "Fake records",
            ROUTINE,
            order=45,
            records=lambda s: Consent._base_manager.filter(school=s),
        ),
    ),
    export=Export("Fake records", _fake_export, order=50),
)


@pytest.fixture
def fake_kind():
    with family_records.registered(FAKE, without=("consent.Consent",)):
        yield


@pytest.fixture
def note(cast, left_family):
    return Consent.objects.create(
        school=cast.school,
        family=left_family.family,
        given_by_parent=left_family.mum,
        categories=["education"],
        organisation="Oak Lane Youth Club",
        recorded_by=cast.pastoral,
    )


def test_the_audit_page_lists_changes_to_it_by_its_registered_name(
    fake_kind, login, cast, left_family, note
):
    note.organisation = "Oak Lane Youth Project"
    note.save()
    body = (
        login(cast.headteacher)
        .get(reverse("audit:family-audit", args=[left_family.family.pk]))
        .text
    )
    assert "Fake record about Oak Lane Youth Project" in body
    assert "Oak Lane Youth Club → Oak Lane Youth Project" in body


def test_retention_counts_it_and_erasure_removes_it(fake_kind, cast, left_family, note):
    counts = {kind.key: n for kind, n in school_review(cast.school, as_of=TWO_YEARS_ON).counts}
    assert counts["fake_records"] == 1
    retention_erase(as_of=TWO_YEARS_ON, started_by="test", school=cast.school)
    assert not Consent.objects.filter(pk=note.pk).exists()
    assert ErasureLog.objects.filter(kind="consent.Consent", object_id=note.pk).exists()


def test_the_subject_access_copy_gives_its_section(fake_kind, cast, left_family, note):
    sections = subject_access_build(parent=left_family.mum, school=cast.school).export["sections"]
    assert sections["Fake records"] == [{"Shared with": "Oak Lane Youth Club"}]
    # Its section comes after the complaints, as its order says.
    titles = list(sections)
    assert titles.index("Fake records") == titles.index("Complaints") + 1


def test_without_it_none_of_the_three_knows_about_it(cast, left_family, note):
    """The same consent, with only consent's own registration: no erasure, no section."""
    counts = {kind.key: n for kind, n in school_review(cast.school, as_of=TWO_YEARS_ON).counts}
    assert "fake_records" not in counts
    sections = subject_access_build(parent=left_family.mum, school=cast.school).export["sections"]
    assert "Fake records" not in sections
