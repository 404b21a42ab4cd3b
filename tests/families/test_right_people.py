"""The right people by default: the contact, meeting and placement forms tick the adults of the
child the entry is about, never every adult of a blended household; a conversation with the
child or young person alone can be logged, with them as the one taking part."""

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import ChildParent, Contact
from tests import factories

FATHER = ChildParent.Relationship.FATHER


@dataclass
class Blended:
    family: object
    robin: object  # here, in the teacher's class: Morven (mum) and Duncan (dad)
    ellie: object  # here: Morven and Sam (Morven's partner)
    kai: object  # at another school: Sam and Lena (Sam's former partner)
    morven: object
    duncan: object
    sam: object
    lena: object


@pytest.fixture
def blended(cast):
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Rowan")
    family = school_family.family
    class_group = factories.ClassGroupFactory(school=cast.school)
    class_group.staff.add(cast.teacher)
    robin = factories.ChildFactory(
        school=cast.school, family=family, class_group=class_group, first_name="Robin"
    )
    ellie = factories.ChildFactory(school=cast.school, family=family, first_name="Ellie")
    elsewhere = factories.SchoolFactory(authority=cast.school.authority, name="Riverside High")
    kai = factories.ChildFactory(school=elsewhere, family=family, first_name="Kai")
    morven, duncan, sam, lena = (
        factories.ParentCarerFactory(family=family, first_name=name, last_name="Rowan")
        for name in ("Morven", "Duncan", "Sam", "Lena")
    )
    for child, parent, relationship in (
        (robin, morven, ChildParent.Relationship.MOTHER),
        (robin, duncan, FATHER),
        (ellie, morven, ChildParent.Relationship.MOTHER),
        (ellie, sam, FATHER),
        (kai, sam, FATHER),
        (kai, lena, ChildParent.Relationship.MOTHER),
    ):
        factories.ChildParentFactory(child=child, parent=parent, relationship=relationship)
    return Blended(family, robin, ellie, kai, morven, duncan, sam, lena)


def _form(client, name, family, query=""):
    return client.get(reverse(name, args=[family.pk]) + query).context["form"]


def test_contact_about_one_child_ticks_that_childs_adults(cast, login, blended):
    form = _form(
        login(cast.pastoral), "families:contact-add", blended.family, f"?child={blended.robin.pk}"
    )
    assert set(form.initial["parents"]) == {blended.morven.pk, blended.duncan.pk}
    assert form.initial["children"] == [blended.robin.pk]


def test_contact_about_no_child_in_particular_ticks_only_the_adults_they_share(
    cast, login, blended
):
    form = _form(login(cast.pastoral), "families:contact-add", blended.family)
    assert form.initial["parents"] == [blended.morven.pk]
    assert "children" not in form.initial


def test_a_child_of_another_school_or_family_in_the_link_is_ignored(cast, login, blended):
    client = login(cast.pastoral)
    form = _form(client, "families:contact-add", blended.family, f"?child={blended.kai.pk}")
    assert form.initial["parents"] == [blended.morven.pk]
    assert "children" not in form.initial


def test_meeting_ticks_the_adults_of_the_children_here_not_every_adult(cast, login, blended):
    form = _form(login(cast.pastoral), "meetings:meeting-add", blended.family)
    assert set(form.initial["invited"]) == {blended.morven.pk, blended.duncan.pk, blended.sam.pk}
    assert set(form.initial["children"]) == {blended.robin.pk, blended.ellie.pk}


def test_meeting_about_one_child_ticks_that_childs_adults(cast, login, blended):
    client = login(cast.pastoral)
    form = _form(client, "meetings:meeting-add", blended.family, f"?child={blended.ellie.pk}")
    assert set(form.initial["invited"]) == {blended.morven.pk, blended.sam.pk}
    assert form.initial["children"] == [blended.ellie.pk]


def test_placement_for_one_child_ticks_that_childs_adults(cast, login, blended):
    client = login(cast.pastoral)
    form = _form(client, "compass:placement-add", blended.family, f"?child={blended.ellie.pk}")
    assert set(form.initial["parents"]) == {blended.morven.pk, blended.sam.pk}
    # Without a child it stays about the family as a whole.
    assert not _form(client, "compass:placement-add", blended.family).initial.get("parents")


def test_the_family_page_offers_each_childs_own_links(cast, login, blended):
    page = login(cast.pastoral).get(reverse("families:family-detail", args=[blended.family.pk]))
    add = reverse("families:contact-add", args=[blended.family.pk])
    assert f"{add}?child={blended.ellie.pk}" in page.text


def _child_alone(blended, **overrides):
    data = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "children": [blended.robin.pk],
        "with_child": "on",
        "channel": "face_to_face",
        "initiated_by": "family",
        "tone": "positive",
        "formality": "informal",
        "level": "general",
        "purpose": "wellbeing",
        "summary": "Robin came to say the new lunch club is going well.",
        "confidentiality": "school",
    }
    data.update(overrides)
    return data


def test_a_conversation_with_the_young_person_alone_is_logged(cast, login, blended):
    client = login(cast.teacher)
    url = reverse("families:contact-add", args=[blended.family.pk])
    response = client.post(url, _child_alone(blended, staff=cast.teacher.pk), follow=True)
    contact = Contact.objects.get()
    assert contact.with_child
    assert not contact.parents.exists()
    assert list(contact.children.all()) == [blended.robin]
    assert "with Robin" in response.text


def test_the_chronology_export_names_the_young_person_as_taking_part(cast, login, blended):
    client = login(cast.teacher)
    client.post(
        reverse("families:contact-add", args=[blended.family.pk]),
        _child_alone(blended, staff=cast.teacher.pk),
    )
    csv = client.get(reverse("families:family-export-csv", args=[blended.family.pk])).text
    line = next(line for line in csv.splitlines() if "lunch club" in line)
    assert "Robin" in line


def test_nobody_taking_part_is_refused_beside_the_field(cast, login, blended):
    client = login(cast.teacher)
    url = reverse("families:contact-add", args=[blended.family.pk])
    response = client.post(url, _child_alone(blended, staff=cast.teacher.pk, with_child=""))
    assert response.status_code == 200
    assert "or tick that it was with the child or young person" in response.text
    response = client.post(url, _child_alone(blended, staff=cast.teacher.pk, children=[]))
    assert "Choose which child or young person the conversation was with." in response.text
    assert not Contact.objects.exists()
