"""The scheduled retention review: it tells the headteacher and never erases."""

import datetime
import logging

import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from families.models import Contact
from portal.access import DATA_PROTECTION_LEADS_GROUP
from privacy.tasks import retention_review_all, retention_review_school


def test_the_review_emails_the_headteacher_counts_without_names(cast, left_family, mailoutbox):
    cast.headteacher.email = "head@riverside.example"
    cast.headteacher.save()
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, tzinfo=datetime.UTC)):
        result = retention_review_school.enqueue(cast.school.pk)
    assert result.return_value == 3  # a contact, a meeting and a complaint
    [mail] = mailoutbox
    assert mail.to == ["head@riverside.example"]
    assert mail.subject == "Records past retention at Riverside Primary"
    assert "- Contacts: 1" in mail.body
    assert "Oak" not in mail.body
    assert "Morag" not in mail.body
    assert Contact.objects.count() == 2  # nothing erased


def test_a_line_break_in_the_schools_name_does_not_stop_the_review_email(
    cast, left_family, mailoutbox
):
    type(cast.school).objects.filter(pk=cast.school.pk).update(name="Riverside\nPrimary")
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, tzinfo=datetime.UTC)):
        retention_review_school.enqueue(cast.school.pk)
    [mail] = mailoutbox
    assert mail.subject == "Records past retention at Riverside Primary"


def test_the_review_logs_counts_and_ids_only(cast, left_family, caplog):
    with (
        caplog.at_level(logging.INFO, logger="privacy"),
        time_machine.travel(datetime.datetime(2026, 7, 2, 9, tzinfo=datetime.UTC)),
    ):
        retention_review_school.enqueue(cast.school.pk)
    assert f"school={cast.school.pk} families_due=1" in caplog.text
    assert "Oak" not in caplog.text


def test_no_email_when_nothing_is_due(cast, left_family, mailoutbox):
    with time_machine.travel(datetime.datetime(2025, 1, 2, 9, tzinfo=datetime.UTC)):
        assert retention_review_school.enqueue(cast.school.pk).return_value == 0
    assert mailoutbox == []


def test_every_school_is_queued(cast):
    assert retention_review_all.enqueue().return_value == 2


def test_the_command_queues_the_review(cast, capsys):
    call_command("retention_review", "--notify")
    assert "Queued the retention review for every school" in capsys.readouterr().out


def test_the_headteacher_has_the_navigation_link(login, cast):
    response = login(cast.headteacher).get("/")
    assert "Data protection" in [item["label"] for item in response.context["nav_items"]]
    response = login(cast.teacher).get("/")
    assert "Data protection" not in [item["label"] for item in response.context["nav_items"]]


def test_a_data_protection_lead_has_the_navigation_link_at_no_extra_query(login, cast):
    client = login(cast.pastoral)
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        response = client.get("/")
    assert "Data protection" not in [item["label"] for item in response.context["nav_items"]]

    group, _ = Group.objects.get_or_create(name=DATA_PROTECTION_LEADS_GROUP)
    group.permissions.add(Permission.objects.get(codename="view_family_audit"))
    cast.pastoral.groups.add(group)
    with CaptureQueriesContext(connection) as after:
        response = client.get("/")
    assert "Data protection" in [item["label"] for item in response.context["nav_items"]]
    assert len(after.captured_queries) == len(before.captured_queries)
