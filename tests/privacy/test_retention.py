"""What is past retention, and erasing it: with the clock moved forward."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from complaints.models import Complaint
from families.models import Child, ChildParent, Contact, Family, ParentCarer, SchoolFamily
from meetings.models import ActionPoint, Meeting
from privacy.models import ErasureLog, ErasureRun
from privacy.retention import school_review
from privacy.services import retention_erase
from tests import factories

JUST_BEFORE = datetime.date(2026, 6, 30)  # two years after they left, less a day
TWO_YEARS_ON = datetime.date(2026, 7, 1)
YOUNGEST_IS_25 = datetime.date(2040, 9, 1)


def _counts(review):
    return {kind.key: n for kind, n in review.counts}


def test_nothing_is_due_before_the_routine_period_ends(cast, left_family):
    review = school_review(cast.school, as_of=JUST_BEFORE)
    assert review.families == []
    assert review.total == 0


def test_routine_records_are_due_two_years_after_the_last_child_left(cast, left_family):
    review = school_review(cast.school, as_of=TWO_YEARS_ON)
    assert review.routine_ids == [left_family.family.pk]
    # The confidential contact keeps the family until the youngest child is 25.
    assert review.full_ids == []
    counts = _counts(review)
    assert counts["contacts"] == 1
    assert counts["meetings"] == 1
    assert counts["complaints"] == 1
    assert counts["protection_contacts"] == 0
    assert counts["children"] == 0


def test_a_family_with_a_child_still_at_school_is_never_due(cast, left_family):
    factories.ChildFactory(school=cast.school, family=left_family.family)
    assert school_review(cast.school, as_of=YOUNGEST_IS_25).families == []


def test_everything_is_due_once_the_youngest_child_is_25(cast, left_family):
    review = school_review(cast.school, as_of=YOUNGEST_IS_25)
    assert review.full_ids == [left_family.family.pk]
    counts = _counts(review)
    assert counts["protection_contacts"] == 1
    assert counts["children"] == 2
    assert counts["parents"] == 2
    assert counts["families"] == 1


def test_a_school_that_keeps_routine_records_longer_is_not_due_yet(cast, left_family):
    factories.RetentionPolicyFactory(school=cast.school, routine_years=5)
    assert school_review(cast.school, as_of=TWO_YEARS_ON).families == []
    assert school_review(cast.school, as_of=datetime.date(2029, 7, 1)).routine_ids == [
        left_family.family.pk
    ]


def test_routine_erasure_keeps_child_protection_records_and_the_family(cast, left_family):
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, tzinfo=datetime.UTC)):
        call_command("retention_review", "--erase", "--confirm")
    assert not Contact.objects.filter(pk=left_family.contact.pk).exists()
    assert not Meeting.objects.exists()
    assert not ActionPoint.objects.exists()
    assert not Complaint.objects.exists()
    assert Contact.objects.filter(pk=left_family.private_contact.pk).exists()
    assert Child.objects.count() == 2
    assert Family.objects.filter(pk=left_family.family.pk).exists()


def test_full_erasure_removes_everything_and_its_history(cast, left_family):
    contact_id = left_family.contact.pk
    family_id = left_family.family.pk
    assert Contact.history.filter(id=contact_id).exists()
    with time_machine.travel(datetime.datetime(2040, 9, 2, 9, tzinfo=datetime.UTC)):
        call_command("retention_review", "--erase", "--confirm")
    assert not Family.objects.filter(pk=family_id).exists()
    assert not ParentCarer.objects.exists()
    assert not Child.objects.exists()
    assert not SchoolFamily.objects.exists()
    assert not Contact.objects.exists()
    for model in (Contact, Child, ParentCarer, ChildParent, Family, SchoolFamily):
        assert not model.history.exists(), model
    # The erasure log names kinds and ids only, each erased record once.
    logged = set(ErasureLog.objects.values_list("kind", "object_id"))
    assert ("families.Contact", contact_id) in logged
    assert ("families.Family", family_id) in logged
    assert ("complaints.Complaint", left_family.complaint.pk) in logged
    assert ErasureLog.objects.filter(family_id=family_id).count() == len(logged)
    run = ErasureRun.objects.get()
    assert run.erased == len(logged)
    assert run.finished_at is not None


def test_history_of_a_contact_removed_earlier_goes_too(cast, left_family):
    contact_id = left_family.contact.pk
    Contact.objects.filter(pk=contact_id).delete()
    assert Contact.history.filter(id=contact_id).exists()
    retention_erase(as_of=YOUNGEST_IS_25, started_by="test")
    assert not Contact.history.filter(id=contact_id).exists()


def test_a_legal_hold_blocks_any_erasure(cast, left_family):
    factories.LegalHoldFactory(family=left_family.family, school=cast.school)
    review = school_review(cast.school, as_of=YOUNGEST_IS_25)
    assert [f.held for f in review.families] == [True]
    assert review.total == 0
    run = retention_erase(as_of=YOUNGEST_IS_25, started_by="test")
    assert run.erased == 0
    assert Contact.objects.count() == 2
    assert Family.objects.filter(pk=left_family.family.pk).exists()
    assert not ErasureLog.objects.exists()


def test_a_lifted_hold_no_longer_blocks(cast, left_family):
    hold = factories.LegalHoldFactory(family=left_family.family, school=cast.school)
    hold.lifted_at = hold.set_at
    hold.lift_reason = "Claim settled."
    hold.save()
    retention_erase(as_of=YOUNGEST_IS_25, started_by="test")
    assert not Family.objects.filter(pk=left_family.family.pk).exists()


def test_a_hold_at_another_school_also_blocks(cast, left_family):
    factories.LegalHoldFactory(family=left_family.family, school=cast.other_school)
    retention_erase(as_of=YOUNGEST_IS_25, started_by="test")
    assert Contact.objects.count() == 2


def test_a_family_still_at_another_school_keeps_its_parents(cast, left_family):
    other_school = factories.SchoolFactory(authority=cast.school.authority)
    factories.SchoolFamilyFactory(school=other_school, family=left_family.family)
    sibling = factories.ChildFactory(school=other_school, family=left_family.family)
    other_contact = factories.ContactFactory(school=other_school, family=left_family.family)
    retention_erase(as_of=YOUNGEST_IS_25, started_by="test")
    assert list(Child.objects.all()) == [sibling]
    assert ParentCarer.objects.count() == 2
    assert list(Contact.objects.all()) == [other_contact]
    assert not SchoolFamily.objects.filter(school=cast.school).exists()


def test_another_schools_records_are_untouched(cast, left_family):
    theirs = factories.ContactFactory(school=cast.other_school)
    retention_erase(as_of=YOUNGEST_IS_25, started_by="test", school=cast.school)
    assert Contact.objects.filter(pk=theirs.pk).exists()


def test_the_command_lists_counts_without_names_and_erases_nothing(cast, left_family, capsys):
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, tzinfo=datetime.UTC)):
        call_command("retention_review")
    out = capsys.readouterr().out
    assert f"School {cast.school.pk} (Riverside Primary): 1 families due" in out
    assert "Contacts: 1" in out
    assert "Complaints: 1" in out
    assert "Oak" not in out
    assert "Morag" not in out
    assert Contact.objects.count() == 2


def test_erase_without_confirm_is_refused(cast, left_family):
    with pytest.raises(CommandError, match="--confirm"):
        call_command("retention_review", "--erase", "--as-of", "2040-09-02")
    assert Contact.objects.count() == 2
