"""Writes of the family voice: making and stopping a parent's link, opening it, and the second
check that a person opening a link about a child is the parent it was made for."""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from families.models import ChildParent, ParentCarer, SchoolFamily
from family_voice import tokens
from family_voice.models import (
    ABOUT_A_MEETING,
    CODE_EVERY,
    CODE_LASTS,
    LOCK_FOR,
    MAX_FAILED_CHECKS,
    MAX_WRONG_IN_ALL,
    NEEDS_CHECK,
    SHOWS_A_CHILD,
    ParentLink,
    Purpose,
)
from meetings.models import FollowUp, Meeting, MeetingParent
from portal import access
from portal.lib import mail, records
from portal.models import School


@dataclass
class MadeLink:
    link: ParentLink
    url: str  # the whole address, to copy and send: shown once, never stored
    # For a parent who prefers things spoken: the phone call to go through the summary.
    call: FollowUp | None = None


def link_url(token: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse("family_voice:open", args=[token])


def entitled_children(*, school: School, parent: ParentCarer, meeting: Meeting | None):
    """The children a link may show this parent something about: for a meeting, the meeting's
    own children; otherwise their children at the school. Each must be one they hold parental
    responsibility for with no recorded restriction; see why_no_link."""
    links = ChildParent.objects.filter(parent=parent, child__school=school)
    if meeting is not None and meeting.children.exists():
        links = links.filter(child__in=meeting.children.all())
    return links


def why_no_link(
    *, school: School, parent: ParentCarer, purpose: str, meeting: Meeting | None
) -> str | None:
    """Why this parent may not be given (or may no longer use) a link for this purpose, in
    words; None if they may. Asked when the link is made and again each time it is opened, so a
    restriction recorded later stops it at once."""
    if not SchoolFamily.objects.filter(school=school, family_id=parent.family_id).exists():
        return "This parent or carer's family is not on this school's roll."
    if purpose in SHOWS_A_CHILD:
        links = entitled_children(school=school, parent=parent, meeting=meeting)
        any_links = ChildParent.objects.filter(parent=parent, child__school=school)
        if any_links.exclude(restriction="").exists():
            return (
                f"{parent.full_name} has a recorded restriction, and this link would show "
                "them something about a child. Talk to the pastoral lead about what they may "
                "be told."
            )
        # Every child the meeting is about (or, with none named or no meeting, one child).
        about = (meeting.children.count() if meeting is not None else 0) or 1
        if (
            links.filter(parental_responsibility=True).count() < about
            or links.filter(parental_responsibility=False).exists()
        ):
            return (
                f"{parent.full_name} does not hold parental responsibility for "
                + ("every child this meeting is about" if meeting else "a child at this school")
                + ", and this link would show them something about a child."
            )
    if (
        purpose in NEEDS_CHECK
        and not parent.email
        and not (purpose in SHOWS_A_CHILD and school.parent_check_by_birth_date)
    ):
        return (
            f"{parent.full_name} has no e-mail address for the code that confirms it is "
            "them"
            + (
                ", and the school does not use a child's date of birth instead"
                if purpose in SHOWS_A_CHILD
                else ""
            )
            + ". Add their e-mail address first."
        )
    if purpose in ABOUT_A_MEETING:
        if meeting is None:
            return "Choose the meeting this link is about."
        if meeting.withdrawn_at is not None:
            return "This meeting was withdrawn from the record."
        invited = MeetingParent.objects.filter(meeting=meeting, parent=parent).exclude(
            response=MeetingParent.Response.NOT_INVITED
        )
        if not invited.exists():
            return f"{parent.full_name} is not invited to this meeting."
    return None


@transaction.atomic
def link_create(
    *,
    school: School,
    parent: ParentCarer,
    purpose: str,
    created_by,
    meeting: Meeting | None = None,
    until: datetime.datetime | None = None,
) -> MadeLink:
    """A new link for one parent or carer and one purpose, lasting the school's number of days
    (or `until`, e.g. the end of a parents' evening). Refused (ValidationError, with the reason)
    where the parent may not be given it."""
    if meeting is not None and (
        meeting.school_id != school.pk or meeting.family_id != parent.family_id
    ):
        raise ValidationError("That meeting is not this family's.")
    if purpose not in Purpose.values:
        raise ValidationError("Choose what the link is for.")
    if purpose not in ABOUT_A_MEETING:
        meeting = None
    reason = why_no_link(school=school, parent=parent, purpose=purpose, meeting=meeting)
    if reason:
        raise ValidationError(reason)
    secret, digest = tokens.new_secret()
    link = ParentLink(
        school=school,
        family_id=parent.family_id,
        parent=parent,
        purpose=purpose,
        meeting=meeting,
        digest=digest,
        created_by=created_by,
        expires_at=until or timezone.now() + datetime.timedelta(days=school.parent_link_days),
    )
    records.history_by(link, created_by)
    link.save()
    call = _call_to_read_it(link) if purpose == Purpose.SUMMARY and meeting else None
    return MadeLink(link=link, url=link_url(tokens.make(link.pk, secret)), call=call)


SPOKEN = (ParentCarer.Reading.SPOKEN, ParentCarer.Reading.SUPPORT)


def _call_to_read_it(link: ParentLink) -> FollowUp | None:
    """For a parent who prefers things spoken (or read with them), a summary sent by link is
    also a phone call for their key contact (else the meeting's chair) to go through it:
    one open call per meeting, due the next day."""
    meeting = link.meeting
    if meeting is None or link.parent.reading not in SPOKEN:
        return None
    owner_id = (
        SchoolFamily.objects.filter(school=link.school, family_id=link.family_id)
        .values_list("key_contact_id", flat=True)
        .first()
    ) or meeting.chair_id
    if owner_id is None:
        return None
    open_call = FollowUp.objects.filter(
        meeting=meeting, owner_id=owner_id, channel=FollowUp.Channel.PHONE, done_at__isnull=True
    ).first()
    if open_call is not None:
        return open_call
    return FollowUp.objects.create(
        meeting=meeting,
        owner_id=owner_id,
        channel=FollowUp.Channel.PHONE,
        due_on=timezone.localdate() + datetime.timedelta(days=1),
    )


@transaction.atomic
def link_revoke(*, link: ParentLink, by) -> ParentLink:
    """Stops a link for good (it then opens nothing); the record of it stays."""
    link = ParentLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = by
        records.history_by(link, by)
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def why_closed(link: ParentLink) -> str | None:
    """Why a link that has not run out may still not be used now (the rules it was made under
    no longer hold, e.g. a restriction recorded since); None if it may."""
    return why_no_link(
        school=link.school, parent=link.parent, purpose=link.purpose, meeting=link.meeting
    )


def link_for_token(token: str) -> ParentLink | None:
    """The link a token opens, if it was made by us, unchanged and its link still exists;
    whether it is still working is for the caller (ParentLink.state)."""
    found = tokens.read(token)
    if found is None:
        return None
    link_id, secret = found
    link = (
        ParentLink.objects.select_related("school", "parent", "family", "meeting")
        .filter(pk=link_id)
        .first()
    )
    if link is None or not tokens.matches(secret, link.digest):
        return None
    return link


@transaction.atomic
def link_opened(link: ParentLink) -> None:
    """Counts an opening of the link (kept in its history for the audit page)."""
    now = timezone.now()
    ParentLink.objects.filter(pk=link.pk).select_for_update().first()
    link.refresh_from_db(fields=["times_opened", "first_opened_at"])
    link.first_opened_at = link.first_opened_at or now
    link.last_opened_at = now
    link.times_opened += 1
    records.history_by(link, None)  # the parent, through their link: never a staff member
    link.save(update_fields=["first_opened_at", "last_opened_at", "times_opened"])


def may_use_birth_date(link: ParentLink) -> bool:
    return link.school.parent_check_by_birth_date and link.purpose in SHOWS_A_CHILD


def may_use_code(link: ParentLink) -> bool:
    return bool(link.parent.email)


@transaction.atomic
def code_send(link: ParentLink) -> bool:
    """E-mails a new 6-digit code to the parent for the second check (it replaces any earlier
    one); False if they have no e-mail address or a code went less than a minute ago."""
    link = ParentLink.objects.select_for_update().select_related("school", "parent").get(pk=link.pk)
    now = timezone.now()
    if not may_use_code(link) or (link.code_sent_at and now - link.code_sent_at < CODE_EVERY):
        return False
    code, digest = tokens.new_code(link.pk)
    link.code_digest, link.code_sent_at = digest, now
    records.history_by(link, None)
    link.save(update_fields=["code_digest", "code_sent_at"])
    mail.send_templated(
        template="family_voice/code_email",
        to=link.parent.email,
        context={"code": code, "school_name": link.school.name, "minutes": 15},
    )
    return True


@transaction.atomic
def check_answer(link: ParentLink, *, birth_date=None, code: str = "") -> bool:
    """Whether the answer to the second check is right: the code last sent (while it lasts),
    or, where the school allows it, the date of birth of a child this parent holds parental
    responsibility for. Five wrong answers in a row lock the link for an hour."""
    link = ParentLink.objects.select_for_update().select_related("school", "parent").get(pk=link.pk)
    now = timezone.now()
    if link.state(now) != "open":
        return False
    if why_closed(link):
        return False
    right = False
    records.history_by(link, None)  # the parent, through their link
    if code and link.code_digest and link.code_sent_at and now - link.code_sent_at <= CODE_LASTS:
        right = hmac.compare_digest(tokens.code_digest(link.pk, code.strip()), link.code_digest)
    elif birth_date is not None and may_use_birth_date(link):
        right = (
            entitled_children(school=link.school, parent=link.parent, meeting=link.meeting)
            .filter(parental_responsibility=True, child__date_of_birth=birth_date)
            .exists()
        )
    if right:
        link.failed_checks = 0
        link.code_digest = ""
        link.save(update_fields=["failed_checks", "code_digest"])
        return True
    link.failed_checks += 1
    link.wrong_answers += 1
    if link.wrong_answers >= MAX_WRONG_IN_ALL:
        # Someone is guessing, an hour at a time: the link stops for good.
        link.revoked_at = now
    elif link.failed_checks >= MAX_FAILED_CHECKS:
        link.locked_until = now + LOCK_FOR
        link.failed_checks = 0
    link.save(update_fields=["failed_checks", "wrong_answers", "locked_until", "revoked_at"])
    return False


def may_stop(user, link: ParentLink) -> bool:
    """Who may stop a link: whoever made it, pastoral staff and the headteacher."""
    return access.may_withdraw_record(user, link.school, author_ids=[link.created_by_id])
