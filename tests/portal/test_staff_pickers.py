"""Staff pickers drawn from one kept read (portal.lib.staff.offer_family_workers): the same
people, in the same order, as the school's family workers, and nobody else accepted."""

import pytest

from families.forms import ContactForm, KeyContactForm
from portal.lib.staff import family_workers, staff_name
from tests.families.conftest import contact_form_data, make_family

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


def test_a_sent_contact_form_looks_up_its_staff_and_parents_with_kept_reads(cast, monkeypatch):
    made = make_family(cast, name="Adair")
    other = make_family(cast, name="Brodie")
    mum, dad = made.mum, made.dad
    # The same people a fresh build would accept, and the staff member is the signed-in user
    # object itself when it is them (their roles already read).
    sent = contact_form_data(
        made, staff=cast.pastoral.pk, parents=[str(dad.pk), str(mum.pk)], children=[]
    )
    form = ContactForm(sent, school=cast.school, family=made.family, user=cast.pastoral)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["staff"] is cast.pastoral
    assert sorted(p.pk for p in form.cleaned_data["parents"]) == sorted([mum.pk, dad.pk])
    colleague = ContactForm(
        contact_form_data(made, staff=cast.teacher.pk, parents=[mum.pk]),
        school=cast.school,
        family=made.family,
        user=cast.pastoral,
    )
    assert colleague.is_valid(), colleague.errors
    assert colleague.cleaned_data["staff"] == cast.teacher
    # Refused as Django refuses: another family's parent, another school's member of staff,
    # nonsense and out-of-range ids.
    for changes, field in (
        ({"parents": [mum.pk, other.mum.pk]}, "parents"),
        ({"parents": [mum.pk], "staff": cast.outsider_pastoral.pk}, "staff"),
        ({"parents": ["x"]}, "parents"),
        ({"parents": [mum.pk], "staff": "99999999999999999999"}, "staff"),
        ({"parents": [mum.pk], "staff": "-3"}, "staff"),
        ({"parents": [mum.pk], "staff": "9" * 5000}, "staff"),
        ({"parents": ["9" * 5000]}, "parents"),
    ):
        refused = ContactForm(
            contact_form_data(made, **{"staff": cast.pastoral.pk, **changes}),
            school=cast.school,
            family=made.family,
            user=cast.pastoral,
        )
        assert not refused.is_valid()
        assert list(refused.errors) == [field], (changes, refused.errors)
    # Looked up by the kept reads, not by Django's own lookups through the querysets.
    from django import forms as django_forms

    from families import forms as family_forms
    from portal.lib import staff

    asked = []
    for module, name in ((staff, "_workers_named"), (family_forms, "_parents_named")):
        kept = getattr(module, name)
        monkeypatch.setattr(
            module,
            name,
            lambda kept=kept, name=name, **values: asked.append(name) or kept(**values),
        )
    for cls, name in (
        (django_forms.ModelChoiceField, "to_python"),
        (django_forms.ModelMultipleChoiceField, "_check_values"),
    ):
        monkeypatch.setattr(cls, name, lambda *a, **k: pytest.fail("Django's own lookup"))
    again = ContactForm(sent, school=cast.school, family=made.family, user=cast.pastoral)
    assert again.is_valid(), again.errors
    # The signed-in user chose themselves: no read for them at all.
    assert asked == ["_parents_named"]
    asked.clear()
    colleague = ContactForm(
        {**sent, "staff": cast.teacher.pk},
        school=cast.school,
        family=made.family,
        user=cast.pastoral,
    )
    assert colleague.is_valid(), colleague.errors
    assert sorted(asked) == ["_parents_named", "_workers_named"]


def test_someone_signed_in_who_does_not_work_with_families_cannot_name_themselves(cast):
    made = make_family(cast, name="Adair")
    data = contact_form_data(made, staff=cast.authority_officer.pk)
    form = ContactForm(data, school=cast.school, family=made.family, user=cast.authority_officer)
    assert not form.is_valid()
    assert list(form.errors) == ["staff"]
