"""The CSV import service: matching, dry run, re-import, bad rows and malformed files."""

from pathlib import Path

import pytest

from families import importer
from families.models import Child, ChildParent, Family, ParentCarer, SchoolFamily
from tests import factories

SAMPLE = Path(__file__).resolve().parents[2] / "families" / "sample" / "sis_export.csv"
HEADER = (
    "pupil_id,pupil_first_name,pupil_last_name,date_of_birth,year_group,class,looked_after,"
    "asn,young_carer,family_ref,parent_id,parent_first_name,parent_last_name,relationship,"
    "parental_responsibility,lives_with_pupil,phone,email,language,interpreter_needed,restriction"
)


def _csv(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


ROW_MUM = "P1,Isla,Reid,2018-03-14,P3,P3,no,no,no,F1,M1,Anna,Reid,Mother,yes,yes,0770,,English,no,"
ROW_DAD = "P1,Isla,Reid,2018-03-14,P3,P3,no,no,no,F1,D1,Rob,Reid,dad,yes,no,0771,,English,no,"
ROW_SIB = "P2,Tom,Reid,2020-01-02,P1,,no,yes,no,F1,M1,Anna,Reid,Mother,yes,yes,0770,,English,no,"


@pytest.fixture
def school(cast):
    factories.ClassGroupFactory(school=cast.school, name="P3", year_group="P3")
    return cast.school


def _counts(result, kind):
    c = result.counts[kind]
    return c["created"], c["updated"], c["unchanged"]


def test_import_creates_family_children_parents_and_links(school):
    result = importer.families_import(content=_csv(ROW_MUM, ROW_DAD, ROW_SIB), school=school)
    assert result.saved and not result.errors
    family = Family.objects.get()
    assert family.authority == school.authority
    assert SchoolFamily.objects.filter(school=school, family=family).exists()
    isla = Child.objects.get(external_id="P1")
    assert (isla.school, isla.family, isla.class_group.name, isla.year_group) == (
        school,
        family,
        "P3",
        "P3",
    )
    assert Child.objects.get(external_id="P2").additional_support_needs is True
    dad = ChildParent.objects.get(parent__external_id="D1")
    assert dad.relationship == "father" and dad.lives_with_child is False
    assert _counts(result, "families") == (1, 0, 0)
    assert _counts(result, "children") == (2, 0, 0)
    assert _counts(result, "parents") == (2, 0, 0)
    assert _counts(result, "links") == (3, 0, 0)


def test_dry_run_reports_what_would_change_and_saves_nothing(school):
    result = importer.families_import(content=_csv(ROW_MUM, ROW_DAD), school=school, dry_run=True)
    assert not result.saved
    assert _counts(result, "children") == (1, 0, 0)
    assert _counts(result, "parents") == (2, 0, 0)
    assert "nothing saved" in result.headline()
    assert not Family.objects.exists() and not Child.objects.exists()


def test_reimporting_the_same_file_changes_nothing(school):
    content = _csv(ROW_MUM, ROW_DAD, ROW_SIB)
    importer.families_import(content=content, school=school)
    before = [m.objects.count() for m in (Family, Child, ParentCarer, ChildParent, SchoolFamily)]
    again = importer.families_import(content=content, school=school)
    after = [m.objects.count() for m in (Family, Child, ParentCarer, ChildParent, SchoolFamily)]
    assert before == after
    assert not again.changed
    assert _counts(again, "links") == (0, 0, 3)
    assert "already up to date" in again.headline()


def test_sample_file_imports_cleanly_twice(cast):
    for name in ("P1", "P2", "P3", "P4", "P5", "P6", "P7"):
        factories.ClassGroupFactory(school=cast.school, name=name, year_group=name)
    content = importer.decode(SAMPLE.read_bytes())
    first = importer.families_import(content=content, school=cast.school)
    assert not first.errors
    assert 18 <= first.rows <= 25
    assert Child.objects.filter(looked_after=True).count() == 2
    assert ChildParent.objects.exclude(restriction="").count() == 1
    assert ParentCarer.objects.filter(interpreter_needed=True).count() == 3
    assert not importer.families_import(content=content, school=cast.school).changed


def test_changed_details_update_and_empty_cells_never_wipe(school):
    importer.families_import(content=_csv(ROW_MUM), school=school)
    link = ChildParent.objects.get()
    link.restriction = "Court order: no collection"
    link.save()
    moved = ROW_MUM.replace("0770", "0799").replace(",English,no,", ",,no,")
    result = importer.families_import(content=_csv(moved), school=school)
    mum = ParentCarer.objects.get()
    assert mum.phone == "0799" and mum.language == "English"
    assert ChildParent.objects.get().restriction == "Court order: no collection"
    assert _counts(result, "parents") == (0, 1, 0)
    assert _counts(result, "children") == (0, 0, 1)


def test_bad_row_is_reported_with_line_number_and_others_import(school):
    bad = ROW_SIB.replace("2020-01-02", "31/02/2020")
    result = importer.families_import(content=_csv(ROW_MUM, bad, ROW_DAD), school=school)
    assert result.saved
    assert [(e.line, "not a date" in e.message) for e in result.errors] == [(3, True)]
    assert str(result.errors[0]).startswith("Line 3:")
    assert list(Child.objects.values_list("external_id", flat=True)) == ["P1"]
    assert ParentCarer.objects.count() == 2


def test_all_or_nothing_saves_nothing_when_a_row_is_bad(school):
    bad = ROW_DAD.replace(",dad,", ",uncle,")
    result = importer.families_import(
        content=_csv(ROW_MUM, bad), school=school, all_or_nothing=True
    )
    assert not result.saved
    assert result.errors[0].line == 3 and "relationship" in result.errors[0].message
    assert "Nothing was imported" in result.headline()
    assert not Child.objects.exists() and not Family.objects.exists()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("P3,no", "4Z,no"), "no class called"),
        ((",no,no,no,F1", ",maybe,no,no,F1"), "use yes or no"),
        (("2018-03-14", "2099-01-01"), "cannot be in the future"),
        ((",0770,,", ",0770,not-an-email,"), "email"),
        ((",M1,", ",,"), "parent_id is empty"),
    ],
)
def test_row_problems_get_plain_reasons(school, change, reason):
    result = importer.families_import(content=_csv(ROW_MUM.replace(*change)), school=school)
    assert result.errors[0].line == 2
    assert reason in result.errors[0].message
    assert not Child.objects.exists()


