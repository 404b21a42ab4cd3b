"""Edit history of families, children, parents and contacts: every create, change and
withdrawal names who did it, and still does after that person's account is deleted."""

import pytest
from django.contrib.auth import get_user_model

from compass.models import Placement
from families.models import Child, ChildParent, Contact, Family, ParentCarer, SchoolFamily
from families.services import contact_log, contact_withdraw
from tests import factories


def _saved_by(obj, user, **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()
    return obj


@pytest.mark.parametrize(
    ("model", "make", "change"),
    [
        (Family, lambda cast: factories.FamilyFactory(), {"strengths": "Grandad helps."}),
        (
            Child,
            lambda cast: factories.ChildFactory(school=cast.school),
            {"year_group": "P5"},
        ),
        (ParentCarer, lambda cast: factories.ParentCarerFactory(), {"phone": "0131 496 0000"}),
    ],
    ids=["family", "child", "parent"],
)
def test_create_and_change_are_recorded_with_who(cast, model, make, change):
    obj = make(cast)
    _saved_by(obj, cast.pastoral, **change)
    rows = list(obj.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in rows] == ["+", "~"]
    assert rows[1].history_user == cast.pastoral
    assert rows[1].history_username == "pastoral"
    field, value = next(iter(change.items()))
    assert getattr(rows[0], field) != value
    assert getattr(rows[1], field) == value


def _contact(cast, staff=None):
    sf = factories.SchoolFamilyFactory(school=cast.school)
    parent = factories.ParentCarerFactory(family=sf.family)
    return contact_log(
        school=cast.school,
        family=sf.family,
        staff=staff or cast.teacher,
        parents=[parent],
        summary="Rang home.",
    )


def test_contact_create_and_withdrawal_are_recorded_with_who(cast):
    contact = _contact(cast)
    contact_withdraw(contact=contact, withdrawn_by=cast.pastoral, reason="Entered twice.")
    rows = list(contact.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in rows] == ["+", "~"]
    assert rows[0].history_user == cast.teacher
    assert rows[1].history_user == cast.pastoral
    assert rows[0].withdrawn_at is None
    assert rows[1].withdrawn_reason == "Entered twice."
    # Still in the database, out of the default manager.
    assert Contact.all_objects.filter(pk=contact.pk).exists()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_history_survives_the_deletion_of_its_author_and_still_names_them(cast):
    author = factories.UserFactory(username="j.macleod", first_name="Jo", last_name="MacLeod")
    factories.MembershipFactory(user=author, school=cast.school, role="pastoral")
    family = factories.FamilyFactory()
    _saved_by(family, author, strengths="Loves football.")
    history_id = family.history.latest().history_id
    get_user_model().objects.filter(pk=author.pk).delete()

    row = Family.history.model.objects.select_related("history_user").get(history_id=history_id)
    assert row.strengths == "Loves football."
    assert row.history_user is None  # the account is gone ...
    assert row.history_user_id == author.pk  # ... but who it was is kept
    assert row.history_username == "j.macleod"
    assert row.history_author == "j.macleod (account removed)"


@pytest.mark.parametrize(
    "model",
    [Family, SchoolFamily, Child, ParentCarer, ChildParent, Contact, Placement],
    ids=lambda m: m._meta.model_name,
)
def test_admin_offers_no_delete_even_to_a_superuser(client, cast, model):
    from django.contrib import admin
    from django.test import RequestFactory

    superuser = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert model_admin.has_delete_permission(request) is False
    assert "delete_selected" not in model_admin.get_actions(request)


def test_admin_delete_page_is_refused(client, cast):
    from django.urls import reverse

    from tests.conftest import otp_verify_session

    superuser = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    family = factories.FamilyFactory()
    client.force_login(superuser)
    otp_verify_session(client, superuser)
    url = reverse("admin:families_family_delete", args=[family.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Family.objects.filter(pk=family.pk).exists()
