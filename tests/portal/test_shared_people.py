"""portal.lib.staff.shared_people: a row's staff as select_related gives them, from the names'
columns read with the row, and one user made for each person however many rows name them."""

import pytest
from django.core.exceptions import FieldFetchBlocked
from django.db import models

from families.models import Contact
from portal.lib.staff import person_columns, shared_people, staff_name
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def _read(*fields):
    columns = person_columns(*fields)
    return list(
        Contact.all_objects.annotate(**columns).order_by("pk").fetch_mode(models.FETCH_RAISE)
    )


def test_each_row_names_its_people_as_select_related_would(django_assert_num_queries):
    morgan = UserFactory(username="mteach", first_name="Morgan", last_name="Teacher")
    sam = UserFactory(username="sam.only", first_name="", last_name="")
    first = ContactFactory(staff=morgan, follow_up_owner=sam)
    school = first.school
    ContactFactory(staff=sam, school=school, family=first.family)
    ContactFactory(staff=morgan, school=school, family=first.family, follow_up_owner=morgan)
    expected = [
        (staff_name(c.staff), c.follow_up_owner and staff_name(c.follow_up_owner))
        for c in Contact.all_objects.select_related("staff", "follow_up_owner").order_by("pk")
    ]
    rows = _read("staff", "follow_up_owner")
    with django_assert_num_queries(0):
        shared_people(rows, "staff", "follow_up_owner")
        got = [
            (staff_name(c.staff), c.follow_up_owner and staff_name(c.follow_up_owner)) for c in rows
        ]
    assert (
        got
        == expected
        == [
            ("Morgan Teacher", "sam.only"),
            ("sam.only", None),
            ("Morgan Teacher", "Morgan Teacher"),
        ]
    )
    # One user for each person, whichever field names them.
    assert rows[0].staff is rows[2].staff is rows[2].follow_up_owner
    assert rows[0].follow_up_owner is rows[1].staff
    assert rows[0].staff.pk == morgan.pk


def test_a_column_not_read_is_fetched_or_refused_as_the_rows_were_read():
    teacher = UserFactory(username="mteach", email="morgan@school.example")
    ContactFactory(staff=teacher)
    (row,) = shared_people(_read("staff"), "staff")
    assert row.staff.get_deferred_fields() >= {"email", "password"}
    # Read to raise (as the chronology's rows are): no quiet query for each person.
    with pytest.raises(FieldFetchBlocked):
        row.staff.email  # noqa: B018
    columns = person_columns("staff")
    (fetching,) = shared_people(list(Contact.all_objects.annotate(**columns)), "staff")
    assert fetching.staff.email == "morgan@school.example"
