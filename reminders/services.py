"""Daily reminder e-mails to staff: one e-mail a day to each member of staff with something due.

What counts as due, on or before the day: a contact's follow-up (its "who follows up"), a
meeting's follow-up call or visit (its owner), an agreed step of a meeting owned by a member of
staff (open or under way), and a held meeting's review date (its chair). Done, dropped and
cancelled items never count.

What the e-mail says: school mailboxes are not the portal, so it names no pupil, parent or
family, and quotes no free text (a step's wording may hold names). Each item is its kind, its
date and a family reference with a link to the family page, where the reader signs in and the
usual access rules apply. The subject holds only the school's name and a count.

How it is sent: on the same path as messages to parents. Each e-mail is written as a
reaching_out Message (kind "staff_reminder", to the member of staff, no family) in the same
transaction as a ReminderSent row for each item in it; the outbox worker is asked to send once
that commits, and sends each message once, retrying while the mail server is away
(reaching_out.services.send_due). So a second run the same day (a retry, a second worker) queues
nothing again, and a mail server that is down delays the e-mails without losing or repeating
them. Staff reminders are not held for parents' quiet hours and never become a contact with a
family.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from families.models import Contact
from meetings.models import ActionPoint, FollowUp, Meeting
from portal.lib import mail
from portal.lib.mail import header_safe
from portal.models import Membership, School
from reaching_out import services as outbox
from reaching_out.models import Channel, Message
from reaching_out.models import Kind as MessageKind
from reminders.models import ReminderSent

KEEP_DAYS = 30  # ReminderSent rows older than this are deleted by the next run
Kind = ReminderSent.Kind


@dataclass(frozen=True)
class DueItem:
    kind: str
    object_id: int
    user_id: int
    family_id: int
    due_on: dt.date


@dataclass
class ReminderRun:
    day: dt.date
    emails: int = 0  # queued in the outbox (the worker sends them)
    items: int = 0
    skipped_staff: list[int] = field(default_factory=list)  # no e-mail address, or left
    messages: list[Message] = field(default_factory=list)


def _not_sent(school: School, day: dt.date, kind: str, user_field: str):
    sent = ReminderSent.objects.filter(
        school=school, sent_on=day, kind=kind, object_id=OuterRef("pk"), user=OuterRef(user_field)
    )
    return ~Exists(sent)


def due_items(school: School, day: dt.date) -> list[DueItem]:
    """Everything due at `school` on or before `day` and not yet in a reminder that day, in
    four queries whatever their number."""
    sources = [
        (
            Kind.CONTACT_FOLLOW_UP,
            Contact.objects.filter(
                school=school,
                follow_up_owner__isnull=False,
                follow_up_on__lte=day,
                follow_up_done_at__isnull=True,
            ),
            "follow_up_owner",
            "family_id",
            "follow_up_on",
        ),
        (
            Kind.MEETING_FOLLOW_UP,
            FollowUp.objects.filter(
                meeting__school=school, due_on__lte=day, done_at__isnull=True
            ).exclude(meeting__status=Meeting.Status.CANCELLED),
            "owner",
            "meeting__family_id",
            "due_on",
        ),
        (
            Kind.ACTION_POINT,
            ActionPoint.objects.open()
            .filter(
                meeting__school=school,
                owner_kind=ActionPoint.OwnerKind.STAFF,
                owner_staff__isnull=False,
                due_on__lte=day,
            )
            .exclude(meeting__status=Meeting.Status.CANCELLED),
            "owner_staff",
            "meeting__family_id",
            "due_on",
        ),
        (
            Kind.MEETING_REVIEW,
            Meeting.objects.filter(school=school, status=Meeting.Status.HELD, review_on__lte=day),
            "chair",
            "family_id",
            "review_on",
        ),
    ]
    items = []
    for kind, rows, user_field, family_field, due_field in sources:
        rows = rows.filter(_not_sent(school, day, kind, user_field)).order_by()
        items += [
            DueItem(kind, pk, user_id, family_id, due_on)
            for pk, user_id, family_id, due_on in rows.values_list(
                "pk", f"{user_field}_id", family_field, due_field
            )
        ]
    return items


def _when(due_on: dt.date, day: dt.date) -> str:
    late = (day - due_on).days
    date = f"{due_on:%-d %b %Y}"
    if late <= 0:
        return f"due today ({date})"
    return f"due {date}, {late} day{'s' if late != 1 else ''} ago"


def _family_link(family_id: int) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse("families:family-detail", args=[family_id])


def email_for(user, school: School, items: list[DueItem], day: dt.date):
    """The reminder e-mail (templates/reminders/reminder_email*): no pupil, parent or family
    name, and no free text from the records."""
    lines = [
        {
            "label": Kind(item.kind).label,
            "when": _when(item.due_on, day),
            "family_id": item.family_id,
            "link": _family_link(item.family_id),
        }
        for item in sorted(items, key=lambda i: (i.due_on, i.kind, i.object_id))
    ]
    return mail.templated(
        template="reminders/reminder_email",
        to=user.email,
        context={
            "greeting_name": user.first_name or user.get_username(),
            "school_name": header_safe(school.name),
            "count": len(items),
            "items": lines,
        },
    )


def message_for(user, school: School, items: list[DueItem], day: dt.date, now) -> Message:
    """The reminder e-mail as a message for the outbox: the text part as its body, the HTML
    part kept beside it, from no one (sent_by None) and to no family."""
    email = email_for(user, school, items, day)
    html = next((a[0] for a in email.alternatives if a[1] == "text/html"), "")
    return Message(
        school=school,
        staff_recipient=user,
        family=None,
        parent=None,
        kind=MessageKind.STAFF_REMINDER,
        channel=Channel.EMAIL,
        subject=email.subject[:200],
        body=email.body,
        html=html,
        to=user.email,
        sent_by=None,
        state=Message.State.QUEUED,
        send_after=now,  # not held for parents' quiet hours
    )


@transaction.atomic
def reminders_send(*, school: School, day: dt.date | None = None) -> ReminderRun:
    """Queue today's reminder e-mails for one school in the outbox: one per member of staff
    with something due that has not been in a reminder today. The outbox worker sends them once
    this commits. Returns what was queued."""
    run = ReminderRun(day=day or timezone.localdate())
    now = timezone.now()
    # One run per school at a time: a second worker waits here, then finds everything queued.
    School.objects.select_for_update().filter(pk=school.pk).first()
    ReminderSent.objects.filter(
        school=school, sent_on__lt=run.day - dt.timedelta(days=KEEP_DAYS)
    ).delete()
    by_user: dict[int, list[DueItem]] = defaultdict(list)
    for item in due_items(school, run.day):
        by_user[item.user_id].append(item)
    staff = {
        m.user_id: m.user
        for m in Membership.objects.active()
        .filter(school=school, user_id__in=list(by_user))
        .select_related("user")
    }
    messages, sent = [], []
    for user_id, items in sorted(by_user.items()):
        user = staff.get(user_id)
        if user is None or not user.email:
            run.skipped_staff.append(user_id)
            continue
        messages.append(message_for(user, school, items, run.day, now))
        for item in items:
            row = ReminderSent(
                school=school,
                user_id=user_id,
                kind=item.kind,
                object_id=item.object_id,
                sent_on=run.day,
            )
            row.full_clean(exclude=["school", "user"], validate_unique=False)
            sent.append(row)
    ReminderSent.objects.bulk_create(sent, batch_size=2000)
    if messages:
        run.messages = bulk_create_with_history(messages, Message, batch_size=500)
        outbox.ask_worker(run.messages)
    run.emails, run.items = len(messages), len(sent)
    return run
