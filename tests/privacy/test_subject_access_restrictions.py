"""Subject access for a parent with a recorded restriction, or with children in the household
who are not theirs: nothing about another adult's children, and every record the restriction
touches flagged for the data protection lead with its words."""

import html
import json
from dataclasses import dataclass

import pytest
from django.urls import reverse

from privacy.subject_access import REVIEW_FLAG
from tests import factories

ORDER = (
    "Court order (Sheriff Court, 2025): school reports and parents' evening only; "
    "no collection from school and no address details."
)
STRENGTHS = "Natasha is a wonderful big sister and loves drawing with Tom."


@dataclass
class Wildes:
    school_family: object
    natasha: object
    tom: object
    mum: object
    dad: object

    @property
    def family(self):
        return self.school_family.family


@pytest.fixture
def wildes(cast):
    """Natasha is her mother's child only; Tom is the child of both parents."""
    school_family = factories.SchoolFamilyFactory(
        school=cast.school, family__name="Family of Natasha Wilde"
    )
    family = school_family.family
    family.strengths = STRENGTHS
    family.exceptions = "Natasha reads to Tom on calm mornings."
    family.save()
    natasha = factories.ChildFactory(
        school=cast.school, family=family, first_name="Natasha", last_name="Wilde"
    )
    tom = factories.ChildFactory(school=cast.school, family=family, first_name="Tom")
    mum = factories.ParentCarerFactory(family=family, first_name="Kerry", last_name="Wilde")
    dad = factories.ParentCarerFactory(family=family, first_name="Gary", last_name="Stewart")
    factories.ChildParentFactory(child=natasha, parent=mum)
    factories.ChildParentFactory(child=tom, parent=mum)
    factories.ChildParentFactory(
        child=tom, parent=dad, relationship="father", lives_with_child=False
    )
    return Wildes(school_family, natasha, tom, mum, dad)


def _json(client, parent) -> dict:
    response = client.get(reverse("privacy:subject-access-json", args=[parent.pk]))
    assert response.status_code == 200
    return json.loads(response.content)


def _print(client, parent) -> str:
    response = client.get(reverse("privacy:subject-access-print", args=[parent.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_fathers_copy_holds_nothing_about_a_child_he_has_no_link_to(cast, login, wildes):
    client = login(cast.headteacher)
    export = _json(client, wildes.dad)
    body = json.dumps(export, ensure_ascii=False)
    assert "Natasha" not in body
    assert "Family of Natasha Wilde" not in body
    assert STRENGTHS not in body
    assert "calm mornings" not in body
    assert [c["First name"] for c in export["sections"]["Children"]] == ["Tom"]
    printed = _print(client, wildes.dad)
    assert "Natasha" not in printed
    preview = client.get(reverse("privacy:subject-access", args=[wildes.dad.pk])).text
    assert "The household&#x27;s own record (name, strengths, exceptions): 1" in preview


def test_a_household_name_naming_only_his_children_is_kept_without_the_strengths(
    cast, login, wildes
):
    wildes.family.name = "Tom's family"
    wildes.family.save()
    sections = _json(login(cast.headteacher), wildes.dad)["sections"]
    assert sections["Family"] == [{"Name": "Tom's family"}]


def test_the_mother_linked_to_every_child_gets_the_whole_household_record(cast, login, wildes):
    sections = _json(login(cast.headteacher), wildes.mum)["sections"]
    assert sections["Family"][0]["Strengths"] == STRENGTHS
    assert sections["Family"][0]["Name"] == "Family of Natasha Wilde"


def test_a_family_wide_placement_in_his_copy_is_flagged(cast, login, wildes, compass_defaults):
    factories.PlacementFactory(school_family=wildes.school_family, placed_by=cast.pastoral)
    sections = _json(login(cast.headteacher), wildes.dad)["sections"]
    (placement,) = sections["Compass placements"]
    assert placement["About"] == "The family as a whole"
    assert "children this person has no link to" in placement[REVIEW_FLAG]


@pytest.fixture
def restricted(cast, wildes, compass_defaults):
    """The father's link to Tom carries a court order; he took part in one contact about the
    family as a whole and one about Tom, and the family has a family-wide placement."""
    link = wildes.dad.child_links.get()
    link.restriction = ORDER
    link.save()
    general = factories.ContactFactory(
        school=cast.school, family=wildes.family, staff=cast.teacher, summary="Dad phoned in."
    )
    general.parents.add(wildes.dad)
    about_tom = factories.ContactFactory(
        school=cast.school, family=wildes.family, staff=cast.teacher, summary="Tom's report."
    )
    about_tom.parents.add(wildes.dad)
    about_tom.children.add(wildes.tom)
    factories.PlacementFactory(
        school_family=wildes.school_family,
        placed_by=cast.pastoral,
        evidence="Mum calls most weeks; Dad through his solicitor.",
    )
    return wildes


def test_every_record_the_restriction_touches_is_flagged_with_its_words(cast, login, restricted):
    client = login(cast.headteacher)
    sections = _json(client, restricted.dad)["sections"]
    assert [c["Summary"] for c in sections["Contacts"]] == ["Dad phoned in."]
    (contact,) = sections["Contacts"]
    (placement,) = sections["Compass placements"]
    assert placement["About"] == "The family as a whole"
    for record in (contact, placement):
        assert ORDER in record[REVIEW_FLAG]
    assert REVIEW_FLAG not in sections["Parent or carer"][0]
    assert "Family" not in sections
    assert sections["Children"] == []
    printed = _print(client, restricted.dad)
    assert printed.count(ORDER) == 2
    assert REVIEW_FLAG in printed


def test_the_staff_page_shows_the_restrictions_words_and_what_is_flagged(cast, login, restricted):
    page = html.unescape(
        login(cast.headteacher)
        .get(reverse("privacy:subject-access", args=[restricted.dad.pk]))
        .content.decode()
    )
    assert "A recorded restriction applies to this person:</strong> “" + ORDER + "”" in page
    assert "Records flagged for your review: 2." in page


def test_the_copy_of_a_parent_without_restrictions_carries_no_flag(cast, login, restricted):
    body = json.dumps(_json(login(cast.headteacher), restricted.mum), ensure_ascii=False)
    assert REVIEW_FLAG not in body
    assert "Court order" not in body
