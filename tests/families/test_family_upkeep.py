"""Staff keep the family up to date from its page: a parent or carer added, who is who changed,
a brother or sister added; teachers only for their own pupils and only if the school allows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import Child, ChildParent, ParentCarer, StaffChange
from portal.lib import conflicts
from tests import factories


def _page(fam):
    return reverse("families:family-detail", args=[fam.family.pk])


def _parent_add(fam):
    return reverse("families:parent-add", args=[fam.family.pk])


def _child_add(fam):
    return reverse("families:child-add", args=[fam.family.pk])


def _link(fam, link):
    return reverse("families:link-edit", args=[fam.family.pk, link.pk])


def _mum_link(fam):
    return ChildParent.objects.get(child=fam.child, parent=fam.mum)


GRAN = {
    "first_name": "Isobel",
    "last_name": "Grant",
    "household": "Gran's house",
    "phone": "07700 900456",
    "email": "",
    "language": "English",
    "relationship": "kinship_carer",
    "parental_responsibility": "",
    "lives_with_child": "on",
}


def _allow_teachers(cast):
    cast.school.teachers_keep_families_up_to_date = True
    cast.school.save()


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_pastoral_and_head_add_a_parent_or_carer_with_history(cast, fam, login, role):
    user = getattr(cast, role)
    client = login(user)
    page = client.get(_page(fam)).text
    assert "Add a parent or carer" in page and "Add a brother or sister" in page
    assert client.get(_parent_add(fam)).status_code == 200
    response = client.post(_parent_add(fam), {**GRAN, "children": [fam.child.pk]})
    assert response.status_code == 302
    gran = ParentCarer.objects.get(family=fam.family, first_name="Isobel", last_name="Grant")
    link = ChildParent.objects.get(parent=gran)
    assert (link.child, link.relationship, link.parental_responsibility, link.lives_with_child) == (
        fam.child,
        "kinship_carer",
        False,
        True,
    )
    assert gran.household == "Gran's house"
    assert gran.history.first().history_user == user
    assert link.history.first().history_user == user
    assert set(
        StaffChange.objects.filter(record="link", record_id=link.pk).values_list("field", flat=True)
    ) == {"relationship", "parental_responsibility", "lives_with_child"}
    page = client.get(_page(fam)).text
    assert "Isobel Grant" in page and "Kinship carer" in page


def test_a_new_parent_with_bad_input_is_explained_and_nothing_saved(cast, fam, login):
    response = login(cast.pastoral).post(
        _parent_add(fam), {**GRAN, "last_name": " ", "email": "not-an-address"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"last_name", "email", "children"} <= set(errors)
    assert "Tick at least one child this person is a parent or carer of." in response.text
    assert "Enter their last name." in response.text
    assert not ParentCarer.objects.filter(first_name="Isobel", last_name="Grant").exists()
    assert ChildParent.objects.count() == 2


def test_a_child_of_another_family_cannot_be_chosen(cast, fam, login):
    other = factories.ChildFactory(school=cast.school)
    response = login(cast.pastoral).post(_parent_add(fam), {**GRAN, "children": [other.pk]})
    assert response.status_code == 200 and "children" in response.context["form"].errors
    assert not ParentCarer.objects.filter(first_name="Isobel", last_name="Grant").exists()


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_staff_change_relationship_responsibility_living_and_household(cast, fam, login, role):
    user = getattr(cast, role)
    client = login(user)
    link = _mum_link(fam)
    assert _link(fam, link) in client.get(_page(fam)).text
    form = client.get(_link(fam, link)).context["form"]
    response = client.post(
        _link(fam, link),
        {
            "relationship": "step_parent",
            "parental_responsibility": "",
            "lives_with_child": "",
            "household": "Flat 2, Mill Lane",
            conflicts.FIELD: form[conflicts.FIELD].value(),
        },
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.relationship, link.parental_responsibility, link.lives_with_child) == (
        "step_parent",
        False,
        False,
    )
    assert ParentCarer.objects.get(pk=fam.mum.pk).household == "Flat 2, Mill Lane"
    assert link.history.first().history_user == user
    assert fam.mum.history.first().history_user == user
    page = client.get(_page(fam)).text
    assert "Step-parent" in page and "Flat 2, Mill Lane" in page
    assert set(StaffChange.objects.values_list("record", "field")) == {
        ("link", "relationship"),
        ("link", "parental_responsibility"),
        ("link", "lives_with_child"),
        ("parent", "household"),
    }


def test_two_people_changing_one_link_the_second_is_stopped_not_lost(cast, fam, login):
    link = _mum_link(fam)
    client = login(cast.pastoral)
    version = client.get(_link(fam, link)).context["form"][conflicts.FIELD].value()
    # Someone else saves first.
    ChildParent.objects.filter(pk=link.pk).update(
        relationship="foster_carer", updated_at=timezone.now() + datetime.timedelta(seconds=5)
    )
    response = client.post(
        _link(fam, link),
        {
            "relationship": "step_parent",
            "parental_responsibility": "on",
            "lives_with_child": "on",
            "household": "Mum's flat",
            conflicts.FIELD: version,
        },
    )
    assert response.status_code == 200
    assert "Someone else saved this while you were editing it" in response.text
    assert "Foster carer" in response.text
    assert ChildParent.objects.get(pk=link.pk).relationship == "foster_carer"


def test_another_familys_link_is_not_found(cast, fam, login):
    stranger = factories.ChildParentFactory(child=factories.ChildFactory(school=cast.school))
    assert login(cast.pastoral).get(_link(fam, stranger)).status_code == 404


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_staff_add_a_brother_or_sister_linked_as_to_the_other_child(cast, fam, login, role):
    user = getattr(cast, role)
    client = login(user)
    form = client.get(_child_add(fam)).context["form"]
    assert form["last_name"].value() == fam.child.last_name
    response = client.post(
        _child_add(fam),
        {
            "first_name": "Skye",
            "last_name": fam.child.last_name,
            "date_of_birth": "2021-05-06",
            "class_group": fam.class_group.pk,
            "year_group": "",
            "parents": [fam.mum.pk, fam.dad.pk],
        },
    )
    assert response.status_code == 302
    skye = Child.objects.get(first_name="Skye")
    assert (skye.family, skye.school, skye.class_group, skye.year_group) == (
        fam.family,
        cast.school,
        fam.class_group,
        fam.class_group.year_group,
    )
    links = {link.parent_id: link for link in skye.parent_links.all()}
    assert links[fam.mum.pk].relationship == "mother"
    assert links[fam.dad.pk].relationship == "father"
    assert links[fam.dad.pk].lives_with_child is False
    assert skye.history.first().history_user == user
    assert "Skye" in client.get(_page(fam)).text


def test_a_younger_brother_or_sister_can_be_added_before_they_start(cast, fam, login):
    """Keeping the family up to date and a child before they start, together: the sibling
    starting next August is recorded from the family page, shown as starting on that day, and
    on no roll until then."""
    client = login(cast.pastoral)
    starts = timezone.localdate() + datetime.timedelta(days=200)
    base = {
        "first_name": "Isla",
        "last_name": fam.child.last_name,
        "date_of_birth": "2022-03-04",
        "class_group": "",
        "year_group": "P1",
        "coming_from": "Rowan Tree Nursery",
        "parents": [fam.mum.pk],
    }
    refused = client.post(_child_add(fam), {**base, "starts_on": ""})
    assert "Enter their first day here" in refused.text
    past = client.post(_child_add(fam), {**base, "starts_on": "2020-01-06"})
    assert "Enter a date still to come" in past.text
    assert not Child.objects.filter(first_name="Isla").exists()
    response = client.post(_child_add(fam), {**base, "starts_on": starts.isoformat()})
    assert response.status_code == 302
    isla = Child.objects.get(first_name="Isla")
    assert (isla.starts_on, isla.coming_from) == (starts, "Rowan Tree Nursery")
    assert isla not in Child.objects.on_roll()
    assert "Starting on " + starts.strftime("%-d %b %Y") in client.get(_page(fam)).text


def test_a_brother_or_sister_with_bad_input_is_explained_and_nothing_saved(cast, fam, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    other_class = factories.ClassGroupFactory(school=cast.other_school)
    response = login(cast.pastoral).post(
        _child_add(fam),
        {
            "first_name": "",
            "last_name": "Rowan",
            "date_of_birth": tomorrow.isoformat(),
            "class_group": other_class.pk,
            "parents": [fam.mum.pk],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"first_name", "date_of_birth", "class_group"} <= set(errors)
    assert "Enter their first name." in response.text
    assert "The date of birth cannot be in the future." in response.text
    assert Child.objects.count() == 1


def test_teachers_change_nothing_unless_the_school_allows_it(cast, fam, login):
    client = login(cast.teacher)
    page = client.get(_page(fam)).text
    assert "Add a parent or carer" not in page
    assert _link(fam, _mum_link(fam)) not in page
    assert client.get(_parent_add(fam)).status_code == 403
    assert client.post(_parent_add(fam), {**GRAN, "children": [fam.child.pk]}).status_code == 403
    assert client.get(_child_add(fam)).status_code == 403
    assert client.get(_link(fam, _mum_link(fam))).status_code == 403
    assert not ParentCarer.objects.filter(first_name="Isobel", last_name="Grant").exists()


def test_a_school_that_allows_it_lets_teachers_keep_their_own_pupils_up_to_date(cast, fam, login):
    _allow_teachers(cast)
    # A brother in another class, not taught by this teacher (the school sees all families).
    brother = factories.ChildFactory(
        school=cast.school, family=fam.family, class_group=factories.ClassGroupFactory()
    )
    brother_link = factories.ChildParentFactory(child=brother, parent=fam.mum)
    client = login(cast.teacher)
    page = client.get(_page(fam)).text
    assert "Add a parent or carer" in page
    assert _link(fam, _mum_link(fam)) in page
    assert _link(fam, brother_link) not in page
    assert client.get(_link(fam, brother_link)).status_code == 404
    response = client.post(_parent_add(fam), {**GRAN, "children": [brother.pk]})
    assert response.status_code == 200 and "children" in response.context["form"].errors
    response = client.post(_parent_add(fam), {**GRAN, "children": [fam.child.pk]})
    assert response.status_code == 302
    gran = ParentCarer.objects.get(family=fam.family, first_name="Isobel", last_name="Grant")
    assert gran.history.first().history_user == cast.teacher
    # Never a restriction, whatever the school allows.
    assert "Record a restriction" not in client.get(_page(fam)).text
    url = reverse("families:restriction-add", args=[fam.family.pk, fam.mum.pk])
    assert client.get(url).status_code == 403


def test_a_teacher_of_no_child_of_the_family_changes_nothing_even_if_allowed(cast, login):
    from tests.families.conftest import make_family

    _allow_teachers(cast)
    cast.school.staff_see_all_families = True
    cast.school.save()
    fam = make_family(cast)  # no class of the teacher's
    client = login(cast.teacher)
    assert client.get(_page(fam)).status_code == 200
    assert client.get(_parent_add(fam)).status_code == 403
    assert client.get(_child_add(fam)).status_code == 403


def test_other_roles_schools_methods_and_anonymous(cast, fam, login, client):
    for url in (_parent_add(fam), _child_add(fam), _link(fam, _mum_link(fam))):
        assert login(cast.authority_officer).get(url).status_code == 403
        assert login(cast.outsider_pastoral).get(url).status_code == 404
        assert login(cast.pastoral).put(url).status_code == 405
        client.logout()
        assert reverse("login") in client.get(url)["Location"]


def test_the_setting_is_off_by_default_and_set_in_admin(cast, login):
    assert factories.SchoolFactory().teachers_keep_families_up_to_date is False
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    page = login(root).get(reverse("admin:portal_school_change", args=[cast.school.pk]))
    assert 'name="teachers_keep_families_up_to_date"' in page.text
