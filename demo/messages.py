"""A few demo messages to parents and carers at Castlebrae, one of each thing the outbox shows:
a good-news e-mail that was sent (and so is a contact in the family's chronology), an e-mail
held for the school's quiet hours, an e-mail that failed (with why, in words), a phone call to
make for a parent who prefers things spoken, and two letters for the office to print (one in
Arabic, with the parent's link).

The words come from the portal's templates (reaching_out's data migration), filled in for each
parent as a sender would see them. Idempotent: each message has a fixed reference and is made
once; anything whose family or template is missing is left out. Nothing is handed to a mail
server here: the held e-mail goes when the worker next runs after quiet hours.
"""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from demo.family_cases import CASES
from families.models import ChildParent, ParentCarer
from portal.lib import records
from portal.models import School
from reaching_out import planning, services
from reaching_out.models import Channel, Kind, Message

SCHOOL_NAME = "Castlebrae Primary School"
NAMESPACE = uuid.UUID("6f1d8a52-3c1e-4d0e-9a51-19d2c0a4e019")
State = Message.State


def _reference(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"demo-message-{key}")


def _user(suffix: str):
    return get_user_model().objects.filter(username=f"castlebrae.{suffix}").first()


def _parent(family_name: str, first_name: str) -> ParentCarer | None:
    return (
        ParentCarer.objects.filter(family__name=family_name, first_name=first_name)
        .order_by("pk")
        .first()
    )


def _children(parent: ParentCarer, school: School):
    return [
        link.child
        for link in parent.child_links.select_related("child").order_by("child__first_name")
        if link.child.school_id == school.pk
    ]


def _message(key, *, school, sender, parent, kind, channel, news="", **fields) -> Message | None:
    """One demo message in the state given, with the words the sender would have seen; None
    when it exists already or cannot be made (no family, no words)."""
    if parent is None or sender is None:
        return None
    reference = _reference(key)
    if Message.objects.filter(reference=reference).exists():
        return None
    children = _children(parent, school)
    if kind == Kind.GOOD_NEWS:
        children = children[:1]  # good news names one child's own news
    if not children:
        return None
    try:
        result = services.drafting(
            school=school,
            sender=sender,
            kind=kind,
            parents=[parent],
            children=children,
            words=news,
            chosen={parent.pk: channel},
        )
    except ValidationError:
        return None  # no words for this kind (the templates are not loaded)
    if not result.drafts:
        return None
    draft = result.drafts[0]
    fields.setdefault("send_after", timezone.now())
    message = Message(
        reference=reference,
        school=school,
        family_id=parent.family_id,
        parent=parent,
        kind=kind,
        channel=channel,
        language=draft.plan.language,
        subject=draft.subject[:200],
        body=draft.text if channel == Channel.TEXT else draft.body,
        to={
            Channel.EMAIL: parent.email,
            Channel.TEXT: parent.phone,
            Channel.CALL: parent.phone,
            Channel.LETTER: parent.postal_address,
        }[channel],
        sent_by=sender,
        interpreter_line=planning.needs_interpreter_line(parent, draft.plan.language),
        **fields,
    )
    records.history_by(message, sender)
    message.save()
    message.children.set(draft.children)
    return message


def _sent_good_news(school):
    """Good news to Ellie's mum by e-mail, sent: a positive contact in the chronology."""
    parent = _parent(CASES["starting_school"], "Shona")
    message = _message(
        "good-news-sent",
        school=school,
        sender=_user("pastoral"),
        parent=parent,
        kind=Kind.GOOD_NEWS,
        channel=Channel.EMAIL,
        news="Ellie hung up her coat and found her own peg every morning this week, and she "
        "was smiling when she came in.",
        state=State.SENDING,
        attempts=1,
        claimed_at=timezone.now(),
    )
    if message is not None:
        services._sent(message, provider_id=f"<demo.{message.reference}@castlebrae.example>")


