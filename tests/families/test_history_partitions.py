"""The edit history of contacts and amendments partitioned by month on PostgreSQL (families
migration 0019): the catalogue, where an edit lands, ids, and the chronology still reading it."""

import pytest
from django.db import connection
from simple_history.utils import bulk_create_with_history

from audit import partitions
from families.models import Contact, ContactAmendment, contacts_named
from portal.lib.records import history_by
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="month partitions are PostgreSQL's"
    ),
]

HISTORIES = [Contact.history.model, ContactAmendment.history.model]


def _one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@pytest.mark.parametrize("model", HISTORIES, ids=lambda m: m._meta.db_table)
def test_the_history_is_partitioned_by_month_of_its_date(model):
    table = model._meta.db_table
    assert partitions.partitioned_tables(connection).count((table, "history_date")) == 1
    month = partitions.month_name(table, partitions.this_month())
    assert _one(
        "SELECT count(*) FROM pg_inherits "
        "WHERE inhparent = %s::regclass AND inhrelid = %s::regclass",
        [table, month],
    ) == (1,)
    key = _one(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'p' AND conrelid = %s::regclass",
        [table],
    )[0]
    assert key == "PRIMARY KEY (history_id, history_date)"
    assert _one("SELECT count(*) FROM pg_constraint WHERE confrelid = %s::regclass", [table]) == (
        0,
    )


def test_an_edit_lands_in_this_months_partition_with_an_id(cast):
    contact = factories.ContactFactory(school=cast.school, staff=cast.teacher)
    contact.summary = "Rang back about the trip."
    history_by(contact, cast.pastoral)
    contact.save()
    edits = list(Contact.history.filter(id=contact.pk).order_by("history_id"))
    assert [e.history_type for e in edits] == ["+", "~"]
    assert edits[0].history_id < edits[1].history_id
    table = Contact.history.model._meta.db_table
    where = _one(
        f'SELECT tableoid::regclass::text FROM "{table}" WHERE history_id = %s',
        [edits[1].history_id],
    )[0]
    assert where == partitions.month_name(table, partitions.this_month())
    # The chronology's "last edited by" reads the partitioned history as before.
    (named,) = contacts_named([contact])
    assert named.last_editor_username == cast.pastoral.username


def test_bulk_created_history_rows_get_their_ids(cast):
    family = factories.FamilyFactory(authority=cast.school.authority)
    contacts = [
        Contact(school=cast.school, family=family, staff=cast.teacher, summary=f"Call {n}")
        for n in range(3)
    ]
    bulk_create_with_history(contacts, Contact)
    rows = Contact.history.filter(id__in=[c.pk for c in contacts])
    assert rows.count() == 3
    assert None not in rows.values_list("history_id", flat=True)


def test_an_amendments_history_is_kept_by_month_too(cast):
    amendment = factories.ContactAmendmentFactory(
        contact=factories.ContactFactory(school=cast.school, staff=cast.teacher)
    )
    table = ContactAmendment.history.model._meta.db_table
    (where,) = _one(f'SELECT tableoid::regclass::text FROM "{table}" WHERE id = %s', [amendment.pk])
    assert where == partitions.month_name(table, partitions.this_month())
