"""The family audit page reads as words: records named with links, values
as people read them, 30 rows a page, a filter by person, and the school's pastoral lead."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

import audit
from portal.models import StaffAccessChange
from tests import factories


@pytest.fixture
def school_family(cast):
    return factories.SchoolFamilyFactory(school=cast.school, family__name="Family Birch")


def _url(school_family, **query):
    url = reverse("audit:family-audit", args=[school_family.family_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _view(user, school, obj, family):
    request = RequestFactory().get("/")
    request.user = user
    request.school = school
    audit.record(request, action=audit.VIEW, obj=obj, family=family)


def test_records_are_named_in_words_with_a_link(login, cast, school_family):
    child = factories.ChildFactory(
        school=cast.school, family=school_family.family, first_name="Robin", last_name="Birch"
    )
    _view(cast.teacher, cast.school, child, school_family.family)
    _view(cast.teacher, cast.school, school_family.family, school_family.family)
    body = login(cast.headteacher).get(_url(school_family)).text
    family_url = reverse("families:family-detail", args=[school_family.family_id])
    assert f'<a href="{family_url}">Robin Birch</a>' in body
    assert f'<a href="{family_url}">Family Birch</a>' in body
    assert f"Child #{child.pk}" not in body
    assert f"Family #{school_family.family_id}" not in body


def test_changed_values_read_as_names_and_words_not_ids(login, cast, school_family):
    school_family.key_contact = cast.pastoral
    school_family._history_user = cast.headteacher
    school_family.save()
    child = factories.ChildFactory(school=cast.school, family=school_family.family)
    child.looked_after = True
    child._history_user = cast.headteacher
    child.save()
    body = login(cast.headteacher).get(_url(school_family)).text
    assert f"<strong>Key contact:</strong> — → {cast.pastoral.get_full_name()}" in body
    assert f"#{cast.pastoral.pk}" not in body
    assert "<strong>Looked after:</strong> No → Yes" in body


def test_views_past_30_rows_go_on_a_second_page(login, cast, school_family):
    contacts = [
        factories.ContactFactory(school=cast.school, family=school_family.family) for _ in range(31)
    ]
    for contact in contacts:
        _view(cast.teacher, cast.school, contact, school_family.family)
    client = login(cast.headteacher)
    first = client.get(_url(school_family)).text
    assert "Page 1 of 2" in first
    assert first.count("families/contacts/") >= 30
    assert "?page=2" in first
    second = client.get(_url(school_family, page=2)).text
    assert "Page 2 of 2" in second
    assert "31 to 31" in second


def test_changes_past_30_rows_page_on_their_own(login, cast, school_family):
    family = school_family.family
    for n in range(32):
        family.strengths = f"Strength {n}"
        family._history_user = cast.pastoral
        family.save()
    client = login(cast.headteacher)
    first = client.get(_url(school_family)).text
    assert "?changes_page=2" in first
    second = client.get(_url(school_family, changes_page=2)).text
    assert "Page 2 of 2" in second
    assert "→ Strength 0<" in second  # the oldest change is on the last page


def test_filter_by_person_shows_only_what_they_did(login, cast, school_family):
    contact = factories.ContactFactory(school=cast.school, family=school_family.family)
    _view(cast.teacher, cast.school, contact, school_family.family)
    _view(cast.pastoral, cast.school, school_family.family, school_family.family)
    family = school_family.family
    family.strengths = "ZZ-BY-TEACHER"
    family._history_user = cast.teacher
    family.save()
    family.strengths = "ZZ-BY-PASTORAL"
    family._history_user = cast.pastoral
    family.save()
    client = login(cast.headteacher)
    everyone = client.get(_url(school_family)).text
    assert '<select name="person"' in everyone
    assert "ZZ-BY-PASTORAL" in everyone
    only = client.get(_url(school_family, person=cast.teacher.pk))
    body = only.text
    assert "→ ZZ-BY-TEACHER" in body
    assert "→ ZZ-BY-PASTORAL" not in body
    assert reverse("families:contact-history", args=[contact.pk]) in body
    # The pastoral member's view of the family page is not listed.
    rows = [row for row, _who, _record in only.context["views"]]
    assert {row.user_id for row in rows} == {cast.teacher.pk}


def test_a_person_not_on_the_list_is_explained_and_everyone_shown(login, cast, school_family):
    response = login(cast.headteacher).get(_url(school_family, person=999999))
    assert response.status_code == 200
    assert response.context["person"] is None
    assert "is-invalid" in response.text


def test_the_pastoral_lead_the_school_names_may_see_the_page(login, cast, school_family):
    assert login(cast.pastoral).get(_url(school_family)).status_code == 403
    cast.school.pastoral_lead = cast.pastoral
    cast.school.full_clean()
    cast.school.save()
    assert login(cast.pastoral).get(_url(school_family)).status_code == 200
    family_page = login(cast.pastoral).get(
        reverse("families:family-detail", args=[school_family.family_id])
    )
    assert reverse("audit:family-audit", args=[school_family.family_id]) in family_page.text


def test_being_pastoral_lead_elsewhere_gives_no_sight_here(login, cast, school_family):
    cast.other_school.pastoral_lead = cast.outsider_pastoral
    cast.other_school.save()
    assert login(cast.outsider_pastoral).get(_url(school_family)).status_code == 404


def test_a_pastoral_lead_who_loses_the_pastoral_role_loses_the_page(login, cast, school_family):
    cast.school.pastoral_lead = cast.teacher  # set directly, past the form's check
    cast.school.save()
    assert login(cast.teacher).get(_url(school_family)).status_code == 403


def test_the_pastoral_lead_gains_no_data_protection_pages(login, cast):
    cast.school.pastoral_lead = cast.pastoral
    cast.school.save()
    assert login(cast.pastoral).get(reverse("privacy:retention")).status_code == 403


def test_only_pastoral_staff_of_the_school_can_be_named(cast):
    cast.school.pastoral_lead = cast.teacher
    with pytest.raises(ValidationError) as error:
        cast.school.full_clean()
    assert "pastoral_lead" in error.value.message_dict


def test_a_superuser_names_the_pastoral_lead_in_admin_and_it_is_logged(login, cast):
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client = login(root)
    url = reverse("admin:portal_school_change", args=[cast.school.pk])
    page = client.get(url)
    assert 'name="pastoral_lead"' in page.text
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data |= {"pastoral_lead": cast.pastoral.pk, "administrators": []}
    inline = page.context["inline_admin_formsets"][0].formset
    data |= {
        f"{inline.prefix}-TOTAL_FORMS": 0,
        f"{inline.prefix}-INITIAL_FORMS": 0,
        f"{inline.prefix}-MIN_NUM_FORMS": 0,
        f"{inline.prefix}-MAX_NUM_FORMS": 1000,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    cast.school.refresh_from_db()
    assert cast.school.pastoral_lead == cast.pastoral
    assert StaffAccessChange.objects.filter(what__startswith="Pastoral lead").exists()


def test_queries_stay_fixed_as_rows_and_people_grow(
    login, cast, school_family, django_assert_max_num_queries
):
    def add_rows(n):
        for _ in range(n):
            person = factories.UserFactory()
            factories.MembershipFactory(user=person, school=cast.school, role="pastoral")
            contact = factories.ContactFactory(
                school=cast.school, family=school_family.family, staff=person
            )
            contact.tone = "positive"
            contact._history_user = person
            contact.save()
            school_family.key_contact = person
            school_family._history_user = person
            school_family.save()
            _view(person, cast.school, contact, school_family.family)

    client = login(cast.headteacher)
    add_rows(2)
    with django_assert_max_num_queries(31):
        small = client.get(_url(school_family))
    add_rows(12)
    with django_assert_max_num_queries(31):
        large = client.get(_url(school_family))
    assert large.text.count("<tr>") > small.text.count("<tr>")
