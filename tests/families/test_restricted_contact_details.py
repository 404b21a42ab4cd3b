"""A restricted parent's phone, e-mail and home are seen only by the staff who need them:
pastoral staff, the headteacher and the family's key contact."""

import html

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal import access
from portal.access import DATA_PROTECTION_LEADS_GROUP
from tests.families.conftest import make_family

DADS_PHONE, DADS_EMAIL = "07700 900456", "duncan@example.org"
MUMS_PHONE = "07700 900123"


@pytest.fixture
def restricted(cast):
    setup = make_family(cast, teacher=cast.teacher, restricted_dad=True)
    setup.dad.phone, setup.dad.email = DADS_PHONE, DADS_EMAIL
    setup.dad.save()
    setup.mum.phone = MUMS_PHONE
    setup.mum.save()
    return setup


def _page(client, setup, name="families:family-detail"):
    return client.get(reverse(name, args=[setup.family.pk]))


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_class_teacher_does_not_see_the_restricted_parents_details(cast, login, restricted):
    page = _text(_page(login(cast.teacher), restricted))
    assert DADS_PHONE not in page
    assert DADS_EMAIL not in page
    assert "Dad's house" not in page  # which home he lives in
    assert "Held by the pastoral team and the family's key contact" in page
    assert MUMS_PHONE in page  # no restriction on her: her details are shown as before
    assert "Mum's flat" in page


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_pastoral_staff_and_the_headteacher_see_them(cast, login, restricted, role):
    page = _text(_page(login(getattr(cast, role)), restricted))
    assert DADS_PHONE in page
    assert DADS_EMAIL in page
    assert "Dad's house" in page


def test_the_key_contact_sees_them(cast, login, restricted):
    restricted.school_family.key_contact = cast.teacher
    restricted.school_family.save()
    page = _text(_page(login(cast.teacher), restricted))
    assert DADS_PHONE in page
    assert "Held by the pastoral team" not in page


@pytest.mark.parametrize("name", ["families:family-print", "families:family-export-csv"])
def test_printouts_and_exports_hold_no_restricted_details(cast, login, restricted, name):
    body = _page(login(cast.teacher), restricted, name).content.decode()
    assert DADS_PHONE not in body
    assert DADS_EMAIL not in body


def test_the_family_list_holds_no_restricted_details(cast, login, restricted):
    body = login(cast.teacher).get(reverse("families:family-list")).text
    assert restricted.family.name in body
    assert DADS_PHONE not in body


def test_the_contact_form_shows_the_restriction_words_not_his_home(cast, login, restricted):
    url = reverse("families:contact-add", args=[restricted.family.pk])
    form = login(cast.teacher).get(url).context["form"]
    label = form.fields["parents"].label_from_instance(restricted.dad)
    assert "Court order: no school reports to be shared." in label
    assert "Dad's house" not in label


def test_a_teacher_who_is_a_data_protection_lead_sees_no_values_of_his_changes(
    cast, login, restricted
):
    group, _ = Group.objects.get_or_create(name=DATA_PROTECTION_LEADS_GROUP)
    group.permissions.add(Permission.objects.get(codename="view_family_audit"))
    cast.teacher.groups.add(group)
    restricted.dad.phone = "07700 900999"
    restricted.dad.save()
    body = login(cast.teacher).get(reverse("audit:family-audit", args=[restricted.family.pk]))
    assert body.status_code == 200
    assert "900999" not in body.text
    assert DADS_PHONE not in body.text
    head = login(cast.headteacher).get(reverse("audit:family-audit", args=[restricted.family.pk]))
    assert "07700 900999" in head.text


def test_the_policy_names_who_may_see_them(cast, restricted):
    def may(user, key_contact_id=None):
        return access.may_see_restricted_contact_details(
            user, cast.school, key_contact_id=key_contact_id
        )

    assert may(cast.pastoral) and may(cast.headteacher)
    assert not may(cast.teacher)
    assert may(cast.teacher, key_contact_id=cast.teacher.pk)
    assert not may(cast.authority_officer) and not may(cast.outsider_pastoral)
