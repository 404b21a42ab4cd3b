"""Staff pickers drawn from one kept read (portal.lib.staff.offer_family_workers): the same
people, in the same order, as the school's family workers, and nobody else accepted."""

import pytest

from families.forms import ContactForm, KeyContactForm
from portal.lib.staff import family_workers, staff_name
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db


def test_the_pickers_offer_the_schools_family_workers_in_order(cast):
    school_family = make_family(cast, name="Adair").school_family
    expected = [(u.pk, staff_name(u)) for u in family_workers(cast.school)]
    assert len(expected) >= 3
    form = ContactForm(school=cast.school, family=school_family.family, user=cast.pastoral)
    staff = form.fields["staff"]
    assert list(staff.choices) == [("", staff.empty_label), *expected]
    assert list(form.fields["follow_up_owner"].choices) == [
        ("", "The person logging it"),
        *expected,
    ]
    assert list(form.fields["named_staff"].choices) == expected
    key = KeyContactForm(instance=school_family, school=cast.school)
    assert list(key.fields["key_contact"].choices) == [("", "Nobody yet"), *expected]
    html = str(key["key_contact"])
    assert staff_name(cast.pastoral) in html
    assert staff_name(cast.outsider_pastoral) not in html


def test_someone_from_another_school_is_not_accepted(cast):
    school_family = make_family(cast, name="Adair").school_family
    outsider = KeyContactForm(
        {"key_contact": cast.outsider_pastoral.pk}, instance=school_family, school=cast.school
    )
    assert not outsider.is_valid()
    assert "key_contact" in outsider.errors
    colleague = KeyContactForm(
        {"key_contact": cast.teacher.pk}, instance=school_family, school=cast.school
    )
    assert colleague.is_valid(), colleague.errors
    assert colleague.cleaned_data["key_contact"] == cast.teacher
