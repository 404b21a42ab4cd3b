"""Reminder e-mails to staff for what is due: through the tasks API, once a day, no names."""

import datetime as dt
import io
import re
import time

import pytest
from django.core import mail
from django.core.management import CommandError, ManagementUtility, call_command
from django.utils import timezone

from families.models import Contact, Family, ParentCarer, SchoolFamily
from meetings.models import ActionPoint, FollowUp, Meeting
from portal.models import Role
from reminders.models import ReminderSent
from reminders.services import reminders_send
from reminders.tasks import reminders_send_school
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC), tick=False)


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


def test_one_email_per_member_of_staff_listing_what_is_due(cast, due):
    family, made = due
    result = reminders_send_school.enqueue(cast.school.pk)
    assert result.return_value == 3
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {cast.teacher.email, cast.pastoral.email, cast.headteacher.email}

    teacher = by_person[cast.teacher.email]
    assert teacher.subject == "Parent Compass: 2 things due at Riverside Primary"
    assert "Follow-up of a contact, due today (23 Nov 2026)" in teacher.body
    assert "Follow-up of a contact, due 20 Nov 2026, 3 days ago" in teacher.body
    assert f"/families/{family.family_id}/" in teacher.body
    pastoral = by_person[cast.pastoral.email]
    assert "Agreed step from a meeting" in pastoral.body
    assert "Follow-up of a meeting, due today" in pastoral.body
    assert "Meeting review, due 22 Nov 2026, 1 day ago" in by_person[cast.headteacher.email].body
    # No names of the family, parents or pupils, and no wording from the records.
    for message in mail.outbox:
        text = message.subject + message.body
        assert "Okafor" not in text and "Ada" not in text and "Ring" not in text
    assert ReminderSent.objects.count() == 5
    assert not any(m.to == [cast.outsider_teacher.email] for m in mail.outbox)


def test_running_again_the_same_day_sends_nothing_but_what_is_new(cast, due):
    family, _ = due
    reminders_send_school.enqueue(cast.school.pk)
    assert len(mail.outbox) == 3
    assert reminders_send_school.enqueue(cast.school.pk).return_value == 0
    assert len(mail.outbox) == 3
    _contact(cast.school, family.family, cast.pastoral, cast.pastoral, TODAY)
    assert reminders_send_school.enqueue(cast.school.pk).return_value == 1
    assert mail.outbox[-1].subject == "Parent Compass: 1 thing due at Riverside Primary"
    # The next day, whatever is still open is due again.
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert reminders_send_school.enqueue(cast.school.pk, tomorrow).return_value == 3


def test_staff_without_an_address_are_left_out_and_reminded_once_they_have_one(cast, due):
    cast.teacher.email = ""
    cast.teacher.save()
    run = reminders_send(school=cast.school)
    assert (run.emails, run.skipped_staff) == (2, [cast.teacher.pk])
    cast.teacher.email = "teacher@example.org"
    cast.teacher.save()
    assert reminders_send(school=cast.school).emails == 1


def test_a_failed_send_leaves_nothing_marked_as_sent(cast, due, monkeypatch):
    def mail_server_down(*args, **kwargs):
        raise OSError("The mail server did not answer.")

    monkeypatch.setattr("portal.lib.mail.send_all", mail_server_down)
    with pytest.raises(OSError):
        reminders_send(school=cast.school)
    assert not ReminderSent.objects.exists()


def test_the_command_queues_every_school_and_checks_its_arguments(cast, due):
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "Queued reminders for 2 school(s)." in out.getvalue()
    assert len(mail.outbox) == 4  # the other school's teacher has a follow-up due too
    call_command("send_reminders", "--school", str(cast.school.pk), stdout=out)
    assert len(mail.outbox) == 4
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "23/11/2026")


def test_a_line_break_in_the_schools_name_does_not_stop_its_reminders(cast, due):
    type(cast.school).objects.filter(pk=cast.school.pk).update(name="Riverside\nPrimary\r")
    result = reminders_send_school.enqueue(cast.school.pk)
    assert result.return_value == 3
    assert len(mail.outbox) == 3
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[cast.teacher.email] == "Parent Compass: 2 things due at Riverside Primary"
    assert ReminderSent.objects.filter(school=cast.school).count() == 5


def _failing_for(school_name):
    """A mail server that refuses one school's e-mails and sends the others'."""
    from portal.lib.mail import send_all as real

    def send(messages, **kwargs):
        if any(school_name in message.subject for message in messages):
            raise OSError("The mail server did not answer.")
        return real(messages, **kwargs)

    return send


def test_a_failed_send_is_reported_the_rest_still_go_and_the_command_fails(cast, due, monkeypatch):
    monkeypatch.setattr("portal.lib.mail.send_all", _failing_for("Riverside Primary"))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="failed for 1 of 2 school"):
        call_command("send_reminders", stdout=out, stderr=err)
    assert f"School {cast.school.pk}: reminders not sent" in err.getvalue()
    assert "The mail server did not answer." in err.getvalue()
    # The other school (tried after the failing one) still had its e-mail sent.
    assert [m.to for m in mail.outbox] == [[cast.outsider_teacher.email]]
    assert not ReminderSent.objects.filter(school=cast.school).exists()


def test_the_command_run_from_the_shell_exits_non_zero_when_a_send_fails(cast, due, monkeypatch):
    monkeypatch.setattr("portal.lib.mail.send_all", _failing_for("Riverside Primary"))
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "send_reminders", "--skip-checks"]).execute()
    assert exited.value.code == 1
    assert len(mail.outbox) == 1


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


def test_reminders_for_3000_parents_take_under_a_minute_with_one_worker(cast):
    staff, items = _a_school_of_3000_parents(cast)
    assert ParentCarer.objects.count() >= 3000
    began = time.perf_counter()
    result = reminders_send_school.enqueue(cast.school.pk)  # one worker: run here, in turn
    seconds = time.perf_counter() - began
    assert seconds < 60, seconds
    assert result.return_value == len(staff) == len(mail.outbox)
    assert ReminderSent.objects.count() == items
    listed = sum(len(re.findall(r"^- ", m.body, re.M)) for m in mail.outbox)
    assert listed == items
    assert reminders_send_school.enqueue(cast.school.pk).return_value == 0
    assert len(mail.outbox) == len(staff)
    print(f"\n{items} items, {len(staff)} e-mails in {seconds:.2f} s")
