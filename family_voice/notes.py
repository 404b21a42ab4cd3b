"""The home–school note, both ways: a parent writes to their key contact through any of their
links, and staff answer from the family page. Each note is also a contact in the family's
chronology (channel "Note through the parent's link"), counted in the balance.

A parent's note is held through staff quiet hours (School.quiet_ends) before anyone is told of
it: on the key contact's home page, and by an e-mail sent by `manage.py tell_staff_of_notes`.
Pastoral staff may keep a note that raises a worry to fewer people (its contact's
confidentiality); who may then read its words is the contact's rule, everywhere.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from families.models import Contact, Level, ParentCarer, SchoolFamily, Tone
from families.services import _contact_check, _summary_refresh_one, contact_edit, contact_log
from family_voice.models import HomeSchoolNote as Note
from family_voice.models import ParentLink, Purpose
from meetings.models import Meeting
from portal import access
from portal.lib import mail, records
from portal.lib.words import staff_name
from portal.models import School

logger = logging.getLogger(__name__)

MAX_WORDS = Note._meta.get_field("words").max_length or 2000
# The same words from the same parent within this long are one note sent twice (a double tap,
# a page sent again), kept once.
SENT_TWICE_WITHIN = datetime.timedelta(minutes=10)
# Links whose meeting a parent's note is about (a reply to a summary, or before a meeting).
MEETING_PURPOSES = frozenset({Purpose.SUMMARY, Purpose.VIEWS})
# The levels a note can be moved to (Contact.Confidentiality, less than the whole school).
CONFIDENTIAL_LEVELS = (Contact.Confidentiality.PASTORAL, Contact.Confidentiality.NAMED)


class NobodyToRead(Exception):
    """The family has no key contact here and the school names no pastoral lead: a note would
    reach no one, so the parent is asked to phone instead."""


@dataclass(frozen=True)
class Reader:
    """Who reads a parent's note: their key contact, or else the school's pastoral lead."""

    user: Any  # the member of staff (a User)
    is_key_contact: bool

    @property
    def name(self) -> str:
        return staff_name(self.user)


def note_reader(*, school: School, family_id: int) -> Reader | None:
    """Who a parent of this family writes to at this school; None if nobody."""
    row = (
        SchoolFamily.objects.filter(school=school, family_id=family_id)
        .select_related("key_contact")
        .first()
    )
    key_contact = row.key_contact if row is not None else None
    if (
        key_contact is not None
        and key_contact.is_active
        and access.works_with_families(key_contact, school)
    ):
        return Reader(user=key_contact, is_key_contact=True)
    lead = school.pastoral_lead
    if lead is not None and lead.is_active and access.is_pastoral_lead(lead, school):
        return Reader(user=lead, is_key_contact=False)
    return None


def _clean_words(words: str) -> str:
    words = (words or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not words:
        raise ValidationError({"words": "Write the note first."})
    if len(words) > MAX_WORDS:
        raise ValidationError(
            {"words": f"Please keep a note to {MAX_WORDS} characters (it has {len(words)})."}
        )
    return words


def _level(school: School, family_id: int) -> str:
    """The family's communication level here (general until it is first placed)."""
    level = (
        SchoolFamily.objects.filter(school=school, family_id=family_id)
        .values_list("current_level", flat=True)
        .first()
    )
    return level if level in Level.values else Level.GENERAL


