"""Shared by the family-voice tests: a family with two parents and a meeting, making a link,
and a phone that has passed a link's second check (through the real code e-mail)."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from family_voice import services
from family_voice.models import Purpose
from meetings.models import ActionPoint, Meeting
from tests import factories

BORN = datetime.date(2016, 9, 14)


@pytest.fixture
def fam(cast):
    """(school_family, mum, dad, meeting): Isla Rowan's family; mum is invited to a meeting
    chaired by the pastoral lead."""
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Rowan")
    family = school_family.family
    child = factories.ChildFactory(
        school=cast.school, family=family, first_name="Isla", date_of_birth=BORN
    )
    mum = factories.ParentCarerFactory(
        family=family, first_name="Ailsa", last_name="Rowan", email="ailsa@example.org"
    )
    dad = factories.ParentCarerFactory(
        family=family, first_name="Euan", last_name="Rowan", email="euan@example.org"
    )
    factories.ChildParentFactory(child=child, parent=mum)
    factories.ChildParentFactory(child=child, parent=dad, relationship="father")
    meeting = factories.MeetingFactory(school=cast.school, family=family, chair=cast.pastoral)
    meeting.children.add(child)
    factories.MeetingParentFactory(meeting=meeting, parent=mum)
    return school_family, mum, dad, meeting


def make_link(cast, parent, purpose=Purpose.COMPASS, meeting=None, by=None):
    """A new link (services.MadeLink: .link and .url)."""
    return services.link_create(
        school=cast.school,
        parent=parent,
        purpose=purpose,
        meeting=meeting,
        created_by=by or cast.pastoral,
    )


def _evening_for(cast, parent):
    """A parents' evening next week, open for booking, with the headteacher, the parent invited
    for their children."""
    from evenings import services as evening_services
    from evenings.models import Evening, Invitation, Sitting

    now = timezone.now()
    day = timezone.localdate() + datetime.timedelta(days=7)
    evening = evening_services.evening_save(
        evening=Evening(
            school=cast.school,
            name="Parents' evening",
            opens_at=now - datetime.timedelta(days=1),
            changes_until=now + datetime.timedelta(days=5),
        ),
        by=cast.headteacher,
    )
    evening_services.taking_set(
        evening=evening, staff=[cast.headteacher], for_everyone=[cast.headteacher]
    )
    evening_services.sitting_add(
        evening=evening,
        sitting=Sitting(
            starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 30))),
            ends_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0))),
        ),
    )
    invitation = Invitation.objects.create(
        evening=evening, family_id=parent.family_id, parent=parent
    )
    invitation.children.set([cp.child for cp in parent.child_links.all()])


def links_of_each_purpose(cast, school_family, parent, coming):
    """{purpose: MadeLink} for one parent: views before the coming meeting, the summary of one
    held last week (with a step the parent owns), their details, how they see things, and
    booking a parents' evening they are invited to."""
    _evening_for(cast, parent)
    held = factories.MeetingFactory(
        school=cast.school,
        family=school_family.family,
        chair=cast.pastoral,
        starts_at=timezone.now() - datetime.timedelta(days=7),
        status=Meeting.Status.HELD,
        held_at=timezone.now() - datetime.timedelta(days=7),
        summary="We agreed to try a new morning routine, and to talk again in a month.",
    )
    held.children.set(coming.children.all())
    factories.MeetingParentFactory(meeting=held, parent=parent)
    ActionPoint.objects.create(
        meeting=held,
        what="Try the new morning routine for a week",
        owner_kind=ActionPoint.OwnerKind.PARENT,
        owner_parent=parent,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    return {
        purpose: make_link(cast, parent, purpose, held if purpose == Purpose.SUMMARY else coming)
        for purpose in Purpose.values
    }


@pytest.fixture
def links(cast, fam):
    """A link of each purpose for Ailsa (links_of_each_purpose)."""
    school_family, mum, _dad, coming = fam
    return links_of_each_purpose(cast, school_family, mum, coming)


def link_path(url: str) -> str:
    """The path of a link's full address (what a test client gets)."""
    return url.split("localhost:8000", 1)[-1] if "://" in url else url


def pass_check(client, url: str):
    """Answers the link's second check on this client with the code e-mailed to the parent;
    returns the link's page as the parent then sees it."""
    path = link_path(url)
    client.post(path + "check/", {"send_code": "1"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    answered = client.post(path + "check/", {"code": code})
    assert answered.status_code == 302, answered.content[:500]
    return client.get(path)
