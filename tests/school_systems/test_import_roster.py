"""Importing a OneRoster bundle (school_systems/roster_import.py) follows the families importer's
rules: dry run counts, idempotent re-import, staff's changes kept, restrictions never cleared,
problems named by file and line while the rest imports, and all or nothing."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from families import upkeep
from families.models import Child, ChildParent, Family, ParentCarer
from portal.models import ClassGroup, School
from school_systems import csv_bundle
from school_systems.bundle import Bundle, BundleError, Record
from school_systems.roster_import import bundle_import, year_group
from tests import factories

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> Bundle:
    return csv_bundle.read_path(FIXTURES / name)


def counts(result) -> dict:
    return {kind: tuple(c.values()) for kind, c in result.counts.items()}


def links() -> set[tuple[str, str, str, bool]]:
    return {
        (
            link.child.external_id,
            link.parent.external_id,
            link.relationship,
            link.parental_responsibility,
        )
        for link in ChildParent.objects.select_related("child", "parent")
    }


def test_dry_run_counts_and_saves_nothing(cast):
    result = bundle_import(read("oneroster_1_1_clean"), school=cast.school, dry_run=True)
    assert counts(result) == {
        "families": (2, 0, 0),
        "children": (3, 0, 0),
        "parents": (3, 0, 0),
        "links": (4, 0, 0),
    }
    assert not result.saved and not result.errors
    assert "Classes: 2 would be added (P2 Ash, P4 Oak)." in result.summary_lines()
    assert not Child.objects.exists() and not Family.objects.exists()
    assert not ClassGroup.objects.filter(school=cast.school).exists()


def test_1_1_import_then_reimport_changes_nothing(cast):
    result = bundle_import(read("oneroster_1_1_clean"), school=cast.school)
    assert result.saved and not result.errors
    pupils = {c.external_id: c for c in Child.objects.select_related("class_group")}
    assert set(pupils) == {"s1", "s2", "s3"}  # not s4 (another school), not s5 (to be deleted)
    isla = pupils["s1"]
    assert (isla.first_name, isla.last_name, isla.date_of_birth) == (
        "Isla",
        "Brown",
        datetime.date(2017, 5, 1),
    )
    # Homeroom preferred to the maths class; "04" at a primary school is P4.
    assert (isla.class_group.name, isla.class_group.year_group, isla.year_group) == (
        "P4 Oak",
        "P4",
        "P4",
    )
    # Brothers and sisters sharing a parent are one family; the Khans another.
    assert pupils["s1"].family_id == pupils["s2"].family_id != pupils["s3"].family_id
    assert links() == {
        ("s1", "g1", "other", True),
        ("s1", "g2", "other", True),
        ("s2", "g1", "other", True),
        ("s3", "g3", "other", True),
    }
    morag = ParentCarer.objects.get(external_id="g1")
    assert (morag.email, morag.phone) == ("morag@example.org", "07700900001")  # sms as phone
    assert ParentCarer.objects.get(external_id="g3").phone == "01310000003"
    again = bundle_import(read("oneroster_1_1_clean"), school=cast.school)
    assert not again.changed and not again.errors and not again.notes
    assert counts(again) == {
        "families": (0, 0, 2),
        "children": (0, 0, 3),
        "parents": (0, 0, 3),
        "links": (0, 0, 4),
    }
    assert "already up to date" in again.headline()


def test_1_2_roles_relatives_and_links_stated_by_the_parent(cast):
    result = bundle_import(read("oneroster_1_2_clean"), school=cast.school)
    assert result.saved and not result.errors
    # Amir's link is stated only from the carers' side; a relative is a kinship carer
    # without parental responsibility, a guardian has it.
    assert links() >= {("s3", "g3", "other", True), ("s3", "r1", "kinship_carer", False)}
    assert Child.objects.get(external_id="s2").class_group.name == "P2 Ash"
    assert not bundle_import(read("oneroster_1_2_clean"), school=cast.school).changed


def test_staff_edits_and_additions_are_kept(cast):
    bundle_import(read("oneroster_1_1_clean"), school=cast.school)
    morag = ParentCarer.objects.get(external_id="g1")
    morag.language = "Gaelic"  # staff added what the bundle does not hold
    morag.email = "morag.new@example.org"
    morag.save()
    factories.StaffChangeFactory(
        family=morag.family, record="parent", record_id=morag.pk, field="email"
    )
    result = bundle_import(read("oneroster_1_1_clean"), school=cast.school)
    morag.refresh_from_db()
    assert (morag.language, morag.email) == ("Gaelic", "morag.new@example.org")
    [kept] = result.kept
    assert (kept.field, kept.portal, kept.file) == (
        "email",
        "morag.new@example.org",
        "morag@example.org",
    )
    assert str(kept).startswith(
        "users.csv line 2 (pupil) and line 8 (parent or carer): Morag Brown"
    )


def test_a_child_staff_added_takes_the_bundles_id(cast):
    bundle_import(read("oneroster_1_1_clean"), school=cast.school)
    family = Child.objects.get(external_id="s3").family
    amir = Child.objects.get(external_id="s3")
    amir.delete()
    upkeep.child_add(
        family=family,
        school=cast.school,
        values={
            "first_name": "Amir",
            "last_name": "Khan",
            "date_of_birth": datetime.date(2017, 1, 20),
        },
        parents=list(ParentCarer.objects.filter(external_id="g3")),
        by=cast.pastoral,
    )
    bundle_import(read("oneroster_1_1_clean"), school=cast.school)
    assert Child.objects.filter(first_name="Amir").count() == 1
    assert Child.objects.get(first_name="Amir").external_id == "s3"


def test_a_restriction_is_never_cleared(cast):
    bundle_import(read("oneroster_1_1_clean"), school=cast.school)
    link = ChildParent.objects.get(child__external_id="s1", parent__external_id="g2")
    upkeep.restriction_record(
        links=[link],
        words="No information about Isla's address.",
        source="court_order",
        source_detail="",
        dated=datetime.date(2026, 9, 1),
        by=cast.pastoral,
    )
    result = bundle_import(read("oneroster_1_1_clean"), school=cast.school)
    link.refresh_from_db()
    assert link.restriction == "No information about Isla's address."
    assert not result.changed


def test_messy_bundle_imports_what_it_can_and_names_file_and_line(cast):
    result = bundle_import(read("oneroster_messy"), school=cast.school)
    assert result.saved
    assert [str(e) for e in result.errors] == [
        "demographics.csv line 4: birthDate is “31/02/2017”, which is not a date (use "
        "YYYY-MM-DD or DD/MM/YYYY), so it is left out: unless all or nothing was chosen, the "
        "pupil is imported without a date of birth, for the school to complete.",
        "users.csv line 3: agentSourcedIds names t1, who is a teacher, not a parent or carer; "
        "that link is left out.",
        "users.csv line 5: agentSourcedIds names m1, who is a pupil, not a parent or carer; "
        "that link is left out.",
        "users.csv line 5: agentSourcedIds names nobody, who is not in users; that link is left "
        "out.",
        "users.csv line 7: pupil m5 has no parent or carer linked (agentSourcedIds), so they "
        "cannot be placed in a family; add the link in the school system.",
        "users.csv line 8: the row has 14 cells but the header has 13 columns (a value holding "
        "a comma that is not in quotes?), so it is left out.",
    ]
    pupils = {c.external_id: c for c in Child.objects.all()}
    assert set(pupils) == {"m1", "m2", "m3", "m4"}
    assert pupils["m1"].date_of_birth == datetime.date(2017, 5, 1)  # day-first
    assert pupils["m2"].date_of_birth == datetime.date(2019, 9, 12)  # ISO with a time
    assert pupils["m3"].date_of_birth is None and pupils["m4"].date_of_birth is None
    assert pupils["m1"].family_id == pupils["m2"].family_id  # "g1, g2" and "g1;t1"
    assert links() == {
        ("m1", "g1", "other", True),
        ("m1", "g2", "father", True),  # the export's own relationship column
        ("m2", "g1", "other", True),
        ("m3", "g3", "other", True),
        ("m4", "g4", "kinship_carer", False),  # "Grandmother"
    }
    assert any("no date of birth in the bundle: 2" in note for note in result.notes)
    assert not bundle_import(read("oneroster_messy"), school=cast.school).changed


def test_all_or_nothing_saves_nothing_when_anything_is_wrong(cast):
    result = bundle_import(read("oneroster_messy"), school=cast.school, all_or_nothing=True)
    assert not result.saved and result.errors
    assert "Nothing was imported" in result.headline()
    assert not Child.objects.exists() and not ClassGroup.objects.exists()
    clean = bundle_import(read("oneroster_1_1_clean"), school=cast.school, all_or_nothing=True)
    assert clean.saved


def test_a_row_the_families_importer_refuses_is_named_by_file_and_line(cast):
    bundle = read("oneroster_1_1_clean")
    for record in bundle.demographics:
        if record.get("sourcedId") == "s2":
            record.fields["birthDate"] = "2999-01-01"  # a date, but in the future
    result = bundle_import(bundle, school=cast.school)
    assert [str(e) for e in result.errors] == [
        "users.csv line 3 (pupil) and line 8 (parent or carer): date_of_birth: The date of "
        "birth cannot be in the future."
    ]
    assert set(Child.objects.values_list("external_id", flat=True)) == {"s1", "s3"}


def _listed(page) -> str:
    """The family list's rows only: the signed-in user's own (made-up) name is in the header."""
    text = page.content.decode()
    return text[text.index("<tbody>") : text.index("</tbody>")] if "<tbody>" in text else ""


def test_pupils_without_a_birth_date_are_imported_and_flagged(cast, login):
    bundle_import(read("oneroster_1_1_clean"), school=cast.school)  # all with birth dates
    result = bundle_import(read("oneroster_users_only"), school=cast.school)
    assert result.saved and not result.errors
    ruby = Child.objects.get(external_id="u1")
    assert ruby.date_of_birth is None
    client = login(cast.pastoral)
    page = client.get(reverse("families:family-list"), {"birth_date_missing": "on"})
    assert page.status_code == 200
    listed = _listed(page)
    assert "Grant" in listed and "Brown" not in listed
    assert "Brown" in _listed(client.get(reverse("families:family-list")))
    detail = client.get(reverse("families:family-detail", args=[ruby.family_id]))
    assert "Date of birth to complete" in detail.content.decode()
    # Once the school completes it, a re-import keeps it and changes nothing.
    ruby.date_of_birth = datetime.date(2018, 2, 3)
    ruby.save()
    again = bundle_import(read("oneroster_users_only"), school=cast.school)
    ruby.refresh_from_db()
    assert ruby.date_of_birth == datetime.date(2018, 2, 3) and not again.changed
    detail = client.get(reverse("families:family-detail", args=[ruby.family_id]))
    assert "Date of birth to complete" not in detail.content.decode()


def test_the_schools_org_is_chosen_by_name_or_given(cast):
    other = factories.SchoolFactory(name="Somewhere Else", authority=cast.school.authority)
    with pytest.raises(BundleError, match="none is called “Somewhere Else”"):
        bundle_import(read("oneroster_1_1_clean"), school=other)
    result = bundle_import(read("oneroster_1_1_clean"), school=other, org="org-hp")
    assert set(Child.objects.values_list("external_id", flat=True)) == {"s4"}
    assert result.saved


def test_a_bundle_with_nobody_to_import_is_refused(cast):
    bundle = Bundle(
        version="1.1",
        source="b",
        users=[Record("users.csv", 2, {"sourcedId": "t1", "role": "teacher"})],
    )
    with pytest.raises(BundleError, match="nothing to import"):
        bundle_import(bundle, school=cast.school)


@pytest.mark.parametrize(
    ("grade", "stage", "shown"),
    [
        ("04", School.Stage.PRIMARY, "P4"),
        ("4", School.Stage.PRIMARY, "P4"),
        ("P4", School.Stage.PRIMARY, "P4"),
        ("p 4", School.Stage.PRIMARY, "P4"),
        ("Y4", School.Stage.PRIMARY, "P4"),
        ("Year 4", School.Stage.PRIMARY, "P4"),
        ("S3", School.Stage.SECONDARY, "S3"),
        ("03", School.Stage.SECONDARY, "S3"),
        ("09", School.Stage.SECONDARY, "S3"),
        ("PK", School.Stage.NURSERY, "Nursery"),
        ("KG", School.Stage.PRIMARY, "P1"),
        ("Ungraded", School.Stage.SPECIAL, "Ungraded"),
    ],
)
def test_grades_become_the_schools_year_groups(grade, stage, shown):
    assert year_group(grade, stage) == shown


def test_an_existing_class_is_used_and_never_changed(cast):
    oak = factories.ClassGroupFactory(school=cast.school, name="p4 oak", year_group="P4/5")
    bundle_import(read("oneroster_1_1_clean"), school=cast.school)
    oak.refresh_from_db()
    assert oak.year_group == "P4/5"
    assert Child.objects.get(external_id="s1").class_group == oak
    assert ClassGroup.objects.filter(school=cast.school).count() == 2  # and P2 Ash added


def test_a_teacher_who_is_also_a_parent_is_linked_as_a_parent(cast):
    """OneRoster 1.2: a user may hold several roles; a parent role anywhere counts."""
    bundle = Bundle(
        version="1.2",
        source="b",
        users=[
            Record("users.csv", 2, {"sourcedId": "s1", "givenName": "Ali", "familyName": "Roy"}),
            Record(
                "users.csv",
                3,
                {
                    "sourcedId": "t1",
                    "givenName": "Iona",
                    "familyName": "Roy",
                    "agentSourcedIds": "s1",
                },
            ),
        ],
        roles=[
            Record(
                "roles.csv", 2, {"userSourcedId": "s1", "role": "student", "roleType": "primary"}
            ),
            Record(
                "roles.csv", 3, {"userSourcedId": "t1", "role": "teacher", "roleType": "primary"}
            ),
            Record(
                "roles.csv", 4, {"userSourcedId": "t1", "role": "parent", "roleType": "secondary"}
            ),
        ],
    )
    result = bundle_import(bundle, school=cast.school)
    assert result.saved and not result.errors
    assert links() == {("s1", "t1", "other", True)}


def test_odd_users_are_reported_by_line(cast):
    """An empty or repeated sourcedId, a link to an administrator, a link from a parent to
    another parent, and to a pupil of another school in the same export."""
    bundle = Bundle(
        version="1.1",
        source="b",
        orgs=[
            Record(
                "orgs.csv", 2, {"sourcedId": "o1", "name": "Riverside Primary", "type": "school"}
            ),
            Record("orgs.csv", 3, {"sourcedId": "o2", "name": "Hillside", "type": "school"}),
        ],
        users=[
            Record("users.csv", 2, {"sourcedId": "", "role": "student", "givenName": "No"}),
            Record(
                "users.csv",
                3,
                {
                    "sourcedId": "s1",
                    "role": "student",
                    "givenName": "Ali",
                    "familyName": "Roy",
                    "agentSourcedIds": "p1,a1,x2",
                    "orgSourcedIds": "o1",
                },
            ),
            Record("users.csv", 4, {"sourcedId": "s1", "role": "student", "givenName": "Twice"}),
            Record(
                "users.csv",
                5,
                {"sourcedId": "p1", "role": "parent", "familyName": "Roy", "agentSourcedIds": "p2"},
            ),
            Record("users.csv", 6, {"sourcedId": "p2", "role": "parent", "familyName": "Roy"}),
            Record("users.csv", 7, {"sourcedId": "a1", "role": "administrator"}),
            Record("users.csv", 8, {"sourcedId": "x2", "role": "student", "orgSourcedIds": "o2"}),
        ],
    )
    result = bundle_import(bundle, school=cast.school)
    assert [str(e) for e in result.errors] == [
        "users.csv line 2: sourcedId is empty, so this person cannot be imported.",
        "users.csv line 3: agentSourcedIds names a1, who is an administrator, not a parent or "
        "carer; that link is left out.",
        "users.csv line 3: agentSourcedIds names x2, who is a pupil, not a parent or carer; that "
        "link is left out.",
        "users.csv line 4: sourcedId s1 appears more than once in users.",
        "users.csv line 5: agentSourcedIds names p2, who is a parent, not a pupil; that link is "
        "left out.",
    ]
    assert links() == {("s1", "p1", "other", True)}