def test_pupil_details_must_agree_across_rows(school):
    other = ROW_DAD.replace("Isla", "Isabel")
    result = importer.families_import(content=_csv(ROW_MUM, other), school=school)
    assert result.errors[0].line == 3
    assert "differ from line 2" in result.errors[0].message


def test_existing_pupil_and_parent_are_matched_not_duplicated(school):
    family = factories.FamilyFactory(authority=school.authority, name="The Reids")
    factories.ChildFactory(family=family, school=school, external_id="P1")
    importer.families_import(content=_csv(ROW_MUM, ROW_SIB), school=school)
    assert Family.objects.count() == 1
    assert Child.objects.get(external_id="P2").family == family
    assert Family.objects.get().name == "The Reids"


def test_sibling_at_another_school_joins_the_same_family_through_the_parent(school, cast):
    importer.families_import(content=_csv(ROW_MUM), school=school)
    high = factories.SchoolFactory(authority=school.authority, name="Riverside High")
    older = "P9,Eve,Reid,2012-05-05,S3,,no,no,no,F1,M1,Anna,Reid,Mother,yes,yes,0770,,English,no,"
    importer.families_import(content=_csv(older), school=high)
    assert Family.objects.count() == 1
    assert ParentCarer.objects.count() == 1
    assert SchoolFamily.objects.filter(family=Family.objects.get()).count() == 2


def test_pupils_of_another_school_are_not_matched(school, cast):
    stranger = factories.ChildFactory(school=cast.other_school, external_id="P1")
    importer.families_import(content=_csv(ROW_MUM), school=school)
    assert Child.objects.filter(external_id="P1").count() == 2
    assert Child.objects.get(pk=stranger.pk).family != Child.objects.get(school=school).family


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"pupil_id,name\nP1,Isla\n", "missing these columns"),
        (HEADER.encode() + b"\n", "no rows"),
        ("Caf\xe9".encode("latin-1") + b"\n", "not UTF-8"),
        (b"PK\x03\x04binaryworkbook", "spreadsheet workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        ((HEADER + '\nP1,"Isla\n').encode(), "not valid CSV"),
    ],
)
def test_malformed_file_gives_a_clear_message_and_saves_nothing(school, raw, message):
    with pytest.raises(importer.ImportFileError, match=message):
        importer.families_import(content=importer.decode(raw), school=school)
    assert not Family.objects.exists()


def test_semicolon_separated_and_byte_order_mark_are_accepted(school):
    content = "\ufeff" + _csv(ROW_MUM).replace(",", ";")
    result = importer.families_import(content=content, school=school)
    assert not result.errors and Child.objects.count() == 1
