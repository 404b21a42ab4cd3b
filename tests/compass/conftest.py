"""Fixtures for the compass tests: a family the cast's teacher teaches, with two parents."""

import pytest

from tests import factories


@pytest.fixture
def family(cast, compass_defaults):
    """A SchoolFamily at the cast's school: the teacher teaches its child; two parents."""
    group = factories.ClassGroupFactory(school=cast.school, name="P4a")
    group.staff.add(cast.teacher)
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Amira's family")
    factories.ChildFactory(school=cast.school, family=school_family.family, class_group=group)
    factories.ParentCarerFactory(
        family=school_family.family, first_name="Amira", last_name="Haddad"
    )
    factories.ParentCarerFactory(family=school_family.family, first_name="Sami", last_name="Haddad")
    return school_family


@pytest.fixture
def other_teacher(cast):
    """A teacher at the same school who does not teach the family's child."""
    user = factories.UserFactory(username="other_teacher")
    factories.MembershipFactory(user=user, school=cast.school, role="staff")
    return user
