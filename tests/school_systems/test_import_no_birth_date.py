"""A pupil may now have no date of birth (a OneRoster bundle keeps it in an optional file): the
places that use one still work, and none treats the gap as a date."""

import datetime

from django.urls import reverse

from families.models import Child
from family_voice import services as family_voice
from privacy.retention import school_review
from tests import factories
from tests.privacy.conftest import left_family  # noqa: F401 (the fixture)

YOUNGEST_IS_25 = datetime.date(2040, 9, 1)


def test_retention_keeps_protection_records_while_a_birth_date_is_missing(cast, left_family):  # noqa: F811
    review = school_review(cast.school, as_of=YOUNGEST_IS_25)
    assert review.full_ids == [left_family.family.pk]  # with both dates known: everything due
    left_family.younger.date_of_birth = None
    left_family.younger.save()
    review = school_review(cast.school, as_of=YOUNGEST_IS_25)
    # The youngest's age cannot be told, so the child-protection records are kept.
    assert review.full_ids == [] and review.routine_ids == [left_family.family.pk]
    left_family.older.date_of_birth = left_family.younger.date_of_birth = None
    left_family.older.save()
    left_family.younger.save()
    assert school_review(cast.school, as_of=YOUNGEST_IS_25).full_ids == []


def test_a_parent_cannot_answer_the_birth_date_check_for_a_child_without_one(cast):
    """family_voice.check_answer matches the date given against the children the link may
    show: a child with no date of birth never matches, a brother or sister with one does."""
    parent = factories.ParentCarerFactory()
    undated = factories.ChildFactory(school=cast.school, family=parent.family, date_of_birth=None)
    dated = factories.ChildFactory(
        school=cast.school, family=parent.family, date_of_birth=datetime.date(2017, 5, 1)
    )
    for child in (undated, dated):
        factories.ChildParentFactory(child=child, parent=parent)

    def answers(date):
        return (
            family_voice.entitled_children(school=cast.school, parent=parent, meeting=None)
            .filter(parental_responsibility=True, child__date_of_birth=date)
            .exists()
        )

    assert answers(datetime.date(2017, 5, 1))
    dated.date_of_birth = None
    dated.save()
    assert not answers(datetime.date(2017, 5, 1))


def test_staff_adding_a_brother_or_sister_must_still_give_a_date_of_birth(cast, login):
    school_family = factories.SchoolFamilyFactory(school=cast.school)
    child = factories.ChildFactory(school=cast.school, family=school_family.family)
    factories.ChildParentFactory(child=child)
    url = reverse("families:child-add", args=[school_family.family.pk])
    response = login(cast.pastoral).post(url, {"first_name": "Rory", "last_name": "Grant"})
    assert response.status_code == 200
    assert "Enter their date of birth." in response.content.decode()
    assert not Child.objects.filter(first_name="Rory").exists()


def test_subject_access_shows_an_empty_date_of_birth(cast):
    from portal.lib.words import record_in_words

    child = factories.ChildFactory(school=cast.school, date_of_birth=None)
    assert record_in_words(child, ["date_of_birth"]) == {"Date of birth": ""}
