"""Reminder e-mails to staff for what is due: through the tasks API, once a day, no names, sent
by the outbox worker (reaching_out) like every message to parents.

With the immediate tasks backend (the tests' default) the reminder task writes the messages, and
once its transaction commits the outbox task sends them; the tests run inside a transaction, so
`remind` runs the task and then the on-commit callbacks, as a commit would."""

import datetime as dt
import io
import re
import time

import pytest
from django.core import mail
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from families.models import Contact, Family, ParentCarer, SchoolFamily
from meetings.models import ActionPoint, FollowUp, Meeting
from portal.models import Role
from reaching_out.models import Kind, Message
from reaching_out.services import send_due
from reminders.models import ReminderSent
from reminders.services import reminders_send
from reminders.tasks import reminders_send_school
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the reminder task for a school (and day), then what runs once it commits: the
    outbox's send. Returns the task's result."""

    def _remind(*args):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send_school.enqueue(*args)

    return _remind


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block after which what waits for the commit runs (the outbox's send)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _no_names(*texts):
    for text in texts:
        assert "Okafor" not in text and "Ada" not in text and "Ring" not in text


def _contact(school, family, staff, owner, due, **kwargs):
    return factories.ContactFactory(
        school=school,
        family=family,
        staff=staff,
        occurred_at=timezone.now() - dt.timedelta(days=20),
        follow_up_on=due,
        follow_up_owner=owner,
        **kwargs,
    )


@pytest.fixture
def due(cast):
    """Items of each kind, due and not due, for the teacher, pastoral lead and headteacher."""
    family = factories.SchoolFamilyFactory(school=cast.school, family__name="Okafor family")
    fam = family.family
    made = {
        "teacher_today": _contact(cast.school, fam, cast.teacher, cast.teacher, TODAY),
        "teacher_late": _contact(
            cast.school, fam, cast.teacher, cast.teacher, TODAY - dt.timedelta(3)
        ),
    }
    # Not due: tomorrow, already done, or another school's.
    _contact(cast.school, fam, cast.teacher, cast.teacher, TODAY + dt.timedelta(1))
    _contact(cast.school, fam, cast.teacher, cast.teacher, TODAY, follow_up_done_at=timezone.now())
    other = factories.SchoolFamilyFactory(school=cast.other_school)
    _contact(cast.other_school, other.family, cast.outsider_teacher, cast.outsider_teacher, TODAY)

    held = factories.MeetingFactory(
        school=cast.school,
        family=fam,
        chair=cast.headteacher,
        starts_at=timezone.now() - dt.timedelta(days=30),
        status=Meeting.Status.HELD,
        review_on=TODAY - dt.timedelta(days=1),
    )
    made["review"] = held
    made["step"] = factories.ActionPointFactory(
        meeting=held,
        owner_staff=cast.pastoral,
        what="Ring Mrs Okafor about Ada's mornings",
        due_on=TODAY - dt.timedelta(days=1),
    )
    factories.ActionPointFactory(
        meeting=held, owner_staff=cast.pastoral, due_on=TODAY, status="dropped"
    )
    made["follow_up"] = factories.FollowUpFactory(meeting=held, owner=cast.pastoral, due_on=TODAY)
    factories.MeetingFactory(  # already reviewed: no reminder
        school=cast.school,
        family=fam,
        chair=cast.headteacher,
        starts_at=timezone.now() - dt.timedelta(days=60),
        status=Meeting.Status.REVIEWED,
        review_on=TODAY - dt.timedelta(days=20),
    )
    return family, made


def test_one_email_per_member_of_staff_listing_what_is_due(cast, due, remind):
    family, made = due
    result = remind(cast.school.pk)
    assert result.return_value == 3
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {cast.teacher.email, cast.pastoral.email, cast.headteacher.email}
    assert len(mail.outbox) == 3

    teacher = by_person[cast.teacher.email]
    assert teacher.subject == "Parent Compass: 2 things due at Riverside Primary"
    assert "Follow-up of a contact, due today (23 Nov 2026)" in teacher.body
    assert "Follow-up of a contact, due 20 Nov 2026, 3 days ago" in teacher.body
    assert f"/families/{family.family_id}/" in teacher.body
    [(html, mimetype)] = teacher.alternatives
    assert mimetype == "text/html"
    assert f'href="http://localhost:8000/families/{family.family_id}/"' in html
    pastoral = by_person[cast.pastoral.email]
    assert "Agreed step from a meeting" in pastoral.body
    assert "Follow-up of a meeting, due today" in pastoral.body
    assert "Meeting review, due 22 Nov 2026, 1 day ago" in by_person[cast.headteacher.email].body
    # No names of the family, parents or pupils, and no wording from the records.
    for message in mail.outbox:
        _no_names(message.subject, message.body, message.alternatives[0][0])
    assert ReminderSent.objects.count() == 5
    assert not any(m.to == [cast.outsider_teacher.email] for m in mail.outbox)
    # Each went through the outbox, once.
    sent = Message.objects.filter(kind=Kind.STAFF_REMINDER)
    assert {(m.to, m.state, m.attempts) for m in sent} == {
        (cast.teacher.email, Message.State.SENT, 1),
        (cast.pastoral.email, Message.State.SENT, 1),
        (cast.headteacher.email, Message.State.SENT, 1),
    }


def test_the_reminders_wait_in_the_outbox_until_their_transaction_commits(cast, due, committed):
    with committed():
        reminders_send_school.enqueue(cast.school.pk)
        assert mail.outbox == []
        waiting = Message.objects.filter(kind=Kind.STAFF_REMINDER)
        assert waiting.count() == 3
        assert {m.state for m in waiting} == {Message.State.QUEUED}
        assert {m.send_after for m in waiting} == {timezone.now()}  # not held for quiet hours
    assert len(mail.outbox) == 3


def test_running_again_the_same_day_sends_nothing_but_what_is_new(cast, due, remind):
    family, _ = due
    remind(cast.school.pk)
    assert len(mail.outbox) == 3
    assert remind(cast.school.pk).return_value == 0
    assert len(mail.outbox) == 3
    _contact(cast.school, family.family, cast.pastoral, cast.pastoral, TODAY)
    assert remind(cast.school.pk).return_value == 1
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].subject == "Parent Compass: 1 thing due at Riverside Primary"
    # The next day, whatever is still open is due again.
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert remind(cast.school.pk, tomorrow).return_value == 3
    assert len(mail.outbox) == 7
    assert Message.objects.filter(kind=Kind.STAFF_REMINDER, state="sent").count() == 7


def test_staff_without_an_address_are_left_out_and_reminded_once_they_have_one(cast, due):
    cast.teacher.email = ""
    cast.teacher.save()
    run = reminders_send(school=cast.school)
    assert (run.emails, run.skipped_staff) == (2, [cast.teacher.pk])
    assert not Message.objects.filter(staff_recipient=cast.teacher).exists()
    cast.teacher.email = "teacher@example.org"
    cast.teacher.save()
    assert reminders_send(school=cast.school).emails == 1
    assert Message.objects.get(staff_recipient=cast.teacher).to == "teacher@example.org"


def test_what_arrives_at_the_mail_server_has_both_parts_and_no_names(
    cast, due, remind, smtp_server
):
    remind(cast.school.pk)
    assert mail.outbox == []  # a real server this time
    arrived = {m["To"]: m for m in smtp_server.received}
    assert set(arrived) == {cast.teacher.email, cast.pastoral.email, cast.headteacher.email}
    teacher = arrived[cast.teacher.email]
    assert teacher["Subject"] == "Parent Compass: 2 things due at Riverside Primary"
    assert teacher.get_content_type() == "multipart/alternative"
    text = teacher.get_body(("plain",)).get_content()
    html = teacher.get_body(("html",)).get_content()
    assert "Follow-up of a contact, due today (23 Nov 2026)" in text
    assert "<li>Follow-up of a contact, due today (23 Nov 2026)" in html
    assert "List-Unsubscribe" not in teacher  # no parent's stop line or link
    assert "--\n" not in text
    message = Message.objects.get(staff_recipient=cast.teacher)
    assert teacher["Message-ID"] == f"<{message.reference}@localhost>"
    assert (message.provider, message.provider_id) == ("smtp", f"{message.reference}@localhost")
    for received in smtp_server.received:
        _no_names(
            received["Subject"],
            received.get_body(("plain",)).get_content(),
            received.get_body(("html",)).get_content(),
        )


def test_a_mail_server_that_refuses_leaves_the_reminders_queued_and_sends_them_once_later(
    cast, due, remind, smtp_server, time_machine
):
    smtp_server.refuse = "451 4.3.0 Busy, try again later"
    assert remind(cast.school.pk).return_value == 3
    assert smtp_server.received == []
    reminders = Message.objects.filter(kind=Kind.STAFF_REMINDER)
    # Each was tried once, refused, and waits in the outbox for its retry.
    waiting = list(reminders)
    assert {(m.state, m.attempts) for m in waiting} == {(Message.State.QUEUED, 1)}
    assert all(m.send_after > timezone.now() for m in waiting)
    assert all("try later (451)" in m.failure for m in waiting)
    # What they hold is marked as reminded today, so another run queues nothing twice.
    assert ReminderSent.objects.count() == 5
    assert remind(cast.school.pk).return_value == 0
    assert reminders.count() == 3

    smtp_server.refuse = ""
    assert send_due().sent == 0  # not yet: each waits for its retry time
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=2), tick=False)
    assert send_due().sent == 3
    assert sorted(m["To"] for m in smtp_server.received) == sorted(
        [cast.teacher.email, cast.pastoral.email, cast.headteacher.email]
    )
    assert {(m.state, m.attempts, m.failure) for m in reminders.all()} == {
        (Message.State.SENT, 2, "")
    }
    assert send_due().sent == 0
    assert len(smtp_server.received) == 3


def test_a_reminder_is_in_the_outbox_as_a_staff_reminder_and_never_a_family_record(
    cast, due, remind
):
    family, _ = due
    contacts = Contact.objects.count()
    remind(cast.school.pk)
    message = Message.objects.get(staff_recipient=cast.headteacher)
    assert message.kind == Kind.STAFF_REMINDER == "staff_reminder"
    assert message.get_kind_display() == "Daily reminder to staff"
    assert str(message) == f"Daily reminder to staff to {cast.headteacher.get_full_name()} (Sent)"
    assert (message.family, message.parent, message.sent_by, message.contact) == (
        None,
        None,
        None,
        None,
    )
    assert message.channel == "email" and message.school == cast.school
    assert message.subject == "Parent Compass: 1 thing due at Riverside Primary"
    assert "Meeting review" in message.body and '<a href="' in message.html
    # Its history keeps it as written; the sending is its sent_at (a queryset update).
    assert message.history.count() == 1 and message.sent_at is not None
    # Nothing about it in the family's chronology.
    assert Contact.objects.count() == contacts
    assert not family.family.messages.exists()


def test_reminders_go_by_smtp_even_when_parents_e_mails_go_through_notify(
    cast, due, remind, settings
):
    settings.MESSAGES_EMAIL_VIA = "notify"
    settings.NOTIFY_API_KEY = ""  # Notify would refuse: not set up
    remind(cast.school.pk)
    assert len(mail.outbox) == 3
    assert {m.provider for m in Message.objects.filter(kind=Kind.STAFF_REMINDER)} == {"smtp"}


def test_queueing_takes_the_same_queries_for_more_staff(cast, due):
    def queries():
        ReminderSent.objects.all().delete()
        Message.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            run = reminders_send(school=cast.school)
        return run.emails, len(captured)

    emails, few = queries()
    family = due[0].family
    for i in range(6):
        user = factories.MembershipFactory(
            school=cast.school, role=Role.STAFF, user__username=f"more-{i}"
        ).user
        _contact(cast.school, family, user, user, TODAY)
    more, many = queries()
    assert (emails, more) == (3, 9)
    assert many == few


def test_nothing_is_queued_or_marked_when_writing_the_reminders_fails(cast, due, monkeypatch):
    def disk_full(*args, **kwargs):
        raise DatabaseError("could not extend file")

    monkeypatch.setattr("reminders.services.bulk_create_with_history", disk_full)
    with pytest.raises(DatabaseError):
        reminders_send(school=cast.school)
    assert not ReminderSent.objects.exists()
    assert not Message.objects.exists()


def test_the_command_queues_every_school_and_checks_its_arguments(cast, due, committed):
    out = io.StringIO()
    with committed():
        call_command("send_reminders", stdout=out)
    assert "Queued reminders for 2 school(s)." in out.getvalue()
    assert len(mail.outbox) == 4  # the other school's teacher has a follow-up due too
    with committed():
        call_command("send_reminders", "--school", str(cast.school.pk), stdout=out)
    assert len(mail.outbox) == 4
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "23/11/2026")


def test_a_line_break_in_the_schools_name_does_not_stop_its_reminders(cast, due, remind):
    type(cast.school).objects.filter(pk=cast.school.pk).update(name="Riverside\nPrimary\r")
    result = remind(cast.school.pk)
    assert result.return_value == 3
    assert len(mail.outbox) == 3
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[cast.teacher.email] == "Parent Compass: 2 things due at Riverside Primary"
    assert ReminderSent.objects.filter(school=cast.school).count() == 5


def _failing_for(school):
    """A database that cannot write one school's reminders and writes the others'."""
    from reminders.services import due_items as real

    def due_items(for_school, day):
        if for_school.pk == school.pk:
            raise DatabaseError("could not extend file")
        return real(for_school, day)

    return due_items


def test_a_school_that_fails_is_reported_the_rest_still_go_and_the_command_fails(
    cast, due, monkeypatch, committed
):
    monkeypatch.setattr("reminders.services.due_items", _failing_for(cast.school))
    out, err = io.StringIO(), io.StringIO()
    with committed(), pytest.raises(CommandError, match="failed for 1 of 2 school"):
        call_command("send_reminders", stdout=out, stderr=err)
    assert f"School {cast.school.pk}: reminders not queued" in err.getvalue()
    assert "could not extend file" in err.getvalue()
    # The other school (tried after the failing one) still had its e-mail sent.
    assert [m.to for m in mail.outbox] == [[cast.outsider_teacher.email]]
    assert not ReminderSent.objects.filter(school=cast.school).exists()
    assert not Message.objects.filter(school=cast.school).exists()


@pytest.mark.django_db(transaction=True)  # the shell's command closes the connection: commit
def test_the_command_run_from_the_shell_exits_non_zero_when_a_school_fails(cast, due, monkeypatch):
    monkeypatch.setattr("reminders.services.due_items", _failing_for(cast.school))
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "send_reminders", "--skip-checks"]).execute()
    assert exited.value.code == 1
    # The other school's reminder was committed, then sent by the outbox at once.
    assert [m.to for m in mail.outbox] == [[cast.outsider_teacher.email]]
    assert Message.objects.get(school=cast.other_school).state == Message.State.SENT
    assert not Message.objects.filter(school=cast.school).exists()


def _a_school_of_3000_parents(cast, staff_count=40, families=1900):
    """About 3,000 parents (1.6 a family), each family with a contact follow-up due and one in
    three with a held meeting whose step, follow-up and review are due: about 3,800 items."""
    staff = [
        factories.MembershipFactory(
            school=cast.school, role=Role.STAFF, user__username=f"bulk-staff-{i}"
        ).user
        for i in range(staff_count)
    ]
    fams = Family.objects.bulk_create(
        Family(authority=cast.school.authority, name=f"Bulk family {i}") for i in range(families)
    )
    SchoolFamily.objects.bulk_create(SchoolFamily(school=cast.school, family=f) for f in fams)
    ParentCarer.objects.bulk_create(
        ParentCarer(family=f, last_name=f"Parent {i}-{j}")
        for i, f in enumerate(fams)
        for j in range(2 if i % 5 < 3 else 1)
    )
    then = timezone.now() - dt.timedelta(days=30)
    Contact.objects.bulk_create(
        Contact(
            school=cast.school,
            family=f,
            staff=staff[i % staff_count],
            occurred_at=then,
            summary="Rang home.",
            follow_up_on=TODAY - dt.timedelta(days=i % 4),
            follow_up_owner=staff[i % staff_count],
        )
        for i, f in enumerate(fams)
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            school=cast.school,
            family=f,
            chair=staff[i % staff_count],
            purpose="Planning together.",
            starts_at=then,
            status=Meeting.Status.HELD,
            review_on=TODAY,
        )
        for i, f in enumerate(fams[::3])
    )
    ActionPoint.objects.bulk_create(
        ActionPoint(
            meeting=m,
            what="A small step.",
            owner_kind="staff",
            owner_staff=staff[(i + 1) % staff_count],
            due_on=TODAY,
        )
        for i, m in enumerate(meetings)
    )
    FollowUp.objects.bulk_create(
        FollowUp(meeting=m, owner=staff[(i + 2) % staff_count], due_on=TODAY)
        for i, m in enumerate(meetings)
    )
    return staff, families + 3 * len(meetings)


def test_reminders_for_3000_parents_take_under_a_minute_with_one_worker(cast, remind):
    staff, items = _a_school_of_3000_parents(cast)
    assert ParentCarer.objects.count() >= 3000
    began = time.perf_counter()
    result = remind(cast.school.pk)  # one worker: queued, then sent by the outbox, in turn
    seconds = time.perf_counter() - began
    assert seconds < 60, seconds
    assert result.return_value == len(staff) == len(mail.outbox)
    assert ReminderSent.objects.count() == items
    listed = sum(len(re.findall(r"^- ", m.body, re.M)) for m in mail.outbox)
    assert listed == items
    assert remind(cast.school.pk).return_value == 0
    assert len(mail.outbox) == len(staff)
    print(f"\n{items} items, {len(staff)} e-mails in {seconds:.2f} s")
