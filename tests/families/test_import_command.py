"""manage.py import_families: the same service, from the command line."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from families.models import Child

SAMPLE = Path(__file__).resolve().parents[2] / "families" / "sample" / "sis_export.csv"
HEADER = (
    "pupil_id,pupil_first_name,pupil_last_name,date_of_birth,family_ref,parent_id,"
    "parent_last_name,relationship\n"
)


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_families", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def csv_file(tmp_path):
    def _write(body, raw=None):
        path = tmp_path / "export.csv"
        path.write_bytes(raw if raw is not None else (HEADER + body).encode())
        return str(path)

    return _write


def test_dry_run_then_import_then_reimport(cast, csv_file):
    path = csv_file("P1,Isla,Reid,2018-03-14,F1,M1,Reid,mother\n")
    out, _ = _run(path, "--school", str(cast.school.pk), "--dry-run")
    assert "1 would be created" in out and "nothing saved" in out
    assert not Child.objects.exists()
    out, _ = _run(path, "--school", str(cast.school.pk))
    assert "Imported 1 row(s)" in out and Child.objects.count() == 1
    out, _ = _run(path, "--school", str(cast.school.pk))
    assert "already up to date" in out and Child.objects.count() == 1


def test_bad_row_goes_to_stderr_with_its_line_and_the_rest_import(cast, csv_file):
    path = csv_file(
        "P1,Isla,Reid,2018-03-14,F1,M1,Reid,mother\nP2,Tom,Reid,yesterday,F1,M1,Reid,mother\n"
    )
    out, err = _run(path, "--school", str(cast.school.pk))
    assert "Line 3: date_of_birth" in err
    assert list(Child.objects.values_list("external_id", flat=True)) == ["P1"]


def test_all_or_nothing_fails_and_saves_nothing(cast, csv_file):
    path = csv_file(
        "P1,Isla,Reid,2018-03-14,F1,M1,Reid,mother\nP2,Tom,Reid,yesterday,F1,M1,Reid,mother\n"
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        _run(path, "--school", str(cast.school.pk), "--all-or-nothing")
    assert not Child.objects.exists()


def test_malformed_file_stops_with_a_clear_message(cast, csv_file):
    path = csv_file("", raw="Caf\xe9".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8.*Nothing was saved"):
        _run(path, "--school", str(cast.school.pk))


def test_unknown_school_and_missing_file_are_refused(cast, tmp_path):
    with pytest.raises(CommandError, match="no school with id 999999"):
        _run(str(SAMPLE), "--school", "999999")
    with pytest.raises(CommandError, match="no file"):
        _run(str(tmp_path / "nope.csv"), "--school", str(cast.school.pk))
