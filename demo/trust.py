"""Demo records that show how the portal keeps records trustworthy: a contact withdrawn with its
reason, a correction added beside a contact, and a meeting record a parent disputes.

Idempotent: each is found by its words before it is made. Families and meetings come from
demo.families and demo.meetings; anything missing is skipped.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo.family_cases import CASES
from families.models import Contact, ContactAmendment, SchoolFamily
from families.services import contact_amend, contact_log, contact_withdraw
from meetings.models import Meeting, MeetingAmendment
from meetings.services import meeting_amend

WITHDRAWN_SUMMARY = "Phoned to check the permission form for the museum trip had come back."
WITHDRAWN_REASON = "Logged against the wrong family: the call was with another household."
AMENDMENT_REASON = "Day corrected at Lorna's request."
DISPUTE_REASON = "Dad asked for his view of the meeting to be added to the record."


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _school_family(school_name_part: str, case: str) -> SchoolFamily | None:
    return (
        SchoolFamily.objects.filter(
            school__name__icontains=school_name_part, family__name=CASES[case]
        )
        .select_related("family", "school")
        .first()
    )


def _withdrawn_contact(teacher) -> None:
    sf = _school_family("Castlebrae", "starting_school")
    parent = sf and sf.family.parents.order_by("pk").first()
    if parent is None or Contact.all_objects.filter(summary=WITHDRAWN_SUMMARY).exists():
        return
    contact = contact_log(
        school=sf.school,
        family=sf.family,
        staff=teacher,
        parents=[parent],
        occurred_at=timezone.now() - datetime.timedelta(days=6),
        channel=Contact.Channel.PHONE,
        purpose=Contact.Purpose.INFORMATION,
        summary=WITHDRAWN_SUMMARY,
    )
    contact_withdraw(contact=contact, withdrawn_by=teacher, reason=WITHDRAWN_REASON)


def _corrected_contact(pastoral) -> None:
    sf = _school_family("Castlebrae", "bereavement")
    if sf is None or ContactAmendment.objects.filter(reason=AMENDMENT_REASON).exists():
        return
    contact = Contact.objects.filter(school=sf.school, family=sf.family).order_by("pk").first()
    if contact is None:
        return
    contact_amend(
        contact=contact,
        amended_by=pastoral,
        text="This conversation was on the Thursday afternoon, not the Wednesday.",
        reason=AMENDMENT_REASON,
    )


def _disputed_meeting(pastoral) -> None:
    sf = _school_family("Northfield", "exclusions")
    if sf is None or MeetingAmendment.objects.filter(reason=DISPUTE_REASON).exists():
        return
    meeting = (
        Meeting.objects.filter(school=sf.school, family=sf.family)
        .exclude(summary="")
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        return
    meeting_amend(
        meeting=meeting,
        amended_by=pastoral,
        text="Ryan's dad, Paul, does not agree that the plan was agreed by both parents.",
        reason=DISPUTE_REASON,
        disputed=True,
        parent_view="I was happy with the workshop slots, but I was not asked about Ryan "
        "starting every day in the base. I would like us to talk about that together.",
    )


def load() -> None:
    teacher, pastoral = _user("castlebrae.teacher"), _user("castlebrae.pastoral")
    northfield_pastoral = _user("northfield.pastoral")
    with transaction.atomic():
        if teacher is not None:
            _withdrawn_contact(teacher)
        if pastoral is not None:
            _corrected_contact(pastoral)
        if northfield_pastoral is not None:
            _disputed_meeting(northfield_pastoral)
