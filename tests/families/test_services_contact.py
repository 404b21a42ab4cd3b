"""contact_log and contact_edit: validation, the summary row, follow-ups and edit history."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from families.models import Contact, SchoolFamily
from families.services import contact_edit, contact_log, key_contact_set
from tests import factories

NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)


def _log(cast, fam, **kwargs):
    values = {
        "school": cast.school,
        "family": fam.family,
        "staff": cast.teacher,
        "parents": [fam.mum],
        "summary": "Told mum about Robin's great reading this week.",
        "tone": "positive",
    }
    values.update(kwargs)
    return contact_log(**values)


@time_machine.travel(NOW, tick=False)
def test_logging_saves_contact_links_and_updates_summary(cast, fam):
    contact = _log(cast, fam, children=[fam.child])
    assert list(contact.parents.all()) == [fam.mum]
    assert list(contact.children.all()) == [fam.child]
    row = SchoolFamily.objects.get(pk=fam.school_family.pk)
    assert row.last_contact_at == NOW
    assert row.last_contact_tone == "positive"
    assert row.last_positive_at == NOW
    assert (row.positive_count, row.neutral_count, row.concern_count) == (1, 0, 0)


@time_machine.travel(NOW, tick=False)
def test_an_older_concern_does_not_replace_the_latest_contact(cast, fam):
    _log(cast, fam)
    _log(cast, fam, tone="concern", occurred_at=NOW - datetime.timedelta(days=3))
    row = SchoolFamily.objects.get(pk=fam.school_family.pk)
    assert row.last_contact_tone == "positive"
    assert (row.positive_count, row.concern_count) == (1, 1)


@time_machine.travel(NOW, tick=False)
def test_future_date_is_refused_and_nothing_saved(cast, fam):
    with pytest.raises(ValidationError) as exc:
        _log(cast, fam, occurred_at=NOW + datetime.timedelta(days=1))
    assert "occurred_at" in exc.value.message_dict
    assert not Contact.objects.exists()
    assert SchoolFamily.objects.get(pk=fam.school_family.pk).last_contact_at is None


def test_a_contact_needs_at_least_one_parent(cast, fam):
    with pytest.raises(ValidationError) as exc:
        _log(cast, fam, parents=[])
    assert "parents" in exc.value.message_dict
    assert not Contact.objects.exists()


def test_parent_of_another_family_is_refused(cast, fam):
    stranger = factories.ParentCarerFactory()
    with pytest.raises(ValidationError) as exc:
        _log(cast, fam, parents=[stranger])
    assert "parents" in exc.value.message_dict


def test_child_of_another_school_is_refused(cast, fam):
    elsewhere = factories.ChildFactory(school=cast.other_school, family=fam.family)
    with pytest.raises(ValidationError) as exc:
        _log(cast, fam, children=[elsewhere])
    assert "children" in exc.value.message_dict
    assert not Contact.objects.exists()


def test_overlong_summary_is_refused(cast, fam):
    with pytest.raises(ValidationError) as exc:
        _log(cast, fam, summary="x" * 2001)
    assert "summary" in exc.value.message_dict


def test_confidential_contact_needs_a_reason(cast, fam):
    with pytest.raises(ValidationError) as exc:
        _log(cast, fam, confidentiality="pastoral")
    assert "confidentiality_reason" in exc.value.message_dict
    contact = _log(cast, fam, confidentiality="pastoral", confidentiality_reason="Bereavement")
    assert contact.confidentiality_reason == "Bereavement"


def test_named_staff_must_belong_to_the_school(cast, fam):
    with pytest.raises(ValidationError) as exc:
        _log(
            cast,
            fam,
            confidentiality="named",
            confidentiality_reason="Family asked",
            named_staff=[cast.outsider_teacher],
        )
    assert "named_staff" in exc.value.message_dict


def test_staff_of_another_school_cannot_be_the_author(cast, fam):
    with pytest.raises(ValidationError) as exc:
        _log(cast, fam, staff=cast.outsider_teacher)
    assert "staff" in exc.value.message_dict


def test_authority_officer_cannot_own_a_follow_up(cast, fam):
    with pytest.raises(ValidationError) as exc:
        _log(cast, fam, follow_up_on=timezone.localdate(), follow_up_owner=cast.authority_officer)
    assert "follow_up_owner" in exc.value.message_dict


def test_follow_up_owner_defaults_to_the_author(cast, fam):
    contact = _log(cast, fam, follow_up_on=timezone.localdate() + datetime.timedelta(days=7))
    assert contact.follow_up_owner == cast.teacher


def test_completing_a_follow_up_links_the_new_contact(cast, fam):
    first = _log(cast, fam, follow_up_on=timezone.localdate())
    second = _log(cast, fam, completes=first, summary="Called back as promised.")
    first.refresh_from_db()
    assert first.follow_up_contact == second
    assert first.follow_up_done_at is not None
    with pytest.raises(ValidationError):
        _log(cast, fam, completes=first)


def test_edit_keeps_history_with_the_editor(cast, fam):
    contact = _log(cast, fam, tone="positive")
    contact_edit(
        contact=contact,
        editor=cast.pastoral,
        parents=[fam.mum, fam.dad],
        tone="concern",
        summary="Corrected: mum raised a worry about homework.",
    )
    latest = contact.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == cast.pastoral
    assert latest.summary.startswith("Corrected")
    assert contact.history.count() == 2
    row = SchoolFamily.objects.get(pk=fam.school_family.pk)
    assert (row.positive_count, row.concern_count, row.last_contact_tone) == (0, 1, "concern")
    assert set(contact.parents.all()) == {fam.mum, fam.dad}


def test_a_bad_edit_saves_nothing(cast, fam):
    contact = _log(cast, fam)
    with pytest.raises(ValidationError):
        contact_edit(contact=contact, editor=cast.teacher, parents=[], summary="Changed")
    contact.refresh_from_db()
    assert contact.summary.startswith("Told mum")
    assert contact.history.count() == 1


def test_key_contact_must_work_with_families_here(cast, fam):
    with pytest.raises(ValidationError):
        key_contact_set(
            school_family=fam.school_family,
            key_contact=cast.authority_officer,
            changed_by=cast.headteacher,
        )
    key_contact_set(
        school_family=fam.school_family, key_contact=cast.pastoral, changed_by=cast.headteacher
    )
    fam.school_family.refresh_from_db()
    assert fam.school_family.key_contact == cast.pastoral
    assert fam.school_family.history.first().history_user == cast.headteacher
