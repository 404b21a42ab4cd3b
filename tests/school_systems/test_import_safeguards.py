"""What a OneRoster import must never do, whatever the export holds: put strangers' children in
one family through a shared carer, overwrite who someone is to a child with what a role guesses,
import every school's pupils into one, read a delta as the whole roster, or import twice from one
check. Also that its messages send school staff where they can act, in OneRoster's words."""

import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from families.importer import families_import
from families.models import Child, ChildParent, Family, ParentCarer
from school_systems import csv_bundle, csv_runs
from school_systems.bundle import Bundle, BundleError, Record
from school_systems.households import HUB_PUPILS
from school_systems.models import RosterImport
from school_systems.roster_import import bundle_import
from tests.school_systems.test_import_admin import _office, _upload, _zip

FIXTURES = Path(__file__).parent / "fixtures"
CLEAN = FIXTURES / "oneroster_1_1_clean"


def bundle(rows: list[dict]) -> Bundle:
    made = Bundle(version="1.1", source="test")
    made.users = [Record("users.csv", line, row) for line, row in enumerate(rows, start=2)]
    return made


def pupil(sourced_id, given, family, agents):
    return {
        "sourcedId": sourced_id,
        "role": "student",
        "givenName": given,
        "familyName": family,
        "agentSourcedIds": agents,
    }


def carer(sourced_id, role, given, family, **more):
    return {"sourcedId": sourced_id, "role": role, "givenName": given, "familyName": family, **more}


def households() -> set[frozenset[str]]:
    """Each family as the set of its children's and parents' ids."""
    return {
        frozenset(
            [c.external_id for c in Child.objects.filter(family=family)]
            + [p.external_id for p in ParentCarer.objects.filter(family=family)]
        )
        for family in Family.objects.all()
    }


def copy_clean(tmp_path) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(CLEAN, folder)
    return folder


# 1. A shared carer never merges households.


def test_a_council_as_guardian_of_unrelated_pupils_joins_no_families(cast):
    rows = [
        pupil("s1", "Ann", "Able", "m1,la"),
        pupil("s2", "Ben", "Bold", "m2,la"),
        pupil("s3", "Cal", "Cole", "m3,la"),
        carer("m1", "parent", "Mary", "Able"),
        carer("m2", "parent", "Mo", "Bold"),
        carer("m3", "parent", "Meg", "Cole"),
        carer("la", "guardian", "", "Riverside Council"),
    ]
    result = bundle_import(bundle(rows), school=cast.school)
    assert result.saved and not result.errors
    # Each pupil is in their own family with their own parent; the council is a carer in each.
    assert households() == {
        frozenset({"s1", "m1", "la"}),
        frozenset({"s2", "m2", "la"}),
        frozenset({"s3", "m3", "la"}),
    }
    # Importing again finds each family by its pupil: nothing ambiguous, nothing new.
    again = bundle_import(bundle(rows), school=cast.school)
    assert not again.errors and not again.changed and Family.objects.count() == 3


def test_a_relative_of_pupils_who_share_no_parent_joins_nothing(cast):
    rows = [
        pupil("s1", "Ann", "Able", "m1,gran"),
        pupil("s2", "Ben", "Bold", "gran"),
        carer("m1", "parent", "Mary", "Able"),
        carer("gran", "relative", "Rose", "Able"),
    ]
    bundle_import(bundle(rows), school=cast.school)
    assert households() == {frozenset({"s1", "m1", "gran"}), frozenset({"s2", "gran"})}


def test_brothers_and_sisters_sharing_a_parent_are_still_one_family(cast):
    rows = [
        pupil("s1", "Ann", "Able", "m1,g1"),
        pupil("s2", "Amy", "Able", "m1,g1"),
        pupil("s3", "Al", "Able", "d1"),
        carer("m1", "parent", "Mary", "Able"),
        carer("d1", "parent", "Dan", "Able", agentSourcedIds="s2"),
        carer("g1", "guardian", "Gail", "Able"),
    ]
    bundle_import(bundle(rows), school=cast.school)
    assert households() == {frozenset({"s1", "s2", "s3", "m1", "d1", "g1"})}


