"""Importing in the background: the upload is stored as a run and a task processes it in chunks,
with its progress and then its report on the run's own page, which the user can leave and come
back to. The upload request itself reads no row."""

import datetime
import os

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from families import importer, tasks
from families.import_runs import ImportRun
from families.models import Child, ChildParent, Family, ParentCarer
from portal.access import IMPORT_PERMS
from tests import factories

HEADER = (
    "pupil_id,pupil_first_name,pupil_last_name,date_of_birth,family_ref,parent_id,"
    "parent_first_name,parent_last_name,relationship"
)
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _rows(n: int, *, start: int = 1) -> list[str]:
    """n pupils, two to a family, each with their mother: n rows."""
    return [
        f"P{i},Pupil{i},Reid,2018-03-14,F{(i + 1) // 2},M{(i + 1) // 2},Anna,Reid,Mother"
        for i in range(start, start + n)
    ]


def _csv(rows) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def _upload(content: str, name="export.csv"):
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def _run_page(pk):
    return reverse("admin:families_importrun_detail", kwargs={"pk": pk})


def _confirm(pk):
    return reverse("admin:families_importrun_confirm", kwargs={"pk": pk})


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def importer_user(cast):
    """A member of staff of the cast's school given the six import permissions in admin."""
    user = factories.UserFactory(username="office", first_name="Olive", is_staff=True)
    factories.MembershipFactory(user=user, school=cast.school, role="staff")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="families",
            codename__in=[perm.split(".")[1] for perm in IMPORT_PERMS],
        )
    )
    return user


def _run(school, *, content=None, dry_run=True, **fields) -> ImportRun:
    return ImportRun.objects.create(
        school=school,
        dry_run=dry_run,
        content=_csv(_rows(2)) if content is None else content,
        **fields,
    )


# The request stores; the task processes ----------------------------------------------------


def test_the_upload_stores_the_file_and_reads_no_row(
    login, superuser, cast, settings, django_assert_max_num_queries
):
    settings.TASKS = DUMMY  # queued, not run: as with the database worker
    client = login(superuser)
    content = _csv(_rows(35000))  # the size the upload allows
    with django_assert_max_num_queries(15):  # the same for 35,000 rows as for 2
        response = client.post(
            reverse("admin:families_child_import"),
            {"school": cast.school.pk, "file": _upload(content)},
        )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == _run_page(run.pk)
    assert (run.status, run.rows_done, run.rows_total) == ("queued", 0, None)
    assert run.dry_run and run.content == content and run.started_by == superuser
    assert run.school == cast.school and run.file_name == "export.csv"
    assert not Family.objects.exists()
    [queued] = default_task_backend.results
    assert queued.task.func is tasks.import_run_process.func and queued.args == [run.pk]

    page = client.get(_run_page(run.pk)).content.decode()
    assert "Waiting to start" in page and 'http-equiv="refresh"' in page
    assert "Confirm and import" not in page


def _worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


# The worker checks its connection between tasks as in production: it needs real commits.
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_dry_run_and_then_the_import(login, superuser, cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = login(superuser)
    client.post(
        reverse("admin:families_child_import"),
        {"school": cast.school.pk, "file": _upload(_csv(_rows(3)))},
    )
    dry = ImportRun.objects.get()
    assert (dry.status, dry.rows_done) == ("queued", 0)
    _worker()
    dry.refresh_from_db()
    assert (dry.status, dry.rows_done, dry.rows_total) == ("done", 3, 3)
    response = client.post(_confirm(dry.pk))
    real = ImportRun.objects.get(dry_run=False)
    assert response.url == _run_page(real.pk) and real.status == "queued"
    assert not Child.objects.exists()
    _worker()
    real.refresh_from_db()
    assert real.status == "done" and Child.objects.count() == 3


def test_the_task_completes_the_dry_run_and_the_page_shows_its_report(login, superuser, cast):
    client = login(superuser)
    run = _run(cast.school, content=_csv(_rows(3)))
    assert tasks.import_run_process.call(run.pk) == "done"
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.rows_total) == ("done", 3, 3)
    assert run.finished_at and run.content  # kept for the import, without a second upload
    assert not Child.objects.exists()  # a dry run saves nothing
    page = client.get(_run_page(run.pk)).content.decode()
    assert "Dry run of 3 row(s), nothing saved: no problems." in page
    assert "Families: 2 would be created" not in page  # the counts are a table here
    assert "<td>3</td>" in page and "Confirm and import" in page
    assert 'http-equiv="refresh"' not in page