@transaction.atomic
def note_from_parent(*, link: ParentLink, words: str) -> Note:
    """A parent's note through their link, to their key contact (or the pastoral lead), and
    its contact in the chronology, in the parent's own words. Raises NobodyToRead if nobody
    here would read it, ValidationError for empty or too long words. The same words sent
    twice within a few minutes are kept once."""
    words = _clean_words(words)
    school, parent = link.school, link.parent
    ParentLink.objects.select_for_update().filter(pk=link.pk).first()  # one note at a time
    now = timezone.now()
    earlier = (
        Note.objects.filter(
            school=school,
            parent=parent,
            written_by=Note.From.PARENT,
            words=words,
            written_at__gte=now - SENT_TWICE_WITHIN,
        )
        .order_by("-written_at")
        .first()
    )
    if earlier is not None:
        return earlier
    reader = note_reader(school=school, family_id=link.family_id)
    if reader is None:
        raise NobodyToRead
    contact = Contact(
        school=school,
        family=link.family,
        staff=reader.user,
        occurred_at=now,
        channel=Contact.Channel.LINK,
        initiated_by=Contact.InitiatedBy.FAMILY,
        tone=Tone.NEUTRAL,
        formality=Contact.Formality.INFORMAL,
        level=_level(school, link.family_id),
        purpose=Contact.Purpose.OTHER,
        summary=words,
    )
    # A note about a meeting kept to some staff is kept to the same staff (it may speak of
    # what the meeting is about); the one it is written to reads it too.
    meeting = link.meeting if link.purpose in MEETING_PURPOSES else None
    named: list = []
    if meeting is not None and meeting.confidentiality != Contact.Confidentiality.SCHOOL:
        contact.confidentiality = meeting.confidentiality
        contact.confidentiality_reason = (
            "About a meeting kept confidential"
            + (f": {meeting.confidentiality_reason}" if meeting.confidentiality_reason else "")
        )[:300]
        if meeting.confidentiality == Contact.Confidentiality.NAMED:
            named = list(
                {u.pk: u for u in [meeting.chair, reader.user, *meeting.staff.all()] if u}.values()
            )
    # contact_log would name the key contact as the record's author; the parent wrote it.
    _contact_check(contact, parents=[parent], children=[], named_staff=named)
    records.history_by(contact, None)
    contact.save()
    contact.parents.set([parent])
    if named:
        contact.named_staff.set(named)
    _summary_refresh_one(school=school, family=link.family)
    note = Note(
        school=school,
        family_id=link.family_id,
        parent=parent,
        link=link,
        written_by=Note.From.PARENT,
        staff=reader.user,
        meeting=meeting,
        words=words,
        written_at=now,
        contact=contact,
        tell_after=school.quiet_ends(now) or now,
    )
    note.full_clean(exclude=["school", "family", "parent", "link", "staff", "meeting", "contact"])
    records.history_by(note, None)  # the parent, through their link: never a staff member
    note.save()
    return note


@transaction.atomic
def note_reply(
    *,
    school_family: SchoolFamily,
    parent: ParentCarer,
    staff,
    words: str,
    meeting: Meeting | None = None,
) -> Note:
    """A member of staff's answer to a parent, shown to them the next time they open a link
    that shows their notes; a contact started by the school in the chronology. Nothing is sent
    to the parent by this."""
    words = _clean_words(words)
    school = school_family.school
    if parent.family_id != school_family.family_id:
        raise ValidationError({"parent": "Only this family's parents and carers can be answered."})
    now = timezone.now()
    contact = contact_log(
        school=school,
        family=school_family.family,
        staff=staff,
        parents=[parent],
        occurred_at=now,
        channel=Contact.Channel.LINK,
        initiated_by=Contact.InitiatedBy.SCHOOL,
        tone=Tone.NEUTRAL,
        formality=Contact.Formality.INFORMAL,
        level=_level(school, school_family.family_id),
        purpose=Contact.Purpose.OTHER,
        summary=words,
    )
    note = Note(
        school=school,
        family_id=school_family.family_id,
        parent=parent,
        written_by=Note.From.SCHOOL,
        staff=staff,
        meeting=meeting,
        words=words,
        written_at=now,
        contact=contact,
    )
    note.full_clean(exclude=["school", "family", "parent", "link", "staff", "meeting", "contact"])
    records.history_by(note, staff)
    note.save()
    # Answering a parent's notes is reading them.
    notes_read(school=school, family_id=school_family.family_id, user=staff, parent=parent)
    return note