def test_a_carer_linked_to_many_pupils_is_a_hub_and_joins_nothing(cast):
    count = HUB_PUPILS + 1
    rows = [pupil(f"s{i}", f"P{i}", f"F{i}", f"m{i},kw") for i in range(count)]
    rows += [carer(f"m{i}", "parent", "M", f"F{i}") for i in range(count)]
    rows.append(carer("kw", "parent", "Kim", "Worker"))  # a key worker exported as a parent
    result = bundle_import(bundle(rows), school=cast.school)
    assert not result.errors
    assert households() == {frozenset({f"s{i}", f"m{i}", "kw"}) for i in range(count)}
    assert any(
        f"Kim Worker (kw) is linked to {count} pupils" in note
        and "put no families together" in note
        for note in result.summary_lines()
    )


def test_a_carer_shared_with_another_family_does_not_make_a_family_ambiguous(cast):
    """families/importer.py: a family_ref whose pupil is already in the portal is that pupil's
    family; a carer it shares with another family does not pull that family in too."""
    csv = (
        "pupil_id,pupil_first_name,pupil_last_name,date_of_birth,family_ref,parent_id,"
        "parent_first_name,parent_last_name,relationship\n"
        "s1,Ann,Able,2017-05-01,F1,m1,Mary,Able,mother\n"
        "s1,Ann,Able,2017-05-01,F1,la,,Riverside Council,corporate parent\n"
        "s2,Ben,Bold,2018-05-01,F2,m2,Mo,Bold,mother\n"
        "s2,Ben,Bold,2018-05-01,F2,la,,Riverside Council,corporate parent\n"
    )
    assert families_import(content=csv, school=cast.school).saved
    again = families_import(content=csv, school=cast.school)
    assert again.errors == [] and not again.changed
    assert Family.objects.count() == 2


# 2. What a role says is a default for a new link only.


def test_the_role_does_not_overwrite_a_links_relationship_or_responsibility(cast, tmp_path):
    csv = (
        "pupil_id,pupil_first_name,pupil_last_name,date_of_birth,family_ref,parent_id,"
        "parent_first_name,parent_last_name,relationship,parental_responsibility\n"
        "s1,Isla,Brown,2017-05-01,F1,g1,Morag,Brown,mother,yes\n"
        "s3,Amir,Khan,2017-01-20,F2,g3,Sara,Khan,kinship carer,yes\n"
    )
    assert families_import(content=csv, school=cast.school).saved
    folder = copy_clean(tmp_path)
    users = folder / "users.csv"
    users.write_text(users.read_text().replace(",guardian,", ",relative,"))  # g3: a relative
    result = bundle_import(csv_bundle.read_path(folder), school=cast.school)
    assert result.saved and not result.errors
    found = {
        (link.child.external_id, link.parent.external_id): (
            link.relationship,
            link.parental_responsibility,
        )
        for link in ChildParent.objects.select_related("child", "parent")
    }
    assert found[("s1", "g1")] == ("mother", True)  # not "other"
    assert found[("s3", "g3")] == ("kinship_carer", True)  # responsibility not flipped to no
    assert found[("s2", "g1")] == ("other", True)  # a new link takes the role's defaults


def test_a_relationship_column_in_the_bundle_does_change_a_link(cast):
    rows = [pupil("s1", "Ann", "Able", "g1"), carer("g1", "guardian", "Gail", "Able")]
    bundle_import(bundle(rows), school=cast.school)
    assert ChildParent.objects.get().relationship == "other"
    rows[1] = {**rows[1], "relationship": "foster carer", "parentalResponsibility": "no"}
    bundle_import(bundle(rows), school=cast.school)
    link = ChildParent.objects.get()
    assert (link.relationship, link.parental_responsibility) == ("foster_carer", False)


# 3. and 4. What the bundle holds must be what it says.


