import pytest
from django.urls import reverse

from families.models import ParentCarer, SchoolFamily
from tests import factories

FORM = {
    "preferred_channel": "phone",
    "phone": "07700 900123",
    "email": "",
    "language": "Polish",
    "interpreter_needed": "on",
    "reading": "spoken",
    "good_times": "Weekdays after 4pm",
    "good_places": "Community centre",
    "work_pattern": "Early shifts",
    "transport_needs": "",
    "mobility_needs": "",
    "dates_to_avoid": "",
    "household": "Mum's flat",
}


def _url(fam, parent=None):
    return reverse("families:parent-preferences", args=[fam.family.pk, (parent or fam.mum).pk])


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_pastoral_and_head_record_how_to_reach_a_parent_with_history(cast, fam, login, role):
    client = login(getattr(cast, role))
    assert (
        "Edit how to reach Morven"
        in client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    )
    assert client.get(_url(fam)).status_code == 200
    response = client.post(_url(fam), FORM)
    assert response.status_code == 302
    mum = ParentCarer.objects.get(pk=fam.mum.pk)
    assert (mum.language, mum.interpreter_needed, mum.good_times) == (
        "Polish",
        True,
        "Weekdays after 4pm",
    )
    assert mum.history.first().history_user == getattr(cast, role)
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "Interpreter needed" in page and "Weekdays after 4pm" in page


def test_teacher_may_edit_only_as_key_contact(cast, fam, login):
    client = login(cast.teacher)
    assert client.post(_url(fam), FORM).status_code == 403
    assert ParentCarer.objects.get(pk=fam.mum.pk).language == "English"
    SchoolFamily.objects.filter(pk=fam.school_family.pk).update(key_contact=cast.teacher)
    assert client.get(_url(fam)).status_code == 200


def test_a_parent_of_another_family_is_not_found(cast, fam, login):
    stranger = factories.ParentCarerFactory(family=factories.FamilyFactory())
    assert login(cast.pastoral).get(_url(fam, stranger)).status_code == 404


def test_other_roles_schools_methods_and_anonymous(cast, fam, login, client):
    assert login(cast.authority_officer).get(_url(fam)).status_code == 403
    assert login(cast.outsider_pastoral).get(_url(fam)).status_code == 404
    assert login(cast.pastoral).put(_url(fam)).status_code == 405
    client.logout()
    assert reverse("login") in client.get(_url(fam))["Location"]


def test_bad_input_is_explained_and_nothing_changes(cast, fam, login):
    response = login(cast.pastoral).post(
        _url(fam), {**FORM, "language": "  ", "email": "not-an-address", "good_times": "x" * 201}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"language", "email", "good_times"} <= set(errors)
    assert "Say which language" in response.text
    mum = ParentCarer.objects.get(pk=fam.mum.pk)
    assert (mum.language, mum.good_times) == ("English", "")
