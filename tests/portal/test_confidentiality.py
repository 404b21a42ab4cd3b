"""One definition of confidentiality (portal.access.levels_open_to): the Python check on one
record and the query filters of contacts and meetings give the same answer for every role,
level, and whether the user wrote the record or is named on it."""

import itertools

import pytest
from django.db import IntegrityError, transaction

from families.models import Contact
from meetings.models import Meeting
from portal import access
from tests import factories

LEVELS = [c.value for c in Contact.Confidentiality]
ROLES = ["teacher", "pastoral", "headteacher"]


@pytest.fixture
def family(cast):
    school_family = factories.SchoolFamilyFactory(school=cast.school, key_contact=cast.teacher)
    return school_family.family


def _reason(level):
    return "" if level == Contact.Confidentiality.SCHOOL else "Shared in confidence."


@pytest.mark.parametrize("role", ROLES)
def test_contacts_the_query_shows_are_the_ones_the_check_allows(cast, family, role):
    user = getattr(cast, role)
    cases = {}
    for level, wrote, named in itertools.product(LEVELS, (True, False), (True, False)):
        contact = factories.ContactFactory(
            school=cast.school,
            family=family,
            staff=user if wrote else cast.headteacher if role != "headteacher" else cast.pastoral,
            confidentiality=level,
            confidentiality_reason=_reason(level),
        )
        if named:
            contact.named_staff.add(user)
        cases[contact.pk] = access.may_see_confidential(
            user,
            cast.school,
            level=level,
            author_id=contact.staff_id,
            named_ids=[user.pk] if named else [],
        )
    shown = set(Contact.objects.readable_by(user, cast.school).values_list("pk", flat=True))
    hidden = set(Contact.objects.hidden_from(user, cast.school).values_list("pk", flat=True))
    assert shown == {pk for pk, allowed in cases.items() if allowed}
    assert hidden == {pk for pk, allowed in cases.items() if not allowed}
    # The rule itself, so the three agreeing is not agreeing on nothing.
    assert (cases and any(cases.values())) and not all(cases.values())


def test_the_database_keeps_a_contact_to_the_three_levels(cast, family):
    """hidden_from lists the levels a user may not read, so an unknown level must not exist:
    it would not count as hidden, and the family list's stored summaries would show it."""
    contact = factories.ContactFactory(school=cast.school, family=family)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(confidentiality="secret")
    contact.refresh_from_db()
    assert contact.confidentiality == Contact.Confidentiality.SCHOOL


@pytest.mark.parametrize("role", ROLES)
def test_meetings_the_query_shows_are_the_ones_the_check_allows(cast, family, role):
    user = getattr(cast, role)
    other = cast.headteacher if role != "headteacher" else cast.pastoral
    cases = {}
    for level, chairs in itertools.product(LEVELS, (True, False)):
        meeting = factories.MeetingFactory(
            school=cast.school,
            family=family,
            chair=user if chairs else other,
            confidentiality=level,
            confidentiality_reason=_reason(level),
        )
        cases[meeting.pk] = access.may_see_confidential(
            user, cast.school, level=level, author_id=meeting.chair_id, named_ids=[]
        )
    shown = set(Meeting.objects.visible_to(user, cast.school).values_list("pk", flat=True))
    assert shown == {pk for pk, allowed in cases.items() if allowed}


def test_who_reads_which_level_whoever_wrote_it(cast):
    assert access.levels_open_to(cast.teacher, cast.school) == ("school",)
    assert access.levels_open_to(cast.pastoral, cast.school) == ("school", "pastoral")
    assert access.levels_open_to(cast.headteacher, cast.school) == ("school", "pastoral")
    assert access.levels_open_to(cast.authority_officer, cast.school) == ()
