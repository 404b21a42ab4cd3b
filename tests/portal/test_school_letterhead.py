"""A school's letterhead (address, phone, e-mail, website) is set in admin, with plain messages
next to a bad value, which is not saved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.models import School
from tests import factories
from tests.portal.admin_forms import admin_form_data


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


def _change(login, user, school, **fields):
    client = login(user)
    url = reverse("admin:portal_school_change", args=[school.pk])
    data = admin_form_data(client.get(url))
    data.update(fields)
    return client.post(url, data)


def test_admin_shows_the_letterhead_fields_with_help(login, cast, superuser):
    page = login(superuser).get(reverse("admin:portal_school_change", args=[cast.school.pk]))
    text = page.content.decode()
    assert "Letterhead" in text
    for label in ("Postal address", "Main phone number", "Main e-mail address", "Web address"):
        assert label in text
    assert "The number families call" in text


def test_admin_saves_the_letterhead(login, cast, superuser):
    response = _change(
        login,
        superuser,
        cast.school,
        postal_address="12 High Street \r\n Riverside\r\nRV1 2AB",
        phone="0131  496 0000",
        email="office@riverside.sch.uk",
        website="https://riverside.sch.uk",
    )
    assert response.status_code == 302
    cast.school.refresh_from_db()
    assert cast.school.postal_address == "12 High Street\nRiverside\nRV1 2AB"
    assert cast.school.phone == "0131 496 0000"
    assert cast.school.email == "office@riverside.sch.uk"
    assert cast.school.website == "https://riverside.sch.uk"
    assert cast.school.letterhead_missing == []


def test_an_administrator_of_the_school_saves_the_letterhead(login, cast):
    from django.contrib.auth.models import Permission

    cast.school.administrators.add(cast.admin)
    cast.admin.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_school", "change_school"])
    )
    response = _change(login, cast.admin, cast.school, phone="+44 131 496 0000")
    assert response.status_code == 302
    cast.school.refresh_from_db()
    assert cast.school.phone == "+44 131 496 0000"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "call the office", "digits and spaces only"),
        ("phone", "0131\t496\u202e0000", "digits and spaces only"),
        ("phone", "12 34", "between 7 and 15 digits"),
        ("email", "office at riverside", "Enter a valid email address"),
        ("website", "javascript:alert(1)", "Enter a valid URL"),
        ("postal_address", "12 High Street\tRiverside", "without tab"),
        ("postal_address", "12 High Street\u202eRiverside", "without tab"),
        ("postal_address", "12 High Street\x07", "without tab"),
    ],
)
def test_admin_refuses_a_bad_letterhead_value_next_to_the_field(
    login, cast, superuser, field, value, message
):
    response = _change(login, superuser, cast.school, **{field: value})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    cast.school.refresh_from_db()
    assert getattr(cast.school, field) == ""


def test_a_blank_letterhead_is_valid_and_says_what_is_missing(cast):
    school = School.objects.get(pk=cast.school.pk)
    school.full_clean()
    assert school.letterhead_missing == [
        "postal address",
        "main phone number",
        "main e-mail address",
    ]
    school.email = "office@riverside.sch.uk\r"
    with pytest.raises(ValidationError):
        school.full_clean()