def notes_read(*, school: School, family_id: int, user, parent=None, ids=None) -> int:
    """Marks the parents' notes to `user` in this family as read (those of one parent, or
    the ids given, if asked); returns how many were new. A queryset update: reading is
    bookkeeping, not a change to the note."""
    unread = Note.objects.filter(
        school=school,
        family_id=family_id,
        staff=user,
        written_by=Note.From.PARENT,
        read_at__isnull=True,
    )
    if parent is not None:
        unread = unread.filter(parent=parent)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def thread_for(link: ParentLink, *, limit: int = 20) -> list[Note]:
    """This parent's notes with the school and the school's answers to them, newest first;
    the answers they had not seen before are marked `is_new` and noted as seen now."""
    # Each note is given `is_new` for the page.
    notes: list[Any] = list(
        Note.objects.filter(school=link.school, family_id=link.family_id, parent=link.parent)
        # An answer withdrawn by staff (sent to the wrong parent, say) is taken back.
        .exclude(contact__withdrawn_at__isnull=False)
        .select_related("staff")
        .order_by("-written_at", "-pk")[:limit]
    )
    unseen = [n.pk for n in notes if n.written_by == Note.From.SCHOOL and n.read_at is None]
    for note in notes:
        note.is_new = note.pk in unseen
    if unseen:
        Note.objects.filter(pk__in=unseen, read_at__isnull=True).update(read_at=timezone.now())
    return notes


@transaction.atomic
def note_make_confidential(*, note: Note, by, level: str, reason: str) -> Note:
    """Keeps a note (its contact) to the pastoral team, or to named staff only (the one who
    moves it is named), with the reason; kept in the contact's history. Who may do it is the
    view's rule (a reader of the pastoral team's records)."""
    if level not in CONFIDENTIAL_LEVELS:
        raise ValidationError({"level": "Choose who may see this note."})
    if note.contact_id is None:
        raise ValidationError("This note has no record in the chronology to keep confidential.")
    contact = Contact.objects.select_for_update().filter(pk=note.contact_id).first()
    if contact is None:
        raise ValidationError("This note's record has been withdrawn.")
    named = list(contact.named_staff.all())
    if level == Contact.Confidentiality.NAMED and by not in named:
        named.append(by)
    contact_edit(
        contact=contact,
        editor=by,
        parents=list(contact.parents.all()),
        children=list(contact.children.all()),
        named_staff=named,
        confidentiality=level,
        confidentiality_reason=reason,
    )
    note.contact = contact
    return note


def notes_to_tell(now: datetime.datetime | None = None) -> QuerySet[Note]:
    """Parents' notes past quiet hours whose reader has not been told of them yet."""
    return Note.objects.filter(
        written_by=Note.From.PARENT,
        told_at__isnull=True,
        tell_after__lte=now or timezone.now(),
    )


def note_tell(note_id: int, *, now: datetime.datetime | None = None) -> bool:
    """E-mails the reader of one parent's note that a parent has written (no name of a child
    and nothing of what was written: only a link to the family page), once; False if it was
    told already, is not due, or another worker holds it."""
    now = now or timezone.now()
    with transaction.atomic():
        note = (
            notes_to_tell(now)
            .filter(pk=note_id)
            .select_related("staff", "school")
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if note is None:
            return False
        if note.staff.email and note.staff.is_active:
            page = reverse("families:family-detail", args=[note.family_id]) + "#notes"
            mail.send_templated(
                template="family_voice/staff_note_email",
                to=note.staff.email,
                context={
                    "greeting_name": note.staff.first_name or staff_name(note.staff),
                    "school_name": note.school.name,
                    "family_id": note.family_id,
                    "link": settings.PORTAL_URL.rstrip("/") + page,
                },
            )
        # Told, or nobody to e-mail (the home page still shows it): not tried again either way.
        Note.objects.filter(pk=note.pk).update(told_at=now)
    return True


def notes_tell_staff(*, now: datetime.datetime | None = None) -> tuple[int, list[int]]:
    """Tells each reader of the parents' notes now due (see note_tell); returns how many were
    told and the ids of the notes whose e-mail failed. Each note in its own transaction: a
    failed e-mail leaves that note to be tried again next time, and the others told."""
    now = now or timezone.now()
    told, failed = 0, []
    for note_id in notes_to_tell(now).order_by("tell_after", "pk").values_list("pk", flat=True):
        try:
            if note_tell(note_id, now=now):
                told += 1
        except Exception:  # the mail server, most likely: log it, try the next note
            logger.exception("Could not tell staff of note %s", note_id)
            failed.append(note_id)
    return told, failed
