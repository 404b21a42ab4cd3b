"""A later import never overwrites what staff changed in the portal: it keeps the portal's
value and reports the difference for the office instead."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from families import importer, tasks, upkeep
from families.models import Child, ChildParent, ImportRun, ParentCarer
from tests import factories
from tests.families.test_importer import ROW_DAD, ROW_MUM, _csv


@pytest.fixture
def school(cast):
    factories.ClassGroupFactory(school=cast.school, name="P3", year_group="P3")
    return cast.school


@pytest.fixture
def imported(school):
    result = importer.families_import(content=_csv(ROW_MUM, ROW_DAD), school=school)
    assert result.saved and not result.errors
    return school


def _link(parent_id):
    return ChildParent.objects.select_related("parent", "child").get(parent__external_id=parent_id)


def test_an_import_keeps_a_relationship_and_household_staff_changed_and_reports_it(cast, imported):
    dad = _link("D1")
    upkeep.link_change(
        link=dad,
        values={
            "relationship": "step_parent",
            "parental_responsibility": False,
            "lives_with_child": True,
        },
        household="Dad's flat, Mill Lane",
        by=cast.pastoral,
    )
    # The file still says father, responsibility, not living with Isla, and a new phone number.
    row = ROW_DAD.replace("0771,", "0799,")
    result = importer.families_import(content=_csv(ROW_MUM, row), school=imported)
    assert result.saved and not result.errors
    dad = _link("D1")
    assert (dad.relationship, dad.parental_responsibility, dad.lives_with_child) == (
        "step_parent",
        False,
        True,
    )
    assert dad.parent.household == "Dad's flat, Mill Lane"
    # What staff did not change is still imported.
    assert dad.parent.phone == "0799"
    kept = {(k.field, k.portal, k.file) for k in result.kept}
    assert kept == {
        ("relationship", "Step-parent", "Father"),
        ("parental responsibility", "no", "yes"),
        ("lives with child", "yes", "no"),
    }
    assert {k.line for k in result.kept} == {3}
    assert any(
        "Changed by staff in the portal and kept: 3" in line for line in result.summary_lines()
    )


def test_a_household_in_the_file_does_not_overwrite_the_one_staff_set(cast, imported):
    dad = _link("D1")
    upkeep.link_change(
        link=dad,
        values={
            "relationship": "father",
            "parental_responsibility": True,
            "lives_with_child": False,
        },
        household="Gran's house",
        by=cast.pastoral,
    )
    content = _csv(ROW_MUM, ROW_DAD).replace(",restriction\n", ",restriction,household\n", 1)
    content = content.replace("English,no,\n", "English,no,,Dad's house\n")
    result = importer.families_import(content=content, school=imported)
    assert not result.errors
    assert ParentCarer.objects.get(external_id="D1").household == "Gran's house"
    assert ParentCarer.objects.get(external_id="M1").household == "Dad's house"
    assert [(k.record, k.field, k.portal, k.file) for k in result.kept] == [
        ("Rob Reid", "household", "Gran's house", "Dad's house")
    ]


def test_a_restriction_lifted_in_the_portal_is_not_put_back_by_an_import(cast, school):
    restricted = ROW_DAD.removesuffix(",") + ",Court order: reports only"
    importer.families_import(content=_csv(ROW_MUM, restricted), school=school)
    assert _link("D1").restriction == "Court order: reports only"
    upkeep.restriction_lift(
        links=[_link("D1")],
        lifted_on=datetime.date(2026, 3, 2),
        reason="Order ended.",
        by=cast.pastoral,
    )
    result = importer.families_import(content=_csv(ROW_MUM, restricted), school=school)
    assert _link("D1").restriction == ""
    (kept,) = result.kept
    assert (kept.field, kept.portal, kept.file) == (
        "restriction",
        "none",
        "Court order: reports only",
    )
    assert "kept “none” as changed in the portal" in str(kept)


def test_a_restriction_recorded_in_the_portal_is_kept_when_the_file_has_other_words(cast, imported):
    upkeep.restriction_record(
        links=[_link("D1")],
        words="No contact at the school gate.",
        source="court_order",
        source_detail="",
        dated=datetime.date(2026, 1, 5),
        by=cast.headteacher,
    )
    other = ROW_DAD.removesuffix(",") + ",Reports only"
    result = importer.families_import(content=_csv(ROW_MUM, other), school=imported)
    assert _link("D1").restriction == "No contact at the school gate."
    assert [k.field for k in result.kept] == ["restriction"]


def test_a_brother_or_sister_staff_added_is_matched_not_duplicated(cast, imported):
    isla = Child.objects.get(external_id="P1")
    mum = ParentCarer.objects.get(external_id="M1")
    upkeep.child_add(
        family=isla.family,
        school=imported,
        values={
            "first_name": "Tom",
            "last_name": "Reid",
            "date_of_birth": datetime.date(2020, 1, 2),
            "class_group": None,
            "year_group": "Nursery",
        },
        parents=[mum],
        by=cast.pastoral,
    )
    sibling = (
        "P2,Tom,Reid,2020-01-02,P1,,no,yes,no,F1,M1,Anna,Reid,Mother,yes,yes,0770,,English,no,"
    )
    result = importer.families_import(content=_csv(ROW_MUM, ROW_DAD, sibling), school=imported)
    assert not result.errors
    tom = Child.objects.get(first_name="Tom")  # one Tom, not two
    assert tom.external_id == "P2"
    assert tom.year_group == "Nursery"  # as staff entered it
    assert tom.additional_support_needs is True  # not entered by staff: imported
    assert [(k.field, k.portal, k.file) for k in result.kept] == [("year group", "Nursery", "P1")]
    assert ChildParent.objects.filter(child=tom).count() == 1


def test_a_parent_or_carer_staff_added_is_matched_not_duplicated(cast, imported):
    isla = Child.objects.get(external_id="P1")
    upkeep.parent_add(
        family=isla.family,
        children=[isla],
        values={
            "first_name": "Jean",
            "last_name": "Reid",
            "household": "",
            "phone": "0772",
            "email": "",
            "language": "English",
        },
        relationship="kinship_carer",
        parental_responsibility=False,
        lives_with_child=False,
        by=cast.pastoral,
    )
    gran = (
        "P1,Isla,Reid,2018-03-14,P3,P3,no,no,no,F1,G1,Jean,Reid,grandmother,no,no,0773,,English,no,"
    )
    result = importer.families_import(content=_csv(ROW_MUM, ROW_DAD, gran), school=imported)
    assert not result.errors
    jean = ParentCarer.objects.get(first_name="Jean")
    assert jean.external_id == "G1"
    assert jean.phone == "0772"
    assert [(k.field, k.portal, k.file) for k in result.kept] == [("phone", "0772", "0773")]


def test_without_staff_changes_an_import_updates_as_before(imported):
    row = ROW_DAD.replace("dad,yes,no,", "step-father,no,yes,")
    result = importer.families_import(content=_csv(ROW_MUM, row), school=imported)
    dad = _link("D1")
    assert (dad.relationship, dad.parental_responsibility, dad.lives_with_child) == (
        "step_parent",
        False,
        True,
    )
    assert result.kept == []


def test_the_office_reads_the_kept_differences_on_the_import_page_and_from_the_command(
    cast, imported, login, tmp_path
):
    upkeep.link_change(
        link=_link("D1"),
        values={
            "relationship": "step_parent",
            "parental_responsibility": True,
            "lives_with_child": False,
        },
        household="",
        by=cast.pastoral,
    )
    run = ImportRun.objects.create(school=imported, dry_run=False, content=_csv(ROW_MUM, ROW_DAD))
    tasks.import_run_process.call(run.pk)
    run.refresh_from_db()
    assert run.result().kept[0].file == "Father"
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    page = login(root).get(reverse("admin:families_importrun_detail", kwargs={"pk": run.pk}))
    assert "Kept as staff changed them in the portal (1)" in page.text
    assert "<td>Step-parent</td><td>Father</td>" in page.text
    # An older stored report without the list still reads.
    old = run.report
    del old["kept"]
    assert importer.ImportResult.from_json(old).kept == []
    export = tmp_path / "export.csv"
    export.write_text(_csv(ROW_MUM, ROW_DAD), encoding="utf-8")
    out = io.StringIO()
    call_command("import_families", str(export), "--school", str(imported.pk), stdout=out)
    assert "the file says “Father”" in out.getvalue()
