"""Writes of the messages to parents and carers: drafting from a template for each adult,
queueing in the same transaction as the action that causes them, sending from the outbox
(one at a time, never twice), recording each sent message as a contact, and a parent's stop.

The outbox's promise. A message is a row from the moment it is written. The worker claims one
row at a time (a short transaction that marks it "sending"), hands it to the provider, then
marks it sent and logs the contact (a second transaction). If the worker dies:
- before handing over (the row is not yet marked with its provider, committed just before the
  first byte goes), it certainly did not go: it is queued again;
- while handing over, it cannot be known whether the provider took it. With GOV.UK Notify we
  ask Notify by our reference and carry on from its answer; with SMTP the row becomes "may have
  gone" and the sender is asked to check with the parent before sending it again.
So a message is never lost (every row ends sent, failed or shown as uncertain) and never sent
twice by the portal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from families.models import Child, ChildParent, Contact, ParentCarer
from families.services import contact_log
from meetings.models import ActionPoint, Meeting
from portal.lib import records
from portal.lib.languages import ENGLISH, code_for
from portal.lib.words import staff_name
from portal.models import School
from reaching_out import channels, extensions, placeholders, planning
from reaching_out.models import (
    CONTACT_CHANNEL,
    CONTACT_PURPOSE,
    LINK_PURPOSE,
    Channel,
    ChannelStop,
    Kind,
    LetterBatch,
    Message,
    MessageTemplate,
)

State = Message.State
RETRY_AFTER = [60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600]  # seconds, then it has failed
WORKER = f"{socket.gethostname()}:{os.getpid()}"


# Templates and words ---------------------------------------------------------------------


def templates_for(school: School, kind: str) -> dict[str, MessageTemplate]:
    """This kind's words by language: the school's own where it has them, else the portal's."""
    found: dict[str, MessageTemplate] = {}
    rows = MessageTemplate.objects.filter(Q(school=school) | Q(school__isnull=True), kind=kind)
    for row in sorted(rows, key=lambda t: t.school_id is not None):
        found[row.language] = row
    return found


