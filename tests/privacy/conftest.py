"""A family whose two children left Riverside Primary in July 2024, with a record of each kind."""

import datetime
from dataclasses import dataclass

import pytest
import time_machine

from families.models import Contact
from tests import factories

LEFT = datetime.date(2024, 7, 1)


@dataclass
class LeftFamily:
    school_family: object
    older: object
    younger: object
    mum: object
    dad: object
    contact: object
    private_contact: object
    meeting: object
    complaint: object

    @property
    def family(self):
        return self.school_family.family


@pytest.fixture
def left_family(cast):
    """Everything recorded in spring 2024; both children left on 1 July 2024."""
    with time_machine.travel(datetime.datetime(2024, 3, 1, 10, tzinfo=datetime.UTC), tick=False):
        school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Oak")
        family = school_family.family
        older = factories.ChildFactory(
            school=cast.school, family=family, date_of_birth=datetime.date(2012, 5, 1)
        )
        younger = factories.ChildFactory(
            school=cast.school, family=family, date_of_birth=datetime.date(2015, 9, 1)
        )
        mum = factories.ParentCarerFactory(family=family, first_name="Morag", last_name="Oak")
        dad = factories.ParentCarerFactory(family=family, first_name="Duncan", last_name="Oak")
        for child in (older, younger):
            factories.ChildParentFactory(child=child, parent=mum)
            factories.ChildParentFactory(
                child=child, parent=dad, relationship="father", lives_with_child=False
            )
        contact = factories.ContactFactory(
            school=cast.school, family=family, staff=cast.teacher, summary="Good news call."
        )
        contact.parents.add(mum)
        contact.children.add(older)
        private = factories.ContactFactory(
            school=cast.school,
            family=family,
            staff=cast.pastoral,
            summary="Worry shared in confidence.",
            confidentiality=Contact.Confidentiality.PASTORAL,
            confidentiality_reason="Shared in confidence.",
        )
        private.parents.add(mum)
        meeting = factories.MeetingFactory(school=cast.school, family=family, chair=cast.pastoral)
        factories.MeetingParentFactory(meeting=meeting, parent=mum)
        factories.ActionPointFactory(meeting=meeting)
        complaint = factories.ComplaintFactory(
            school=cast.school, family=family, raised_by=mum, point_of_contact=cast.headteacher
        )
    older.left_on = younger.left_on = LEFT
    older.save()
    younger.save()
    return LeftFamily(
        school_family=school_family,
        older=older,
        younger=younger,
        mum=mum,
        dad=dad,
        contact=contact,
        private_contact=private,
        meeting=meeting,
        complaint=complaint,
    )
