"""Reading a OneRoster CSV bundle (school_systems/csv_bundle.py): the quirks of real exports are
tolerated, and what cannot be read is refused with a plain message."""

import io
import zipfile
from pathlib import Path

import pytest

from school_systems import csv_bundle
from school_systems.bundle import BundleError

FIXTURES = Path(__file__).parent / "fixtures"


def zip_folder(folder: Path, target: Path, *, inside: str = "") -> Path:
    """The fixture folder as a .zip (the repository holds only text files)."""
    with zipfile.ZipFile(target, "w") as archive:
        for child in sorted(folder.iterdir()):
            archive.write(child, f"{inside}{child.name}")
    return target


def users(records):
    return {r.get("sourcedId"): r for r in records}


def test_clean_1_1_bundle_reads_from_a_folder_and_a_zip_alike(tmp_path):
    folder = csv_bundle.read_path(FIXTURES / "oneroster_1_1_clean")
    zipped = csv_bundle.read_path(zip_folder(FIXTURES / "oneroster_1_1_clean", tmp_path / "b.zip"))
    assert folder.version == zipped.version == "1.1"
    assert [r.fields for r in folder.users] == [r.fields for r in zipped.users]
    assert zipped.source == "b.zip"
    assert users(folder.users)["s1"].get("agentSourcedIds") == "g1,g2"  # quoted multi-value
    assert folder.users[0].where == "users.csv line 2"
    assert folder.missing == []  # roles is no 1.1 file


def test_1_2_bundle_reads_roles(tmp_path):
    bundle = csv_bundle.read_path(FIXTURES / "oneroster_1_2_clean")
    assert bundle.version == "1.2"
    assert {(r.get("userSourcedId"), r.get("role")) for r in bundle.roles} >= {
        ("s1", "student"),
        ("r1", "relative"),
    }


def test_zip_with_the_files_in_a_folder_inside(tmp_path):
    path = zip_folder(FIXTURES / "oneroster_1_2_clean", tmp_path / "b.zip", inside="export/")
    assert len(csv_bundle.read_path(path).users) == 8


def test_messy_headers_bom_crlf_blank_line_and_no_final_newline():
    bundle = csv_bundle.read_path(FIXTURES / "oneroster_messy")
    assert bundle.version == "1.1"  # no manifest: told from users.csv's role column
    m1 = users(bundle.users)["m1"]
    assert m1.fields["givenName"] == "Isla" and m1.fields["familyName"] == "Brown"
    assert m1.fields["status"] == "Active" and m1.fields["orgSourcedIds"] == ""
    assert m1.fields["agentSourcedIds"] == "g1, g2"
    assert m1.fields["House"] == "Red"  # unknown column kept, harmlessly
    last = bundle.users[-1]
    assert last.get("sourcedId") == "g4" and last.line == 13  # after a blank line, no newline
    assert users(bundle.users)["m3"].line == 5
    assert bundle.demographics[0].fields["birthDate"] == "01/05/2017"
    assert bundle.classes[0].fields["title"] == "P4 Oak"  # semicolons
    assert bundle.enrollments[-1].fields == {
        "classSourcedId": "c1",
        "userSourcedId": "t1",
        "role": "teacher",
    }
    assert sorted(bundle.missing) == ["orgs"]


def test_a_row_with_more_cells_than_columns_is_marked():
    bundle = csv_bundle.read_path(FIXTURES / "oneroster_messy")
    m6 = users(bundle.users)["m6"]
    assert "14 cells but the header has 13 columns" in m6.get(csv_bundle.PROBLEM)


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("SourcedId", "sourcedId"),
        ("sourced_id", "sourcedId"),
        (" Sourced Id ", "sourcedId"),
        ("SOURCEID", "sourcedId"),
        ("given name", "givenName"),
        ("First Name", "givenName"),
        ("familyname", "familyName"),
        ("Surname", "familyName"),
        ("birthdate", "birthDate"),
        ("Date of Birth", "birthDate"),
        ("agentsourcedids", "agentSourcedIds"),
        ("agent_sourced_id", "agentSourcedIds"),
        ("user-sourced-id", "userSourcedId"),
        ("\ufeffsourcedId", "sourcedId"),
        ("Favourite Colour", "Favourite Colour"),
    ],
)
def test_column_names_as_found_in_the_wild(header, name):
    assert csv_bundle.column_name(header) == name


def test_windows_encoding_and_tabs_are_read():
    raw = "sourcedId\trole\tgivenName\tfamilyName\nu1\tstudent\tZoë\tMüller\n".encode("cp1252")
    [record] = csv_bundle.read_table(raw, "users.csv", ("sourcedId",))
    assert record.fields["givenName"] == "Zoë"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_files_the_manifest_marks_absent_are_not_required():
    bundle = csv_bundle.read_zip(
        _zip(
            {
                "manifest.csv": "propertyName,value\noneroster.version,1.1\nfile.orgs,absent\n",
                "users.csv": "sourcedId,role\nu1,student\n",
                "orgs.csv": "this file is marked absent and is not read\n",
            }
        ),
        "b.zip",
    )
    assert bundle.orgs == [] and "orgs" in bundle.missing


@pytest.mark.parametrize(
    ("folder", "words"),
    [
        ("broken_no_users", "has no users.csv"),
        ("broken_version", "OneRoster version 1.0; the portal reads OneRoster 1.1 and 1.2"),
        ("broken_no_sourcedid", "users.csv has no sourcedId column"),
    ],
)
def test_broken_bundles_are_refused_with_a_plain_message(tmp_path, folder, words):
    with pytest.raises(BundleError, match=words):
        csv_bundle.read_path(FIXTURES / folder)
    with pytest.raises(BundleError, match=words):
        csv_bundle.read_path(zip_folder(FIXTURES / folder, tmp_path / "b.zip"))


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"users.csv": "sourcedId,givenName\nu1,Ruby\n"}, "Nobody's role can be told"),
        ({"users.csv": "sourcedId,role\n"}, "users.csv has no rows"),
        ({"users.csv": "sourcedId,role\nu1,student\n", "roles.csv": "x\n1\n"}, "roles.csv has no"),
        ({"users.csv": "sourcedId,role\x00\n"}, "binary data"),
        ({"Export/Users.CSV": "sourcedId,role\nu1,student\n"}, None),  # any case, in a folder
    ],
)
def test_unreadable_parts_are_refused(files, words):
    if words is None:
        assert csv_bundle.read_zip(_zip(files), "b.zip").users
        return
    with pytest.raises(BundleError, match=words):
        csv_bundle.read_zip(_zip(files), "b.zip")


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "export.zip"
    path.write_text("sourcedId,role\nu1,student\n")
    with pytest.raises(BundleError, match="export.zip is not a .zip file"):
        csv_bundle.read_path(path)


def test_nothing_at_the_path_is_refused(tmp_path):
    with pytest.raises(BundleError, match="There is no folder or file"):
        csv_bundle.read_path(tmp_path / "missing")


def test_a_zip_too_large_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr(csv_bundle, "MAX_BYTES", 10)
    with pytest.raises(BundleError, match="too large"):
        csv_bundle.read_zip(_zip({"users.csv": "sourcedId,role\nu1,student\n"}), "b.zip")