def _held_for_quiet_hours(school):
    """Good news to Ellie's dad, written in the evening: it waits for the morning."""
    parent = _parent(CASES["starting_school"], "Alan")
    if parent is None:
        return
    evening = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(20, 15)),
        timezone.get_current_timezone(),
    )
    at, why = planning.next_allowed(evening, school=school, parent=parent)
    _message(
        "good-news-held",
        school=school,
        sender=_user("pastoral"),
        parent=parent,
        kind=Kind.GOOD_NEWS,
        channel=Channel.EMAIL,
        news="Ellie told the class all about the book you read together at the weekend.",
        state=State.HELD if why else State.QUEUED,
        send_after=at,
        held_because=why,
    )


def _failed(school):
    """A note about a trip to Lily's corporate parent (the council), which the council's mail
    server refused: the sender is told why, in words, and offered another way."""
    parent = ParentCarer.objects.filter(
        family__name=CASES["siblings_apart"],
        child_links__relationship=ChildParent.Relationship.CORPORATE_PARENT,
    ).first()
    _message(
        "trip-failed",
        school=school,
        sender=_user("pastoral"),
        parent=parent,
        kind=Kind.FREE,
        channel=Channel.EMAIL,
        news="The class trip to the Botanic Garden is on Thursday. Lily will need a packed "
        "lunch and a warm coat. We will be back by 3pm.",
        state=State.FAILED,
        attempts=1,
        provider="smtp",
        failure="The council's mail server said this address does not exist (550: mailbox "
        "unavailable). Check the address with the council. You could try a letter or a phone "
        "call.",
    )


def _call_to_make(school):
    """Good news for Kai's mum, who prefers things spoken: a call for his class teacher."""
    _message(
        "good-news-call",
        school=school,
        sender=_user("teacher"),
        parent=_parent(CASES["bereavement"], "Lorna"),
        kind=Kind.GOOD_NEWS,
        channel=Channel.CALL,
        news="Kai was a kind captain at lunchtime football today and made sure everyone got a "
        "turn with the ball.",
        state=State.TO_CALL,
    )


def _letters_to_print(school):
    """Two letters for the office: good news for a parent who likes letters, and, in Arabic,
    a "we'd like to hear from you" with the parent's own link (made when it is printed)."""
    restricted = ChildParent.objects.exclude(restriction="").values("parent")
    likes_letters = (
        ParentCarer.objects.filter(
            family__school_links__school=school,
            preferred_channel=ParentCarer.Channel.LETTER,
            reading=ParentCarer.Reading.CONFIDENT,
        )
        .exclude(pk__in=restricted)
        .order_by("last_name", "first_name", "pk")
    )
    english = likes_letters.filter(language="English").first()
    if english is not None:
        if not english.postal_address.strip():
            ParentCarer.objects.filter(pk=english.pk, postal_address="").update(
                postal_address="14 Mill Wynd\nRiverbank\nRB4 2LS"
            )
            english.refresh_from_db()
        child = next(iter(_children(english, school)), None)
        _message(
            "good-news-letter",
            school=school,
            sender=_user("teacher"),
            parent=english,
            kind=Kind.GOOD_NEWS,
            channel=Channel.LETTER,
            news=f"{child.first_name if child else 'Your child'} helped a younger pupil find "
            "the way to the lunch hall, kindly and without being asked.",
            state=State.TO_PRINT,
        )
    arabic = likes_letters.filter(language="Arabic").first()
    _message(
        "hear-from-you-letter",
        school=school,
        sender=_user("pastoral"),
        parent=arabic,
        kind=Kind.HEAR_FROM_YOU,
        channel=Channel.LETTER,
        state=State.TO_PRINT,
    )


@transaction.atomic
def load() -> None:
    school = School.objects.filter(name=SCHOOL_NAME).first()
    if school is None:
        return
    _sent_good_news(school)
    _held_for_quiet_hours(school)
    _failed(school)
    _call_to_make(school)
    _letters_to_print(school)
