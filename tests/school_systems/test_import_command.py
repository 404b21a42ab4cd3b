"""manage.py import_oneroster: a folder or .zip bundle into one school, output like
import_families', every run kept as a RosterImport and in the access log."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AccessLog
from families.models import Child
from school_systems.models import RosterImport
from tests.school_systems.test_csv_bundle import zip_folder

FIXTURES = Path(__file__).parent / "fixtures"
WHO = "manage.py import_oneroster"


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_oneroster", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_then_import_then_reimport_from_a_zip(cast, tmp_path):
    path = str(zip_folder(FIXTURES / "oneroster_1_1_clean", tmp_path / "riverside.zip"))
    school = str(cast.school.pk)
    out, err = _run(path, "--school", school, "--dry-run")
    assert "School: Riverside Primary (Riverside Council)" in out
    assert "Bundle: riverside.zip, OneRoster 1.1" in out
    assert "  Children: 3 would be created, 0 would be updated, 0 unchanged." in out
    assert "  Classes: 2 would be added (P2 Ash, P4 Oak)." in out
    assert "Dry run of 4 row(s), nothing saved: no problems." in out and not err
    assert not Child.objects.exists()
    out, _ = _run(path, "--school", school)
    assert "Imported 4 row(s) (no problems)." in out and Child.objects.count() == 3
    out, _ = _run(path, "--school", school)
    assert "everything was already up to date" in out and Child.objects.count() == 3
    rows = list(RosterImport.objects.order_by("pk"))
    assert [(r.dry_run, r.source, r.name, r.version, r.who) for r in rows] == [
        (True, "csv", "riverside.zip", "1.1", WHO),
        (False, "csv", "riverside.zip", "1.1", WHO),
        (False, "csv", "riverside.zip", "1.1", WHO),
    ]
    assert rows[1].report["counts"]["children"]["created"] == 3 and rows[1].report["saved"]
    logged = AccessLog.objects.filter(action="import", school=cast.school, username=WHO)
    assert sorted(logged.values_list("object_id", flat=True)) == [r.pk for r in rows]


def test_problems_go_to_stderr_with_file_and_line_and_the_rest_import(cast):
    out, err = _run(str(FIXTURES / "oneroster_messy"), "--school", str(cast.school.pk))
    assert "  users.csv line 3: agentSourcedIds names t1, who is a teacher" in err
    assert "  demographics.csv line 4: birthDate is “31/02/2017”" in err
    assert "Imported 11 row(s) (6 row(s) with problems)." in out
    assert "Pupils with no date of birth in the bundle: 2" in out
    assert Child.objects.count() == 4


def test_all_or_nothing_fails_and_saves_nothing(cast):
    with pytest.raises(CommandError, match="Nothing was imported"):
        _run(str(FIXTURES / "oneroster_messy"), "--school", str(cast.school.pk), "--all-or-nothing")
    assert not Child.objects.exists()
    row = RosterImport.objects.get()
    assert row.all_or_nothing and not row.report["saved"]


@pytest.mark.parametrize(
    ("folder", "words"),
    [
        ("broken_no_users", "has no users.csv"),
        ("broken_version", "OneRoster version 1.0"),
        ("broken_no_sourcedid", "has no sourcedId column"),
    ],
)
def test_a_bundle_that_cannot_be_read_is_refused_and_logged(cast, folder, words):
    with pytest.raises(CommandError, match=f"{words}.*Nothing was saved"):
        _run(str(FIXTURES / folder), "--school", str(cast.school.pk))
    row = RosterImport.objects.get()
    assert words in row.problem and row.report == {}
    assert AccessLog.objects.filter(object_id=row.pk, username=WHO).exists()


def test_not_a_zip_and_no_school(cast, tmp_path):
    path = tmp_path / "export.zip"
    path.write_text("hello")
    with pytest.raises(CommandError, match="is not a .zip file"):
        _run(str(path), "--school", str(cast.school.pk))
    with pytest.raises(CommandError, match="There is no school with id 999999"):
        _run(str(path), "--school", "999999")
    with pytest.raises(CommandError, match="There is no folder or file"):
        _run(str(tmp_path / "nothing"), "--school", str(cast.school.pk))
