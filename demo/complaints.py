"""Two demo complaints at Castlebrae: one resolved, with what changed shared back; one open.

Runs after demo.families and demo.meetings and uses their families (the first ones by name,
so the choice is the same every time). Safe to run again: existing complaints are left alone.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from families.models import SchoolFamily
from meetings.models import Complaint, Meeting
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


@transaction.atomic
def load() -> None:
    school = School.objects.filter(name=SCHOOLS[SCHOOL_KEY][0]).first()
    if school is None:
        return
    links = list(
        SchoolFamily.objects.filter(school=school)
        .select_related("family")
        .order_by("family__name", "pk")[:2]
    )
    if len(links) < 2:
        return  # no demo families loaded: nothing to complain about
    users = get_user_model().objects.in_bulk(
        [f"{SCHOOL_KEY}.pastoral", f"{SCHOOL_KEY}.teacher"], field_name="username"
    )
    pastoral, teacher = users[f"{SCHOOL_KEY}.pastoral"], users[f"{SCHOOL_KEY}.teacher"]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)

    # The resolved complaint belongs with the demo's complaint-resolution meeting, if any.
    meeting = (
        Meeting.objects.filter(school=school, kind=Meeting.Kind.COMPLAINT_RESOLUTION)
        .order_by("pk")
        .first()
    )
    resolved_family = meeting.family if meeting else links[0].family
    open_family = next(link.family for link in links if link.family != resolved_family)

    received = now - datetime.timedelta(days=30)
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
