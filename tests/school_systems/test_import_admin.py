"""OneRoster import in Django admin: upload a .zip, read its dry run, confirm; who may do it is
the families CSV import's rule; every dry run and import is kept and logged."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AccessLog
from families.models import Child
from portal.access import IMPORT_PERMS
from school_systems.models import RosterImport
from tests import factories
from tests.school_systems.test_csv_bundle import zip_folder

FIXTURES = Path(__file__).parent / "fixtures"
UPLOAD = "admin:school_systems_rosterimport_upload"
LIST = "admin:school_systems_rosterimport_changelist"


def _office(school, username="office"):
    """A member of staff given the six import permissions in admin."""
    user = factories.UserFactory(username=username, first_name="Olive", is_staff=True)
    factories.MembershipFactory(user=user, school=school, role="staff")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="families",
            codename__in=[perm.split(".")[1] for perm in IMPORT_PERMS],
        )
    )
    return user


@pytest.fixture
def office(cast):
    return _office(cast.school)


def _zip(tmp_path, folder="oneroster_1_1_clean"):
    data = zip_folder(FIXTURES / folder, tmp_path / f"{folder}.zip").read_bytes()
    return SimpleUploadedFile(f"{folder}.zip", data, content_type="application/zip")


def _upload(client, school, upload, follow=False, **extra):
    data = {"school": school.pk, "file": upload, **extra}
    return client.post(reverse(UPLOAD), data, follow=follow)


def test_dry_run_then_confirm(cast, office, login, tmp_path):
    client = login(office)
    page = client.get(reverse(UPLOAD))
    assert page.status_code == 200
    assert "Riverside Primary" in page.content.decode()
    assert "Hillside Academy" not in page.content.decode()  # not a school they may import into
    response = _upload(client, cast.school, _zip(tmp_path))
    checked = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:school_systems_rosterimport_report", args=[checked.pk]
    )
    assert checked.dry_run and checked.started_by == office and checked.version == "1.1"
    assert not Child.objects.exists()
    assert default_storage.exists(checked.report["upload"])
    log = AccessLog.objects.get(action="import", object_id=checked.pk)
    assert log.user == office and log.school == cast.school
    body = client.get(response["Location"]).content.decode()
    assert "Dry run of 4 row(s), nothing saved: no problems." in body
    assert "What the import would do" in body and "Confirm and import" in body
    assert "Classes: 2 would be added (P2 Ash, P4 Oak)." in body
    assert "morag@example.org" not in body  # counts and problems only, as the CSV import page

    response = client.post(reverse("admin:school_systems_rosterimport_confirm", args=[checked.pk]))
    done = RosterImport.objects.exclude(pk=checked.pk).get()
    assert response["Location"] == reverse(
        "admin:school_systems_rosterimport_report", args=[done.pk]
    )
    assert not done.dry_run and done.report["saved"] and done.started_by == office
    assert Child.objects.count() == 3
    checked.refresh_from_db()
    assert "upload" not in checked.report and checked.report["imported_as"] == done.pk
    assert AccessLog.objects.filter(action="import", object_id=done.pk, user=office).exists()
    body = client.get(response["Location"], follow=True).content.decode()
    assert "Imported 4 row(s) (no problems)." in body
    assert "See the import" not in body
    # The same check cannot be imported twice.
    again = client.post(
        reverse("admin:school_systems_rosterimport_confirm", args=[checked.pk]), follow=True
    )
    assert "has no bundle kept to import" in again.content.decode()
    assert RosterImport.objects.count() == 2


def test_problems_are_shown_by_file_and_line(cast, office, login, tmp_path):
    client = login(office)
    response = _upload(client, cast.school, _zip(tmp_path, "oneroster_messy"), follow=True)
    body = response.content.decode()
    assert "Rows with problems (6)" in body
    assert "users.csv line 3" in body and "who is a teacher, not a parent or carer" in body
    assert "demographics.csv line 4" in body
    assert "These will be left out; the rest will be imported." in body


def test_all_or_nothing_with_problems_cannot_be_confirmed(cast, office, login, tmp_path):
    client = login(office)
    _upload(client, cast.school, _zip(tmp_path, "oneroster_messy"), all_or_nothing="on")
    checked = RosterImport.objects.get()
    assert checked.all_or_nothing and "upload" not in checked.report
    body = client.get(
        reverse("admin:school_systems_rosterimport_report", args=[checked.pk])
    ).content.decode()
    assert "nothing will be imported until these are fixed" in body
    assert "Confirm and import" not in body


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda tmp: SimpleUploadedFile("export.zip", b"not a zip"), "is not a .zip file"),
        (lambda tmp: _zip(tmp, "broken_version"), "OneRoster version 1.0"),
        (lambda tmp: _zip(tmp, "broken_no_users"), "has no users.csv"),
        (lambda tmp: _zip(tmp, "broken_no_sourcedid"), "has no sourcedId column"),
    ],
)
def test_a_bundle_that_cannot_be_read_is_refused_plainly(
    cast, office, login, tmp_path, make, words
):
    response = _upload(login(office), cast.school, make(tmp_path))
    assert response.status_code == 200
    body = response.content.decode()
    assert words in body and "Nothing was saved." in body
    row = RosterImport.objects.get()
    assert words in row.problem and not Child.objects.exists()
    assert AccessLog.objects.filter(action="import", object_id=row.pk).exists()
    url = reverse("admin:school_systems_rosterimport_report", args=[row.pk])
    body = login(office).get(url).content.decode()
    assert "The bundle could not be read" in body and words in body
    assert "Confirm and import" not in body


def test_the_administrators_group_and_school_staff_cannot_import(cast, login, tmp_path):
    client = login(cast.admin)
    assert client.get(reverse(UPLOAD)).status_code == 403
    assert client.get(reverse(LIST)).status_code == 403
    assert _upload(client, cast.school, _zip(tmp_path)).status_code == 403
    assert not RosterImport.objects.exists()
    response = login(cast.headteacher).get(reverse(UPLOAD))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_another_schools_import_is_not_found_and_cannot_be_chosen(cast, login, tmp_path):
    ours = _office(cast.school)
    theirs = _office(cast.other_school, username="other_office")
    _upload(login(ours), cast.school, _zip(tmp_path))
    checked = RosterImport.objects.get()
    client = login(theirs)
    url = reverse("admin:school_systems_rosterimport_report", args=[checked.pk])
    assert client.get(url).status_code == 404
    confirm = reverse("admin:school_systems_rosterimport_confirm", args=[checked.pk])
    assert client.post(confirm).status_code == 404
    assert "Riverside Primary" not in client.get(reverse(LIST)).content.decode()
    response = _upload(client, cast.school, _zip(tmp_path))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Child.objects.exists() and RosterImport.objects.count() == 1


def test_confirm_is_post_only(cast, office, login):
    row = RosterImport.objects.create(school=cast.school, source="csv")
    url = reverse("admin:school_systems_rosterimport_confirm", args=[row.pk])
    assert login(office).get(url).status_code == 405


def test_the_list_is_read_only_and_cheap(
    cast, office, login, tmp_path, django_assert_max_num_queries
):
    client = login(office)
    for _ in range(3):
        _upload(client, cast.school, _zip(tmp_path))
    with django_assert_max_num_queries(12):
        response = client.get(reverse(LIST))
    body = response.content.decode()
    assert response.status_code == 200 and body.count("Dry run of 4 row(s)") == 3
    assert "Import a OneRoster bundle" in body
    row = RosterImport.objects.first()
    change = client.get(reverse("admin:school_systems_rosterimport_change", args=[row.pk]))
    assert change.status_code == 302
    assert client.get(reverse("admin:school_systems_rosterimport_add")).status_code == 403


def test_the_check_and_the_import_run_on_the_task_worker(cast, office, login, tmp_path, settings):
    """Never in the request: the upload queues the check, the page says it is still working,
    and the worker's run finishes it (once); the confirm queues the import the same way."""
    from school_systems import csv_runs

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client = login(office)
    _upload(client, cast.school, _zip(tmp_path))
    checked = RosterImport.objects.get()
    report = reverse("admin:school_systems_rosterimport_report", args=[checked.pk])
    assert checked.finished_at is None and not checked.report.get("counts")
    assert "Checking the bundle" in client.get(report).content.decode()

    assert csv_runs.run_execute(checked.pk) == "done"
    assert csv_runs.run_execute(checked.pk) == "skipped"  # finished: a second worker leaves it
    checked.refresh_from_db()
    assert checked.finished_at and checked.report["counts"]["children"]["created"] == 3
    assert not Child.objects.exists()
    assert "Confirm and import" in client.get(report).content.decode()

    client.post(reverse("admin:school_systems_rosterimport_confirm", args=[checked.pk]))
    imported = RosterImport.objects.get(dry_run=False)
    assert imported.finished_at is None and not Child.objects.exists()
    page = client.get(reverse("admin:school_systems_rosterimport_report", args=[imported.pk]))
    assert "Importing" in page.content.decode()
    assert csv_runs.run_execute(imported.pk) == "done"
    imported.refresh_from_db()
    assert imported.report["saved"] and Child.objects.count() == 3
    assert "upload" not in imported.report  # the bundle is not kept once imported


def test_a_check_no_worker_finished_says_it_has_stopped(cast, office, login, tmp_path, settings):
    import datetime as dt

    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client = login(office)
    _upload(client, cast.school, _zip(tmp_path))
    checked = RosterImport.objects.get()
    RosterImport.objects.filter(pk=checked.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    page = client.get(reverse("admin:school_systems_rosterimport_report", args=[checked.pk]))
    body = page.content.decode()
    assert "This check has stopped" in body and "Checking the bundle" not in body
