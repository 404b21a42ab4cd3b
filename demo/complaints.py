"""Two demo complaints at Castlebrae: one resolved after a meeting, with what changed shared
back; one open, waiting for the class teacher's personal reply.

Runs after demo.families and uses its families (the first by name that each member of staff is
key contact for, so the choice is the same every time). Safe to run again: nothing changes.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from complaints.models import Complaint
from families.models import SchoolFamily
from meetings.models import Meeting, MeetingParent
from portal.models import School

from .schools import SCHOOLS

SCHOOL_KEY = "castlebrae"

RESOLVED = {
    "about": (
        "Her son was kept in at lunchtime on two days and she only heard about it from him "
        "at bedtime. She wanted to know why, and to have been told by the school."
    ),
    "received_how": Complaint.Received.IN_PERSON,
    "what_would_help": "Being told on the same day, and a chance to talk it over with the "
    "class teacher.",
    "school_can_offer": "A call from the class teacher on the day, and a short meeting with "
    "the home–school link worker present.",
    "apology_given": True,
    "apology": "The headteacher said sorry in person that the family had not been told.",
    "reply": (
        "Thank you for coming in to tell us. You were right that you should have heard from "
        "us first. We talked with the class teacher, and from now on you will get a call the "
        "same day if anything like this happens. Please ask for me if anything else worries "
        "you."
    ),
    "outcome": "Talked it through at a meeting; the family is happy with the new arrangement.",
    "what_changed": "Class teachers now phone or text the parent on the same day whenever a "
    "child misses any part of lunchtime. This is written into the staff handbook.",
    "what_changed_shareable": True,
    "status": Complaint.Status.RESOLVED,
}

OPEN = {
    "about": (
        "Homework instructions come home on Thursday for Friday, which does not work around "
        "her shift pattern; and the reading book has not been changed for three weeks."
    ),
    "received_how": Complaint.Received.PHONE,
    "what_would_help": "The week's homework set on a Monday, and a new reading book each week.",
    "school_can_offer": "A homework plan for the week on Mondays; the class teacher to check "
    "the reading book rota.",
    "status": Complaint.Status.OPEN,
}


def _first_parent(family):
    return family.parents.order_by("last_name", "first_name", "pk").first()


def _save_new(school, family, point_of_contact, fields, *, received_at, **extra):
    if Complaint.objects.filter(school=school, about=fields["about"]).exists():
        return
    parent = _first_parent(family)
    complaint = Complaint(
        school=school,
        family=family,
        raised_by=parent,
        raised_by_name="" if parent else "A parent",
        point_of_contact=point_of_contact,
        received_at=received_at,
        created_by=point_of_contact,
        **fields,
        **extra,
    )
    complaint.full_clean()
    complaint.save()


def _family_kept_by(school, user):
    """The first family (by name) this member of staff is key contact for, with a parent."""
    link = (
        SchoolFamily.objects.filter(school=school, key_contact=user, family__parents__isnull=False)
        .select_related("family")
        .order_by("family__name", "pk")
        .first()
    )
    return link.family if link else None


def _resolution_meeting(school, family, chair, parent, *, received_at):
    """The held meeting the resolved complaint led to, created once."""
    starts_at = (received_at + datetime.timedelta(days=6)).replace(hour=15, minute=30)
    meeting, created = Meeting.objects.get_or_create(
        school=school,
        family=family,
        kind=Meeting.Kind.COMPLAINT_RESOLUTION,
        defaults={
            "purpose": "To talk through the lunchtimes and agree how the family will be told.",
            "starts_at": starts_at,
            "duration_minutes": 30,
            "place_kind": Meeting.Place.SCHOOL_ROOM,
            "place_details": "The family room",
            "chair": chair,
            "created_by": chair,
            "status": Meeting.Status.HELD,
            "held_at": starts_at,
            "summary": "We listened, apologised that the family had not been told, and agreed "
            "that the class teacher will call the same day from now on.",
        },
    )
    if created:
        meeting.full_clean()
        if parent is not None:
            MeetingParent.objects.create(
                meeting=meeting,
                parent=parent,
                response=MeetingParent.Response.ATTENDING,
                attended=True,
            )
    return meeting


@transaction.atomic
def load() -> None:
    school = School.objects.filter(name=SCHOOLS[SCHOOL_KEY][0]).first()
    if school is None:
        return
    users = get_user_model().objects.in_bulk(
        [f"{SCHOOL_KEY}.pastoral", f"{SCHOOL_KEY}.teacher"], field_name="username"
    )
    pastoral = users.get(f"{SCHOOL_KEY}.pastoral")
    teacher = users.get(f"{SCHOOL_KEY}.teacher")
    if pastoral is None or teacher is None:
        return
    # Each complaint goes to the member of staff the family already knows as key contact.
    resolved_family = _family_kept_by(school, pastoral)
    open_family = _family_kept_by(school, teacher)
    if resolved_family is None or open_family is None:
        return  # no demo families loaded: nothing to complain about
    now = timezone.now().replace(minute=0, second=0, microsecond=0)

    received = now - datetime.timedelta(days=30)
    if not Complaint.objects.filter(school=school, about=RESOLVED["about"]).exists():
        meeting = _resolution_meeting(
            school, resolved_family, pastoral, _first_parent(resolved_family), received_at=received
        )
        _save_new(
            school,
            resolved_family,
            pastoral,
            RESOLVED,
            received_at=received,
            first_response_at=received + datetime.timedelta(hours=5),
            replied_on=(received + datetime.timedelta(days=2)).date(),
            what_changed_shared_on=(received + datetime.timedelta(days=9)).date(),
            meeting=meeting,
        )
    received = now - datetime.timedelta(days=3)
    _save_new(
        school,
        open_family,
        teacher,
        OPEN,
        received_at=received,
        first_response_at=received + datetime.timedelta(hours=20),
    )