def test_the_import_is_started_from_the_dry_runs_page_without_uploading_again(
    login, superuser, cast, settings
):
    client = login(superuser)
    dry = _run(cast.school, content=_csv([*_rows(2), "P9,Ada,Reid,soon,F9,M9,Ann,Reid,Mother"]))
    tasks.import_run_process.call(dry.pk)
    settings.TASKS = DUMMY
    response = client.post(_confirm(dry.pk))
    real = ImportRun.objects.get(checked_by=dry)
    assert response.url == _run_page(real.pk)
    assert (real.status, real.dry_run, real.started_by) == ("queued", False, superuser)
    dry.refresh_from_db()
    assert dry.content == ""  # the import holds the only copy of the file now
    assert not Child.objects.exists()  # queued, not yet run

    assert tasks.import_run_process.call(real.pk) == "done"
    real.refresh_from_db()
    assert (real.rows_done, real.rows_total, real.content) == (3, 3, "")
    assert Child.objects.filter(school=cast.school).count() == 2
    page = client.get(_run_page(real.pk)).content.decode()
    assert "Imported 3 row(s) (1 row(s) with problems)." in page
    assert '<th scope="row">4</th>' in page and "not a date" in page
    assert "These rows were left out" in page

    # Sent twice (a double click, the back button): still one import.
    again = client.post(_confirm(dry.pk))
    assert again.url == _run_page(real.pk)
    assert ImportRun.objects.filter(dry_run=False).count() == 1
    assert "see the import" in client.get(_run_page(dry.pk)).content.decode()


def test_an_all_or_nothing_import_with_a_bad_row_saves_nothing_and_says_so(cast):
    content = _csv([*_rows(2), "P9,Ada,Reid,soon,F9,M9,Ann,Reid,Mother"])
    run = _run(cast.school, content=content, dry_run=False, all_or_nothing=True)
    tasks.import_run_process.call(run.pk)
    run.refresh_from_db()
    assert run.status == "done" and not run.result().saved
    assert "Nothing was imported" in run.result().headline()
    assert not Child.objects.exists()


def test_a_dry_run_with_no_importable_row_offers_no_import(login, superuser, cast):
    run = _run(cast.school, content=_csv(["P9,Ada,Reid,soon,F9,M9,Ann,Reid,Mother"]))
    tasks.import_run_process.call(run.pk)
    client = login(superuser)
    assert "No row can be imported" in client.get(_run_page(run.pk)).content.decode()
    client.post(_confirm(run.pk))
    assert not ImportRun.objects.filter(dry_run=False).exists()


def test_a_running_import_shows_its_progress_and_refreshes_itself(login, superuser, cast):
    run = _run(cast.school, dry_run=False, status="running", rows_total=35000, rows_done=12000)
    page = login(superuser).get(_run_page(run.pk)).content.decode()
    assert "<h2>Importing</h2>" in page
    assert '<progress max="35000" value="12000">34%</progress>' in page
    assert "12,000 of 35,000 rows done (34%)" in page
    assert 'http-equiv="refresh"' in page and f'href="{_run_page(run.pk)}"' in page


