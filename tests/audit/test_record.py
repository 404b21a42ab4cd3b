"""audit.record: one row per view, print or export, with who, what, when and from where."""

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings

import audit
from audit.models import AccessLog
from tests import factories

NOW = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)


def _request(user, school, **meta):
    request = RequestFactory().get("/families/1/", **meta)
    request.user = user
    request.school = school
    return request


@time_machine.travel(NOW, tick=False)
def test_record_writes_who_what_when_and_from_where(cast):
    contact = factories.ContactFactory(school=cast.school, summary="Talked about Robin's reading")
    request = _request(
        cast.teacher, cast.school, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox/140"
    )
    audit.record(request, action=audit.VIEW, obj=contact, family=contact.family)
    row = AccessLog.objects.get()
    assert row.user == cast.teacher
    assert row.username == "teacher"
    assert row.school == cast.school
    assert row.action == "view"
    assert row.content_type == ContentType.objects.get_for_model(contact)
    assert row.object_id == contact.pk
    assert row.family_id == contact.family_id
    assert row.at == NOW
    assert row.ip_address == "203.0.113.9"
    assert row.user_agent == "Firefox/140"


def test_record_holds_ids_never_names(cast):
    child = factories.ChildFactory(school=cast.school, first_name="Zephyrine", last_name="Quill")
    audit.record(_request(cast.teacher, cast.school), action=audit.PRINT, obj=child, family=1)
    values = " ".join(str(v) for v in AccessLog.objects.values().get().values())
    assert "Zephyrine" not in values
    assert "Quill" not in values


def test_record_takes_a_family_id_as_well_as_a_family(cast):
    family = factories.FamilyFactory()
    audit.record(_request(cast.teacher, cast.school), action=audit.EXPORT, obj=family, family=7)
    assert AccessLog.objects.get().family_id == 7


def test_an_unknown_action_is_refused_and_nothing_saved(cast):
    family = factories.FamilyFactory()
    with pytest.raises(ValidationError):
        audit.record(_request(cast.teacher, cast.school), action="edit", obj=family)
    assert not AccessLog.objects.exists()


@override_settings(PROXY_COUNT=1)
def test_behind_one_proxy_the_address_the_proxy_saw_is_logged(cast):
    family = factories.FamilyFactory()
    request = _request(
        cast.teacher,
        cast.school,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.20",  # the first entry is the client's claim
    )
    audit.record(request, action=audit.VIEW, obj=family)
    assert AccessLog.objects.get().ip_address == "198.51.100.20"


def test_without_a_proxy_a_forwarded_header_is_not_believed(cast):
    family = factories.FamilyFactory()
    request = _request(
        cast.teacher, cast.school, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.1.1.1"
    )
    audit.record(request, action=audit.VIEW, obj=family)
    assert AccessLog.objects.get().ip_address == "203.0.113.5"


def test_rows_outlive_the_user_who_viewed(cast):
    family = factories.FamilyFactory()
    audit.record(_request(cast.teacher, cast.school), action=audit.VIEW, obj=family)
    cast.teacher.delete()
    row = AccessLog.objects.get()
    assert row.user is None
    assert row.username == "teacher"


def test_record_many_logs_each_record_in_one_query(cast, django_assert_num_queries):
    contacts = [factories.ContactFactory(school=cast.school) for _ in range(3)]
    ContentType.objects.get_for_model(contacts[0])  # cached after the first use in a process
    with django_assert_num_queries(1):
        audit.record_many(
            _request(cast.pastoral, cast.school), action=audit.VIEW, objs=contacts, family=5
        )
    assert sorted(AccessLog.objects.values_list("object_id", flat=True)) == sorted(
        c.pk for c in contacts
    )
    assert set(AccessLog.objects.values_list("family_id", flat=True)) == {5}


def test_record_many_with_nothing_writes_nothing(cast, django_assert_num_queries):
    with django_assert_num_queries(0):
        audit.record_many(_request(cast.pastoral, cast.school), action=audit.VIEW, objs=[])