def segments(text: str) -> tuple[int, int]:
    """(characters, texts) a text message takes: 160 characters in one text (153 each when
    split) in the plain alphabet, 70 (67) once any other character is used."""
    gsm = set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRS"
        "TUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    )
    extended = set("^{}\\[~]|€")
    if all(ch in gsm or ch in extended for ch in text):
        length = sum(2 if ch in extended else 1 for ch in text)
        return length, (1 if length <= 160 else -(-length // 153))
    length = len(text)
    return length, (1 if length <= 70 else -(-length // 67))


def _names(people) -> str:
    names = [p for p in people if p]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def values_for(
    *,
    school: School,
    sender,
    parent: ParentCarer,
    children,
    meeting: Meeting | None = None,
    step: ActionPoint | None = None,
    words: str = "",
    language: str = ENGLISH,
) -> dict[str, str]:
    from meetings.sending import place_for_parent

    values = {
        "parent_name": parent.full_name,
        "child_name": _names([c.first_name for c in children]),
        "school_name": school.name,
        "school_phone": school.phone or "",
        "staff_name": staff_name(sender) if sender else school.name,
        "news": words,
        "words": words,
    }
    if meeting is not None:
        local = timezone.localtime(meeting.starts_at)
        with translation.override(language):
            # In the message's own language: "Tuesday 9 December, 15:30", "wtorek 9 grudnia…".
            values["meeting_when"] = date_format(local, "l j E, H:i")
        values["meeting_place"] = place_for_parent(
            meeting, parent, list(ParentCarer.objects.filter(family_id=meeting.family_id))
        )
    if step is not None:
        values["step"] = step.what
        with translation.override(language):
            values["step_due"] = date_format(step.due_on, "j E") if step.due_on else ""
    return values


def interpreter_line(parent: ParentCarer, school: School) -> str:
    """One line in the parent's own language (where we have it) offering a call with an
    interpreter, for a message that goes in English."""
    code = code_for(parent.language or "")
    phone = school.phone or school.name
    if code and code != ENGLISH:
        with translation.override(code):
            return _(
                "If you would like someone to explain this in your language, call %(phone)s "
                "and we will arrange an interpreter."
            ) % {"phone": phone}
    return (
        f"If you would like this explained in {parent.language}, call {phone} and we will "
        "arrange an interpreter."
    )


def stop_url(parent: ParentCarer, channel: str) -> str:
    token = signing.dumps([parent.pk, channel], salt="reaching_out.stop", compress=True)
    return settings.PORTAL_URL.rstrip("/") + reverse("reaching_out:stop", args=[token])


def stop_token_read(token: str) -> tuple[int, str] | None:
    try:
        parent_id, channel = signing.loads(token, salt="reaching_out.stop")
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if channel not in (Channel.EMAIL, Channel.TEXT) or not isinstance(parent_id, int):
        return None
    return parent_id, channel


def stop_footer(parent: ParentCarer, language: str, url: str) -> str:
    with translation.override(language):
        return _(
            "To stop e-mails from the school, open %(url)s. Messages the school must send "
            "will still come."
        ) % {"url": url}


# Drafting --------------------------------------------------------------------------------


@dataclass
class Draft:
    """One adult's message as the sender will see it in the preview."""

    plan: planning.Plan
    subject: str = ""
    body: str = ""
    text: str = ""  # what goes as a text, if by text
    children: list[Child] = field(default_factory=list)

    @property
    def parent(self) -> ParentCarer:
        return self.plan.parent

    @property
    def counted(self) -> tuple[int, int]:
        return segments(self.text)


@dataclass
class Drafting:
    """What the sender asked for, and each adult's draft or the reason none is made."""

    kind: str
    drafts: list[Draft] = field(default_factory=list)
    refused: list[planning.Plan] = field(default_factory=list)


def drafting(
    *,
    school: School,
    sender,
    kind: str,
    parents: list[ParentCarer],
    children: list[Child],
    meeting: Meeting | None = None,
    step: ActionPoint | None = None,
    words: str = "",
    chosen: dict[int, str] | None = None,
    must_send: bool = False,
    home: planning.Household | None = None,
    templates: dict[str, MessageTemplate] | None = None,
    own_values: Callable[[ParentCarer, str], dict[str, str]] | None = None,
) -> Drafting:
    """Each adult's plan and words. Refusals (a restriction, no link to the child, not invited
    to the meeting) are kept with their reason so the sender sees who was left out and why.
    `own_values(parent, language)` gives an app's own placeholders for one adult (evenings)."""
    templates = templates if templates is not None else templates_for(school, kind)
    result = Drafting(kind=kind)
    if ENGLISH not in templates:
        raise ValidationError(
            "This kind of message has no English words yet: ask an administrator to add them."
        )
    home = home or planning.household(parents)
    meeting_refusal = _meeting_refusals(meeting, parents) if meeting else {}
    if meeting is not None:
        # A meeting's own rule decides: someone a member of staff chose, with a reason, to
        # invite despite a restriction may get this meeting's messages (and only these).
        home = dataclasses.replace(
            home,
            restrictions={
                pk: words for pk, words in home.restrictions.items() if pk in meeting_refusal
            },
        )
    child_ids = [c.pk for c in children]
    for parent in parents:
        plan = planning.plan(
            parent,
            home,
            kind=kind,
            school=school,
            templates_in=set(templates),
            child_ids=child_ids,
            chosen=(chosen or {}).get(parent.pk, ""),
            must_send=must_send,
        )
        if parent.pk in meeting_refusal:
            plan.refused = meeting_refusal[parent.pk]
        if plan.refused or not plan.channel:
            plan.refused = plan.refused or f"There is no way to reach {parent.full_name}."
            result.refused.append(plan)
            continue
        template = templates[plan.language]
        mine = [c for c in children if c.pk in home.linked_to.get(parent.pk, set())]
        values = values_for(
            school=school,
            sender=sender,
            parent=parent,
            children=mine or children,
            meeting=meeting,
            step=step,
            words=words,
            language=plan.language,
        )
        if own_values is not None:
            values.update(own_values(parent, plan.language))
        keep = ("link",) if kind in LINK_PURPOSE else ()
        draft = Draft(plan=plan, children=mine or children)
        draft.subject = placeholders.fill(template.subject, values)
        draft.body = placeholders.fill(template.body, values, keep=keep)
        draft.text = placeholders.fill(template.text or template.body, values, keep=keep)
        if planning.needs_interpreter_line(parent, plan.language):
            line = interpreter_line(parent, school)
            draft.body += "\n\n" + line
            draft.text += "\n" + line
        result.drafts.append(draft)
    return result


def _meeting_refusals(meeting: Meeting, parents) -> dict[int, str]:
    from meetings.sending import recipients

    people = recipients(meeting)
    refused = {}
    for parent in parents:
        why = people.refusal(parent)
        if why:
            refused[parent.pk] = why
        elif not people.is_invited(parent):
            refused[parent.pk] = f"{parent.full_name} is not invited to this meeting."
    return refused


# Queueing --------------------------------------------------------------------------------


def queue(
    *,
    school: School,
    sender,
    drafting: Drafting,
    edits: dict[int, dict[str, str]] | None = None,
    meeting: Meeting | None = None,
    step: ActionPoint | None = None,
    despite_stop: str = "",
    now: dt.datetime | None = None,
    topic: str = "",
) -> list[Message]:
    """The drafts as messages in the outbox, in the caller's transaction (so they exist only if
    what caused them is saved); the worker is asked to send them once it commits. `edits` are
    the sender's changes by parent id ({"subject": …, "body": …}), which are what is sent."""
    now = now or timezone.now()
    edits = edits or {}
    made = []
    for draft in drafting.drafts:
        plan, parent = draft.plan, draft.parent
        subject, body = draft.subject, (draft.text if plan.channel == Channel.TEXT else draft.body)
        changed = edits.get(parent.pk, {})
        edited = False
        for name in ("subject", "body"):
            new = changed.get(name)
            if (
                new is not None
                and new.replace("\r\n", "\n").strip()
                != (subject if name == "subject" else body).strip()
            ):
                edited = True
                if name == "subject":
                    subject = new.strip()
                else:
                    body = new.replace("\r\n", "\n").strip()
        message = Message(
            school=school,
            family_id=parent.family_id,
            parent=parent,
            kind=drafting.kind,
            channel=plan.channel,
            language=plan.language,
            subject=subject[:200],
            body=body,
            edited=edited,
            to=plan.to,
            sent_by=sender,
            send_after=now,
            interpreter_line=planning.needs_interpreter_line(parent, plan.language),
            meeting=meeting,
            step=step,
            topic=topic,
            despite_stop=despite_stop if set(plan.stopped) & {plan.channel} else "",
        )
        if plan.channel in (Channel.EMAIL, Channel.TEXT):
            at, why = planning.next_allowed(now, school=school, parent=parent)
            message.send_after = at
            if why:
                message.state, message.held_because = State.HELD, why
        elif plan.channel == Channel.LETTER:
            message.state = State.TO_PRINT
        else:
            message.state = State.TO_CALL
        message.full_clean(exclude=["school", "family", "parent", "sent_by", "meeting", "step"])
        records.history_by(message, sender)
        message.save()
        message.children.set(draft.children)
        made.append(message)
    if any(m.channel in (Channel.EMAIL, Channel.TEXT) for m in made):
        ask_worker(made)
    return made


def ask_worker(messages=(), *, later: dt.datetime | None = None) -> None:
    """Ask the task worker to send, once the transaction commits; a message that may not go
    yet (held, or a retry) is asked for again at its time, where the task backend can wait
    (the database worker can; without it, `manage.py send_messages` from cron sends them)."""
    from reaching_out.tasks import messages_send_due

    whens = {m.send_after for m in messages if m.channel in (Channel.EMAIL, Channel.TEXT)}
    if later is not None:
        whens.add(later)

    def enqueue():
        backend = messages_send_due.get_backend()
        now = timezone.now()
        if any(when <= now for when in whens):
            messages_send_due.enqueue()
        if backend.supports_defer:
            for when in sorted(w for w in whens if w > now)[:20]:
                messages_send_due.using(run_after=when).enqueue()

    transaction.on_commit(enqueue)


# Sending ---------------------------------------------------------------------------------


@dataclass
class SendRun:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    recovered: int = 0


_CLAIM_SQL = """
UPDATE reaching_out_message SET state = %s, claimed_at = %s, attempts = attempts + 1
WHERE id = (
    SELECT id FROM reaching_out_message
    WHERE state IN (%s, %s) AND channel IN (%s, %s) AND send_after <= %s
    ORDER BY send_after, id
    FOR UPDATE SKIP LOCKED
    LIMIT 1
)
RETURNING *
"""


def _claim(now: dt.datetime) -> Message | None:
    """The next due message, marked "sending" (committed): on PostgreSQL in one statement (the
    worker's hottest path), elsewhere in a short transaction."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        params = [State.SENDING, timezone.now(), State.QUEUED, State.HELD]
        params += [Channel.EMAIL, Channel.TEXT, now]
        found = list(Message.objects.raw(_CLAIM_SQL, params))
        return found[0] if found else None
    with transaction.atomic():
        message = (
            Message.objects.due(now)
            .filter(channel__in=[Channel.EMAIL, Channel.TEXT])
            .order_by("send_after", "pk")
            .select_for_update(skip_locked=True)
            .first()
        )
        if message is None:
            return None
        message.state, message.claimed_at = State.SENDING, timezone.now()
        message.attempts += 1
        Message.objects.filter(pk=message.pk).update(
            state=message.state, claimed_at=message.claimed_at, attempts=message.attempts
        )
    return message


def send_due(*, limit: int | None = None, now: dt.datetime | None = None) -> SendRun:
    """Send what is due, one message at a time through one connection, until none is left (or
    `limit`); first takes back any message a stopped worker left part-way."""
    run = SendRun()
    run.recovered = recover_stalled()
    known: dict[tuple[str, int], Any] = {}
    with channels.Sender() as sender:
        while limit is None or run.sent + run.failed + run.retrying < limit:
            message = _claim(now or timezone.now())
            if message is None:
                break
            _read_with(message, known)
            outcome = _send_one(message, sender)
            setattr(run, outcome, getattr(run, outcome) + 1)
    return run


def _read_with(message: Message, known: dict[tuple[str, int], Any]) -> None:
    """The claimed message's school, sender, and parent with their family, in one query: a
    school or a member of staff is read once in a run (their roles with them), as Django would
    take longer to build one query joining them all than to send the e-mail."""
    from django.contrib.auth import get_user_model

    for name, model in (("school", School), ("sent_by", get_user_model())):
        pk = getattr(message, f"{name}_id")
        if pk is not None:
            if (name, pk) not in known:
                known[name, pk] = model.objects.get(pk=pk)
            setattr(message, name, known[name, pk])
    if message.parent_id is not None:
        # Whether a restriction is recorded comes with them (its words are read only if so).
        restricted = ChildParent.objects.filter(parent=OuterRef("pk")).exclude(restriction="")
        message.parent = (
            ParentCarer.objects.select_related("family")
            .annotate(restricted=Exists(restricted))
            .get(pk=message.parent_id)
        )


def _send_one(message: Message, sender: channels.Sender) -> str:
    """Sends one claimed message (see _read_with for what is read with it)."""
    body, attachments, stop, link = message.body, [], "", None
    # A restriction recorded while the message waited (held for the weekend) is honoured too.
    parent = message.parent
    words = (
        parent.restrictions if parent is not None and getattr(parent, "restricted", True) else []
    )
    if parent is not None and words and message.meeting_id is not None:
        # The meeting's rule: a restriction a member of staff set aside, with a reason, to
        # invite this person lets this meeting's messages go to them.
        words = (
            [_meeting_refusals(message.meeting, [parent]).get(parent.pk, "")]
            if (message.meeting is not None)
            else words
        )
        words = [w for w in words if w]
    if parent is not None and words:
        Message.objects.filter(pk=message.pk).update(
            state=State.FAILED,
            claimed_at=None,
            failure=f"Not sent to {parent.full_name}: a recorded restriction applies: "
            f"“{' '.join(words)}”. Talk to the pastoral lead about what they may be told.",
            updated_at=timezone.now(),
        )
        return "failed"
    try:
        if message.parent_id:
            body, attachments, stop, link = _final_words(message)
        if not _handing_over(message):
            _revoke(link)
            return "retrying"  # its claim was taken back: another run sends it
        provider_id = sender.send(message, body=body, attachments=attachments, stop_url=stop)
    except channels.Temporary as problem:
        _revoke(link)
        return _retry_or_fail(message, str(problem))
    except (channels.Permanent, ValidationError) as problem:
        _revoke(link)
        why = "; ".join(problem.messages) if isinstance(problem, ValidationError) else str(problem)
        _failed(message, why)
        return "failed"
    _sent(message, provider_id=provider_id, link=link)
    return "sent"


def _handing_over(message: Message) -> bool:
    """Mark the claimed row as being handed to its provider now, committed before the first
    byte goes: a worker stopped before this sent nothing (recover_stalled queues the row
    again); one stopped after may have (the row becomes "may have gone"). Only while this run
    still holds the claim: False if recover_stalled took it back from a worker too slow."""
    provider = "notify" if _via_notify(message) else "smtp"
    return bool(
        Message.objects.filter(
            pk=message.pk, state=State.SENDING, attempts=message.attempts
        ).update(provider=provider)
    )


def _final_words(message: Message):
    """The body with the parent's link (made now, so no secret waits in the outbox), the stop
    line for e-mails, and the calendar file for an invitation."""
    from family_voice.services import link_create
    from meetings.ics import parent_ics
    from meetings.sending import place_for_parent

    parent = message.parent
    if parent is None:
        raise channels.Permanent("A message to a parent or carer names no one.")
    body, link, attachments, stop = message.body, None, [], ""
    purpose = LINK_PURPOSE.get(message.kind)
    if purpose and "{link}" in body:
        try:
            maker = extensions.LINK_MAKERS.get(message.kind)
            made = (
                maker(message)
                if maker is not None
                else link_create(
                    school=message.school,
                    parent=parent,
                    purpose=purpose,
                    created_by=message.sent_by,
                    meeting=message.meeting,
                )
            )
        except ValidationError:
            # No link for them (a restriction a meeting set aside, no e-mail for the code):
            # the message still goes, pointing them to the school instead.
            with translation.override(message.language):
                body = body.replace(
                    "{link}",
                    _("(phone the school on %(phone)s)")
                    % {"phone": message.school.phone or message.school.name},
                )
        else:
            link = made.link
            body = body.replace("{link}", made.url)
    body = body.replace("{link}", "")
    if message.channel == Channel.EMAIL:
        stop = stop_url(parent, Channel.EMAIL)
        body += "\n\n--\n" + stop_footer(parent, message.language, stop)
        if message.kind == Kind.INVITATION and message.meeting is not None:
            meeting = message.meeting
            place = place_for_parent(
                meeting, parent, list(ParentCarer.objects.filter(family=meeting.family_id))
            )
            attachments.append(
                (f"meeting-{meeting.pk}.ics", parent_ics(meeting, place=place), "text/calendar")
            )
        if message.kind in extensions.ATTACHMENTS:
            attachments.extend(extensions.ATTACHMENTS[message.kind](message))
    elif message.channel == Channel.TEXT and settings.NOTIFY_TEXT_STOP:
        with translation.override(message.language):
            body += "\n" + _("Reply STOP to stop texts.")
    return body, attachments, stop, link


def _revoke(link) -> None:
    if link is not None:
        from family_voice.services import link_revoke

        link_revoke(link=link, by=None)


@transaction.atomic
def _sent(message: Message, *, provider_id: str, link=None) -> None:
    now = timezone.now()
    message.state, message.sent_at = State.SENT, now
    message.provider = "notify" if _via_notify(message) else "smtp"
    message.provider_id = provider_id[:100]
    message.failure = ""
    message.link = link
    message.contact = _record(message, now)
    # A queryset update, like every step of the worker's: what was sent stays in the message's
    # history as written, and the sending is its sent_at, provider and contact (which keeps a
    # history of its own).
    Message.objects.filter(pk=message.pk).update(
        state=message.state,
        sent_at=now,
        provider=message.provider,
        provider_id=message.provider_id,
        failure="",
        link=link,
        contact=message.contact,
        updated_at=now,
    )


def _via_notify(message: Message) -> bool:
    return message.channel == Channel.TEXT or (
        channels.email_via() == "notify" and message.parent_id is not None
    )


def _record(message: Message, when: dt.datetime) -> Contact | None:
    """The message as a contact in the family's chronology: counted in the balance and the
    dashboards like any other. Staff reminders are not contacts with a family."""
    parent = message.parent
    if parent is None or message.sent_by_id is None:
        return None
    body = message.body.replace("{link}", "(their own link)")
    summary = f"{message.get_kind_display()} sent as {message.get_channel_display().lower()}: "
    summary += f"“{message.subject}”\n\n{body}"
    if len(summary) > 2000:
        summary = summary[:1990] + "…"
    try:
        return contact_log(
            school=message.school,
            family=parent.family,
            staff=message.sent_by,
            parents=[parent],
            children=list(message.children.all()),
            occurred_at=when,
            channel=CONTACT_CHANNEL[message.channel],
            initiated_by=Contact.InitiatedBy.SCHOOL,
            tone="positive" if message.kind == Kind.GOOD_NEWS else "neutral",
            purpose=CONTACT_PURPOSE.get(message.kind, Contact.Purpose.INFORMATION),
            summary=summary,
        )
    except ValidationError:
        # It went (the sender has since left the school, say): it must still be marked sent,
        # or the worker would stop here and the message be shown as perhaps not sent.
        return None


OTHER_WAY: dict[str, str] = {
    Channel.EMAIL: "a letter or a phone call",
    Channel.TEXT: "an e-mail or a phone call",
}


def _retry_or_fail(message: Message, words: str) -> str:
    if message.attempts > len(RETRY_AFTER):
        _failed(message, f"{words} We tried {message.attempts} times.")
        return "failed"
    wait = RETRY_AFTER[message.attempts - 1]
    at, held = timezone.now() + dt.timedelta(seconds=wait), ""
    if message.parent_id:  # a retry keeps to quiet hours and the parent's hours too
        at, held = planning.next_allowed(at, school=message.school, parent=message.parent)
    Message.objects.filter(pk=message.pk).update(
        state=State.HELD if held else State.QUEUED,
        held_because=held or message.held_because,
        claimed_at=None,
        provider="",  # not handed over now: the next try marks it again
        send_after=at,
        failure=words,
        updated_at=timezone.now(),
    )
    ask_worker(later=at)
    return "retrying"


def _failed(message: Message, words: str) -> None:
    other = OTHER_WAY.get(message.channel, "another way")
    Message.objects.filter(pk=message.pk).update(
        state=State.FAILED,
        claimed_at=None,
        failure=f"{words} You could try {other}.",
        updated_at=timezone.now(),
    )


def recover_stalled(now: dt.datetime | None = None) -> int:
    """Messages a worker claimed and never finished (it was stopped): queued again if it was
    stopped before handing the message over (see _handing_over); otherwise asked of Notify by
    our reference, or, by SMTP, shown as "may have gone" for the sender to check. Returns how
    many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.MESSAGES_CLAIM_SECONDS)
    stalled = list(
        Message.objects.filter(state=State.SENDING, claimed_at__lt=cutoff).select_related(
            "parent", "sent_by", "school"
        )
    )
    if not stalled:
        return 0
    with channels.Sender() as sender:
        for message in stalled:
            with transaction.atomic():
                locked = (
                    Message.objects.select_for_update(skip_locked=True)
                    .filter(pk=message.pk, state=State.SENDING)
                    .first()
                )
                if locked is None:
                    continue
                if not locked.provider:  # never handed over: it certainly did not go
                    Message.objects.filter(pk=message.pk).update(
                        state=State.QUEUED, claimed_at=None
                    )
                    continue
                if _via_notify(message):
                    try:
                        found = sender.find_at_notify(message)
                    except (channels.Temporary, channels.Permanent):
                        continue  # ask again next time
                    if found:
                        _sent(message, provider_id=found)
                    else:
                        Message.objects.filter(pk=message.pk).update(
                            state=State.QUEUED, claimed_at=None
                        )
                    continue
                Message.objects.filter(pk=message.pk).update(
                    state=State.UNSURE,
                    claimed_at=None,
                    failure=(
                        "The sending stopped part-way, so we cannot tell whether this e-mail "
                        "went. Check with the parent before sending it again."
                    ),
                )
    return len(stalled)


# Delivery reports ------------------------------------------------------------------------


def delivery_report(*, provider_id: str, reference: str, status: str, at=None) -> bool:
    """A delivery status from GOV.UK Notify (callback or polling) applied to its message;
    False if no message has that id or reference."""
    state = channels.NOTIFY_STATES.get(status)
    query = Message.objects.filter(provider="notify")
    found = query.filter(provider_id=provider_id).first() if provider_id else None
    if found is None and reference:
        try:
            found = query.filter(reference=reference).first()
        except ValidationError:
            found = None
    if found is None:
        return False
    # "sent" says no more than the row already does; arriving late, it must not undo a delivery.
    if state is None or state == State.SENT or found.state == state:
        return True
    fields: dict[str, Any] = {"state": state, "updated_at": timezone.now()}
    if state == State.DELIVERED:
        fields["delivered_at"] = at or timezone.now()
        fields["failure"] = ""
    elif state in (State.BOUNCED, State.FAILED):
        other = OTHER_WAY.get(found.channel, "another way")
        fields["failure"] = channels.NOTIFY_WORDS.get(status, "It was not delivered.") + (
            f" You could try {other}."
        )
    Message.objects.filter(pk=found.pk).update(**fields)
    return True


def poll_notify(*, older_than: dt.timedelta = dt.timedelta(minutes=5)) -> int:
    """Asks Notify for the status of messages sent through it with no final status yet (for a
    portal that cannot receive callbacks); returns how many changed."""
    waiting = Message.objects.filter(
        provider="notify",
        state=State.SENT,
        sent_at__lt=timezone.now() - older_than,
        sent_at__gt=timezone.now() - dt.timedelta(days=7),
    ).exclude(provider_id="")[:500]
    changed = 0
    with channels.Sender() as sender:
        for message in waiting:
            try:
                status = sender.notify_status(message.provider_id)
            except (channels.Temporary, channels.Permanent):
                continue
            if channels.NOTIFY_STATES.get(status, State.SENT) != State.SENT:
                delivery_report(provider_id=message.provider_id, reference="", status=status)
                changed += 1
    return changed


# Letters, calls, cancelling --------------------------------------------------------------


@transaction.atomic
def letters_print(*, school: School, by, messages: list[Message]) -> LetterBatch:
    """A batch of letters to print as one PDF (reaching_out.letters makes it)."""
    batch = LetterBatch.objects.create(school=school, made_by=by)
    ids = [m.pk for m in messages if m.state == State.TO_PRINT and m.school_id == school.pk]
    Message.objects.filter(pk__in=ids, state=State.TO_PRINT).update(
        state=State.PRINTED, batch=batch, updated_at=timezone.now()
    )
    return batch


@transaction.atomic
def batch_posted(*, batch: LetterBatch, by) -> int:
    """The office posted (or handed out) a printed batch: each letter is sent, and a contact."""
    batch = LetterBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.posted_at is not None:
        return 0
    batch.posted_at, batch.posted_by = timezone.now(), by
    batch.save(update_fields=["posted_at", "posted_by"])
    letters = batch.letters.filter(state=State.PRINTED).select_related(
        "parent__family", "school", "sent_by"
    )
    count = 0
    for message in letters:
        _sent(message, provider_id="")
        Message.objects.filter(pk=message.pk).update(provider="post")
        count += 1
    return count


@transaction.atomic
def call_made(*, message: Message, by, note: str = "") -> Message:
    """A call the message became (a parent who prefers things spoken) was made: sent, and a
    contact in the chronology under who called."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.state != State.TO_CALL:
        raise ValidationError("This call is no longer waiting to be made.")
    if note.strip():
        message.body = f"{message.body}\n\nOn the call: {note.strip()}"
    message.sent_by = message.sent_by or by
    if by is not None:
        message.sent_by = by
    _sent(message, provider_id="")
    Message.objects.filter(pk=message.pk).update(provider="call", body=message.body)
    return message


@transaction.atomic
def cancel(*, message: Message, by) -> Message:
    message = Message.objects.select_for_update().get(pk=message.pk)
    if not message.is_open:
        raise ValidationError("Only a message still waiting can be cancelled.")
    message.state = State.CANCELLED
    records.history_by(message, by)
    message.save(update_fields=["state", "updated_at"])
    return message


@transaction.atomic
def another_way(*, message: Message, by, channel: str) -> Message:
    """The same words again by another way (after a failure, a bounce or an uncertain send),
    as a new message; the old one stays as it ended."""
    if message.parent is None:
        raise ValidationError("Only a message to a parent or carer can go another way.")
    home = planning.household([message.parent])
    plan = planning.plan(
        message.parent,
        home,
        kind=message.kind,
        school=message.school,
        templates_in={message.language},
        chosen=channel,
    )
    if plan.refused:
        raise ValidationError(plan.refused)
    if plan.channel != channel:
        raise ValidationError(f"{Channel(channel).label} is not open for {message.parent}.")
    draft = Draft(plan=plan, subject=message.subject, body=message.body, text=message.body)
    draft.children = list(message.children.all())
    result = Drafting(kind=message.kind, drafts=[draft])
    [made] = queue(
        school=message.school,
        sender=by,
        drafting=result,
        meeting=message.meeting,
        step=message.step,
    )
    return made


# A parent's stop -------------------------------------------------------------------------


@transaction.atomic
def stop(*, parent: ParentCarer, channel: str, how: str) -> ChannelStop:
    """Stops e-mails or texts to this parent (their choice); what is still waiting on that
    channel becomes a call or letter decision for staff, shown in the outbox."""
    found = ChannelStop.objects.filter(
        parent=parent, channel=channel, restarted_at__isnull=True
    ).first()
    if found is not None:
        return found
    row = ChannelStop(parent=parent, channel=channel, how=how)
    records.history_by(row, None)
    row.save()
    Message.objects.filter(
        parent=parent, channel=channel, state__in=[State.QUEUED, State.HELD], despite_stop=""
    ).update(
        state=State.FAILED,
        failure="They asked for no more of these before it went. Try another way.",
        updated_at=timezone.now(),
    )
    return row


@transaction.atomic
def restart(*, row: ChannelStop, by, reason: str) -> ChannelStop:
    """Staff restart a stopped channel only with the parent's say-so, in words kept with it."""
    if not reason.strip():
        raise ValidationError({"reason": "Say when and how the parent asked to start again."})
    row.restarted_at, row.restarted_by, row.restart_reason = timezone.now(), by, reason.strip()
    records.history_by(row, by)
    row.save(update_fields=["restarted_at", "restarted_by", "restart_reason"])
    return row


def texts_stopped_by_number(number: str) -> int:
    """STOP from a phone number (Notify's inbound texts): every parent holding that number."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) < 7:
        return 0
    tail = digits[-10:]
    count = 0
    for parent in ParentCarer.objects.filter(phone__contains=tail[-6:]):
        mine = "".join(ch for ch in parent.phone if ch.isdigit())
        if mine.endswith(tail) or tail.endswith(mine[-10:]):
            stop(parent=parent, channel=Channel.TEXT, how=ChannelStop.How.TEXT_REPLY)
            count += 1
    return count