def _without_orgs(tmp_path, *, manifest_line: bool) -> Path:
    folder = copy_clean(tmp_path)
    (folder / "orgs.csv").unlink()
    if not manifest_line:
        manifest = folder / "manifest.csv"
        manifest.write_text(manifest.read_text().replace("file.orgs,bulk\n", ""))
    return folder


def test_pupils_of_several_schools_and_no_orgs_file_are_refused(cast, tmp_path):
    folder = _without_orgs(tmp_path, manifest_line=False)
    with pytest.raises(BundleError, match="pupils of 2 schools and no orgs.csv"):
        bundle_import(csv_bundle.read_path(folder), school=cast.school)
    assert not Child.objects.exists()
    # Given the school's sourcedId, only its pupils come in.
    bundle_import(csv_bundle.read_path(folder), school=cast.school, org="org-rp")
    assert set(Child.objects.values_list("external_id", flat=True)) == {"s1", "s2", "s3"}


def test_pupils_of_one_school_need_no_orgs_file(cast, tmp_path):
    folder = _without_orgs(tmp_path, manifest_line=False)
    users = folder / "users.csv"
    users.write_text("\n".join(li for li in users.read_text().splitlines() if "org-hp" not in li))
    assert bundle_import(csv_bundle.read_path(folder), school=cast.school).saved


def test_a_file_the_manifest_lists_but_the_bundle_lacks_is_refused(tmp_path):
    folder = _without_orgs(tmp_path, manifest_line=True)
    with pytest.raises(BundleError, match="manifest.csv lists orgs.csv but the bundle"):
        csv_bundle.read_path(folder)


def test_a_delta_export_is_refused(tmp_path):
    folder = copy_clean(tmp_path)
    manifest = folder / "manifest.csv"
    manifest.write_text(manifest.read_text().replace("file.users,bulk", "file.users,delta"))
    with pytest.raises(BundleError, match=r"delta export .*bulk \(full\) export"):
        csv_bundle.read_path(folder)


# 5. One check imports once.


def test_two_confirms_of_one_check_import_once(cast, login, tmp_path, monkeypatch):
    client = login(_office(cast.school))
    _upload(client, cast.school, _zip(tmp_path))
    checked = RosterImport.objects.get()
    confirm = reverse("admin:school_systems_rosterimport_confirm", args=[checked.pk])
    real = csv_runs.bundle_import
    second = []

    def import_while_another_confirms(*args, **kwargs):
        # The second click arrives while the first is importing.
        if not second:
            second.append(client.post(confirm, follow=True))
        return real(*args, **kwargs)

    monkeypatch.setattr(csv_runs, "bundle_import", import_while_another_confirms)
    client.post(confirm)
    assert "has no bundle kept to import" in second[0].content.decode()
    assert RosterImport.objects.filter(dry_run=False).count() == 1
    assert Child.objects.count() == 3


# 6. and 7. Messages staff can act on, in OneRoster's words.


def test_messages_point_staff_at_the_family_page_in_oneroster_words(cast):
    made = bundle(
        [
            pupil("s1", "Ann", "Able", "m1"),
            pupil("s2", "", "Bold", "m1"),
            pupil("s3", "Cal", "Cole", "m3"),
            carer("m1", "parent", "Mary", "Able"),
            carer("m3", "parent", "Meg", ""),
        ]
    )
    made.demographics = [Record("demographics.csv", 2, {"sourcedId": "s1", "birthDate": "soon"})]
    result = bundle_import(made, school=cast.school, all_or_nothing=True)
    messages = [str(error) for error in result.errors]
    assert "users.csv line 3: givenName is empty for pupil s2" in messages[1]
    assert "familyName is empty for parent or carer m3" in messages[2]
    assert "pupil_first_name" not in " ".join(messages)
    assert "unless all or nothing was chosen" in messages[0] and not result.saved
    note = result.summary_lines()[-1]
    assert "on their family's page" in note and "admin" not in note
