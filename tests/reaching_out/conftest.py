"""Shared by the reaching-out tests: a real SMTP server on loopback, the portal's default
message templates (the table is empty in a flushed test database), a school day's morning
outside quiet hours, and a family whose mum prefers e-mail."""

import datetime as dt

import pytest
from django.utils import timezone

from reaching_out.models import Kind, MessageTemplate
from tests import factories
from tests.reaching_out.smtp_server import SMTPServer

# A Wednesday at 10:00 in London: outside every school's default quiet hours.
SCHOOL_DAY = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)

DEFAULT_WORDS = {
    Kind.GOOD_NEWS: (
        "Good news about {child_name}",
        "Dear {parent_name},\n\nWe wanted to tell you some good news about {child_name}:\n\n"
        "{news}\n\nBest wishes,\n{staff_name}, {school_name} ({school_phone})",
        "{school_name}: good news about {child_name}. {news} {staff_name}",
    ),
    Kind.INVITATION: (
        "An invitation to meet about {child_name}",
        "Dear {parent_name},\n\nWe would like to meet with you about {child_name} on "
        "{meeting_when}. Where: {meeting_place}.\n\nBefore we meet, you can tell us what "
        "you would like to talk about here: {link}\n\n{staff_name}, {school_name}",
        "{school_name}: we would like to meet about {child_name} on {meeting_when}. {link}",
    ),
    Kind.SUMMARY: (
        "What we agreed about {child_name}",
        "Dear {parent_name},\n\nThank you for meeting us on {meeting_when}. You can read what "
        "we agreed here: {link}\n\n{staff_name}, {school_name}",
        "{school_name}: what we agreed on {meeting_when}: {link}",
    ),
    Kind.STEP_REMINDER: (
        "A reminder about {child_name}",
        "Dear {parent_name},\n\nA reminder of what we agreed: {step}, by {step_due}.\n\n"
        "{staff_name}, {school_name}",
        "{school_name}: a reminder: {step}, by {step_due}.",
    ),
    Kind.HEAR_FROM_YOU: (
        "We would like to hear from you",
        "Dear {parent_name},\n\nHow are things with {child_name} and the school? Tell us "
        "here: {link}\n\n{staff_name}, {school_name}",
        "{school_name}: how are things? {link}",
    ),
    Kind.FREE: (
        "A message about {child_name}",
        "Dear {parent_name},\n\n{words}\n\n{staff_name}, {school_name}",
        "{words} {staff_name}, {school_name}",
    ),
    Kind.EVENING_INVITE: (
        "{evening_name}: book a time to talk about {child_name}",
        "Dear {parent_name},\n\nYou are invited to {evening_name}: {evening_when}.\n\n"
        "Choose a time here: {link} (you can book until {book_by}).\n\n"
        "Questions? Call {school_phone}.\n\n{staff_name}, {school_name}",
        "{school_name}: {evening_name}, {evening_when}. Book by {book_by}: {link} {staff_name}",
    ),
    Kind.EVENING_BOOKED: (
        "Your times at {evening_name}",
        "Dear {parent_name},\n\nYour times at {evening_name}:\n\n{appointments}\n\n"
        "To change or cancel: {link}\n\nQuestions? Call {school_phone}.\n\n"
        "{staff_name}, {school_name}",
        "{school_name}: your times:\n{appointments}\nChange or cancel: {link} {staff_name}",
    ),
    Kind.EVENING_REMINDER: (
        "A reminder: {evening_name} is tomorrow",
        "Dear {parent_name},\n\nYour times tomorrow at {evening_name}:\n\n{appointments}\n\n"
        "To change or cancel: {link}\n\nQuestions? Call {school_phone}.\n\n"
        "{staff_name}, {school_name}",
        "{school_name}: tomorrow:\n{appointments}\nChange or cancel: {link} {staff_name}",
    ),
}


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (a free port) that Django's e-mail goes to; read what
    arrived with `.received` / `.to(address)`, refuse a recipient with `.refuse(address)`
    (550) or `.try_later(address)` (451)."""
    server = SMTPServer().start()
    settings.MAILERS = server.mailers()
    settings.MESSAGES_EMAIL_VIA = "smtp"
    yield server
    server.stop()


@pytest.fixture
def school_day(time_machine):
    """Time stands still on a Wednesday at 10:00 in London (no quiet hours); move on with
    `time_machine.move_to(...)`."""
    time_machine.move_to(SCHOOL_DAY, tick=False)
    return timezone.localtime(SCHOOL_DAY)


def template_make(kind, language="en-gb", *, school=None, subject=None, body=None, text=None):
    """One template (made or replaced), checked as admin checks it."""
    words = DEFAULT_WORDS[kind]
    row, _ = MessageTemplate.objects.update_or_create(
        school=school,
        kind=kind,
        language=language,
        defaults={
            "subject": subject if subject is not None else words[0],
            "body": body if body is not None else words[1],
            "text": text if text is not None else words[2],
        },
    )
    row.full_clean()
    return row


@pytest.fixture
def templates(db):
    """The test's own English words for every kind sent to parents, and no others (any seeded
    by a data migration are set aside, so each test says which languages exist):
    {kind: template}."""
    MessageTemplate.objects.all().delete()
    return {kind: template_make(kind) for kind in DEFAULT_WORDS}


@pytest.fixture
def rowans(cast):
    """(school_family, isla, mum, dad): Isla Rowan's family; Ailsa (mum) prefers e-mail, Euan
    (dad) prefers texts; both hold parental responsibility with no restriction."""
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Rowan")
    family = school_family.family
    isla = factories.ChildFactory(
        school=cast.school, family=family, first_name="Isla", last_name="Rowan"
    )
    mum = factories.ParentCarerFactory(
        family=family,
        first_name="Ailsa",
        last_name="Rowan",
        email="ailsa@example.org",
        phone="07700 900123",
        preferred_channel="email",
    )
    dad = factories.ParentCarerFactory(
        family=family,
        first_name="Euan",
        last_name="Rowan",
        email="euan@example.org",
        phone="07700 900456",
        preferred_channel="text",
    )
    factories.ChildParentFactory(child=isla, parent=mum)
    factories.ChildParentFactory(child=isla, parent=dad, relationship="father")
    return school_family, isla, mum, dad