def test_progress_is_reported_after_each_chunk(cast, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    seen = []
    importer.families_import(
        content=_csv(_rows(5)),
        school=cast.school,
        dry_run=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer: progress shows at the end"
)
@pytest.mark.django_db(transaction=True)
def test_other_connections_see_progress_while_the_import_runs(cast, monkeypatch):
    """What the status page reads (another connection) moves while the run's one transaction
    is still open."""
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    run = _run(cast.school, content=_csv(_rows(5)), dry_run=False)
    outside = connections.create_connection(DEFAULT_DB_ALIAS)
    seen = []
    write = tasks._Progress.__call__

    def watched(self, done, total):
        write(self, done, total)
        with outside.cursor() as cursor:
            cursor.execute(
                "SELECT status, rows_done, rows_total FROM families_importrun WHERE id = %s",
                [run.pk],
            )
            seen.append(cursor.fetchone())
        with outside.cursor() as cursor:  # and the import's rows are not visible yet
            cursor.execute("SELECT count(*) FROM families_child")
            seen.append(cursor.fetchone()[0])

    monkeypatch.setattr(tasks._Progress, "__call__", watched)
    try:
        tasks.import_run_process.call(run.pk)
    finally:
        outside.close()
    assert seen == [
        ("running", 0, 5),
        0,
        ("running", 2, 5),
        0,
        ("running", 4, 5),
        0,
        ("running", 5, 5),
        0,
    ]
    run.refresh_from_db()
    assert run.status == "done" and Child.objects.count() == 5


# Big files ---------------------------------------------------------------------------------

# Row by row the importer runs about 20 queries (about 30 ms a row on the shared test machine),
# so the whole 35,000 rows the upload allows take many minutes: fine for a background task, too
# long for every test run. IMPORT_ROWS=35000 runs this test at full size.
BIG = int(os.environ.get("IMPORT_ROWS", "200"))


def test_a_big_file_runs_through_the_task_in_chunks_to_the_end(cast, login, superuser, monkeypatch):
    rows = BIG
    monkeypatch.setattr(importer, "CHUNK_ROWS", max(50, rows // 70))
    seen = []
    write = tasks._Progress.__call__

    def watched(self, done, total):
        seen.append(done)
        write(self, done, total)

    monkeypatch.setattr(tasks._Progress, "__call__", watched)
    run = _run(cast.school, content=_csv(_rows(rows)), dry_run=False)
    assert tasks.import_run_process.call(run.pk) == "done"
    run.refresh_from_db()
    assert (run.rows_done, run.rows_total) == (rows, rows)
    assert seen == [0, *range(importer.CHUNK_ROWS, rows, importer.CHUNK_ROWS), rows]
    result = run.result()
    assert result.saved and not result.errors
    assert result.counts["children"]["created"] == rows == Child.objects.count()
    assert result.counts["families"]["created"] == (rows + 1) // 2 == Family.objects.count()
    assert ParentCarer.objects.count() == (rows + 1) // 2
    assert ChildParent.objects.count() == rows
    page = login(superuser).get(_run_page(run.pk)).content.decode()
    assert f"Imported {rows} row(s) (no problems)." in page


# Failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (" \n", "The file is empty. Nothing was saved."),
        (HEADER + "\n", "The file has a header line but no rows of pupils."),
        ("pupil_id,name\nP1,Isla\n", "The file is missing these columns"),
        (HEADER + '\nP1,"Isla\n', "Line 2 is not valid CSV"),
    ],
)
def test_an_unreadable_file_stops_the_run_with_a_plain_message(
    login, superuser, cast, content, message
):
    run = _run(cast.school, content=content)
    assert tasks.import_run_process.call(run.pk) == "failed"
    run.refresh_from_db()
    assert run.status == "failed" and run.finished_at and message in run.problem
    assert run.content == ""
    page = login(superuser).get(_run_page(run.pk)).content.decode()
    assert "The dry run stopped" in page and message in page
    assert 'http-equiv="refresh"' not in page and "Running" not in page
    assert not Family.objects.exists()


def test_a_fault_in_the_task_stops_the_run_with_a_plain_message(
    login, superuser, cast, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("connection reset")

    monkeypatch.setattr(importer, "families_import", broken)
    run = _run(cast.school, dry_run=False)
    tasks.import_run_process.call(run.pk)
    page = login(superuser).get(_run_page(run.pk)).content.decode()
    assert "fault in the portal, and nothing was saved" in page
    assert f"import run {run.pk}" in page and "connection reset" not in page
    assert ImportRun.objects.get().status == "failed"


def test_a_run_already_taken_is_not_run_twice(cast):
    run = _run(cast.school, status="running")
    assert tasks.import_run_process.call(run.pk) == "skipped"
    assert ImportRun.objects.get().status == "running"


def test_a_run_with_no_news_for_a_while_says_the_worker_may_not_be_running(login, superuser, cast):
    run = _run(cast.school)
    client = login(superuser)
    assert "worker may not be running" not in client.get(_run_page(run.pk)).content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        client = login(superuser)
        page = client.get(_run_page(run.pk)).content.decode()
    assert "worker may not be running" in page and "nothing needs uploading again" in page


def test_a_dry_run_a_day_old_can_no_longer_be_imported(login, superuser, cast):
    run = _run(cast.school)
    tasks.import_run_process.call(run.pk)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        client = login(superuser)
        page = client.get(_run_page(run.pk)).content.decode()
        assert "Confirm and import" not in page and "Upload the file again" in page
        response = client.post(_confirm(run.pk), follow=True)
        assert "can no longer be imported" in response.content.decode()
        assert not ImportRun.objects.filter(dry_run=False).exists()
        # The next upload, at any school, empties the old copy of the file.
        client.post(
            reverse("admin:families_child_import"),
            {"school": cast.other_school.pk, "file": _upload(_csv(_rows(1)))},
        )
    run.refresh_from_db()
    assert run.content == ""


# Leaving and coming back; who may see what ------------------------------------------------


def test_recent_imports_list_links_to_each_result(login, importer_user, cast):
    mine = _run(cast.school, started_by=importer_user, file_name="autumn.csv")
    theirs = _run(cast.other_school, file_name="hillside.csv")
    client = login(importer_user)
    page = client.get(reverse("admin:families_importrun_list")).content.decode()
    assert _run_page(mine.pk) in page and "autumn.csv" in page and "Olive" in page
    assert _run_page(theirs.pk) not in page and "hillside.csv" not in page
    form = client.get(reverse("admin:families_child_import")).content.decode()
    assert _run_page(mine.pk) in form


def test_someone_who_imports_for_one_school_can_choose_only_that_school(login, importer_user, cast):
    client = login(importer_user)
    form = client.get(reverse("admin:families_child_import")).context["form"]
    assert list(form.fields["school"].queryset) == [cast.school]
    response = client.post(
        reverse("admin:families_child_import"),
        {"school": cast.other_school.pk, "file": _upload(_csv(_rows(1)))},
    )
    assert response.status_code == 200 and response.context["form"].errors["school"]
    assert not ImportRun.objects.exists()
    client.post(
        reverse("admin:families_child_import"),
        {"school": cast.school.pk, "file": _upload(_csv(_rows(1)))},
    )
    assert ImportRun.objects.get().school == cast.school


def test_another_schools_run_is_404(login, importer_user, cast):
    theirs = _run(cast.other_school)
    tasks.import_run_process.call(theirs.pk)
    client = login(importer_user)
    assert client.get(_run_page(theirs.pk)).status_code == 404
    assert client.post(_confirm(theirs.pk)).status_code == 404
    assert not ImportRun.objects.filter(dry_run=False).exists()
    assert client.get(_run_page(theirs.pk + 1000)).status_code == 404


def test_without_a_membership_the_import_permissions_import_nowhere(login, importer_user, cast):
    importer_user.memberships.all().delete()
    run = _run(cast.school)
    client = login(importer_user)
    assert client.get(reverse("admin:families_child_import")).status_code == 403
    assert client.get(_run_page(run.pk)).status_code == 403


@pytest.mark.parametrize("name", ["families_importrun_list", "families_child_import"])
def test_administrators_group_cannot_see_imports(login, cast, name):
    assert login(cast.admin).get(reverse(f"admin:{name}")).status_code == 403


def test_administrators_group_cannot_open_or_import_a_run(login, cast):
    run = _run(cast.school)
    tasks.import_run_process.call(run.pk)
    client = login(cast.admin)
    assert client.get(_run_page(run.pk)).status_code == 403
    assert client.post(_confirm(run.pk)).status_code == 403
    assert not ImportRun.objects.filter(dry_run=False).exists()


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher", "authority_officer"])
def test_school_staff_are_sent_to_the_admin_login(login, cast, role):
    run = _run(cast.school)
    response = login(getattr(cast, role)).get(_run_page(run.pk))
    assert response.status_code == 302 and "login" in response.url


def test_anonymous_users_go_to_login_and_the_import_button_takes_only_post(
    client, login, superuser, cast
):
    run = _run(cast.school)
    response = client.get(_run_page(run.pk))
    assert response.status_code == 302 and "login" in response.url
    assert login(superuser).get(_confirm(run.pk)).status_code == 405


def test_the_import_pages_cost_a_fixed_number_of_queries(
    login, superuser, cast, django_assert_max_num_queries
):
    client = login(superuser)
    pages = [reverse("admin:families_importrun_list"), reverse("admin:families_child_import")]
    for i in range(2):
        run = _run(cast.school, started_by=superuser, file_name=f"{i}.csv")
        tasks.import_run_process.call(run.pk)
    with django_assert_max_num_queries(40) as two:
        for url in pages:
            client.get(url)
    for _ in range(3):
        _run(cast.other_school, started_by=factories.UserFactory())
    with django_assert_max_num_queries(len(two.captured_queries)):
        for url in pages:
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(_run_page(run.pk)).status_code == 200


def test_reading_a_report_is_in_the_access_log(login, importer_user, cast):
    run = _run(cast.school)
    client = login(importer_user)
    client.get(_run_page(run.pk))
    assert not AccessLog.objects.exists()  # nothing from the file shown yet
    tasks.import_run_process.call(run.pk)
    client.get(_run_page(run.pk))
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_id) == (importer_user, "view", run.pk)
    assert log.content_type.model == "importrun"
