"""Meetings fixtures: a family at the cast's school (separated parents, one pupil in the
teacher's class) and a planned meeting with them chaired by the pastoral lead."""

import pytest

from families.models import ChildParent
from tests import factories


@pytest.fixture
def household(cast):
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Rowan")
    family = school_family.family
    class_group = factories.ClassGroupFactory(school=cast.school)
    class_group.staff.add(cast.teacher)
    child = factories.ChildFactory(
        school=cast.school, family=family, class_group=class_group, first_name="Robin"
    )
    mum = factories.ParentCarerFactory(
        family=family,
        first_name="Morven",
        last_name="Rowan",
        good_times="weekdays after 3pm",
        language="Polish",
        interpreter_needed=True,
    )
    dad = factories.ParentCarerFactory(
        family=family, first_name="Duncan", last_name="Rowan", dates_to_avoid="Fridays"
    )
    factories.ChildParentFactory(child=child, parent=mum, relationship="mother")
    factories.ChildParentFactory(
        child=child, parent=dad, relationship=ChildParent.Relationship.FATHER
    )
    school_family.child, school_family.mum, school_family.dad = child, mum, dad
    return school_family


@pytest.fixture
def meeting(cast, household):
    meeting = factories.MeetingFactory(
        school=cast.school, family=household.family, chair=cast.pastoral
    )
    meeting.children.add(household.child)
    for parent in (household.mum, household.dad):
        meeting.invitations.create(parent=parent)
    return meeting
