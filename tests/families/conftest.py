"""A family at the cast's school: two parents in two homes, one pupil in the teacher's class."""

from dataclasses import dataclass

import pytest

from bench.contact_form import good_news_call
from families.models import ChildParent
from tests import factories


@dataclass
class FamilySetup:
    school_family: object
    family: object
    child: object
    mum: object
    dad: object
    class_group: object


def make_family(cast, *, name="Family Rowan", teacher=None, restricted_dad=False):
    """A family with a child at cast.school (taught by `teacher` if given) and two parents."""
    school = cast.school
    school_family = factories.SchoolFamilyFactory(school=school, family__name=name)
    family = school_family.family
    class_group = factories.ClassGroupFactory(school=school)
    if teacher is not None:
        class_group.staff.add(teacher)
    child = factories.ChildFactory(
        school=school, family=family, class_group=class_group, first_name="Robin"
    )
    mum = factories.ParentCarerFactory(family=family, first_name="Morven", household="Mum's flat")
    dad = factories.ParentCarerFactory(family=family, first_name="Duncan", household="Dad's house")
    factories.ChildParentFactory(
        child=child, parent=mum, relationship=ChildParent.Relationship.MOTHER
    )
    factories.ChildParentFactory(
        child=child,
        parent=dad,
        relationship=ChildParent.Relationship.FATHER,
        lives_with_child=False,
        restriction="Court order: no school reports to be shared." if restricted_dad else "",
    )
    return FamilySetup(school_family, family, child, mum, dad, class_group)


@pytest.fixture
def fam(cast):
    """A family whose child the cast's teacher teaches."""
    return make_family(cast, teacher=cast.teacher)


def contact_form_data(fam, **overrides):
    """What the contact form sends for `fam` (a FamilySetup): a good-news call, shared with
    everyone at the school, with its mother, about its child."""
    return good_news_call(**{"parents": [fam.mum.pk], "children": [fam.child.pk], **overrides})
