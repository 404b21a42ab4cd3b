"""Trust 9, the CSV import: hostile cells and hostile files, through the importer service (which
the background task and the command call) and the admin upload page. The answer is a plain
message per file or per row, never an exception; an all-or-nothing import with a bad row saves
nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from families import importer, tasks
from families.import_runs import ImportRun
from tests import factories
from tests.robustness.hostile import FIXED, SCRIPT, check_response, counts, hostile

HEADER = [
    "pupil_id",
    "pupil_first_name",
    "pupil_last_name",
    "date_of_birth",
    "year_group",
    "class",
    "looked_after",
    "family_ref",
    "parent_id",
    "parent_first_name",
    "parent_last_name",
    "relationship",
    "lives_with_pupil",
    "phone",
    "email",
    "language",
    "restriction",
]
GOOD = [
    "P1",
    "Isla",
    "Reid",
    "2018-03-14",
    "P3",
    "",
    "no",
    "F1",
    "M1",
    "Anna",
    "Reid",
    "Mother",
    "yes",
    "01234 567890",
    "anna@example.org",
    "English",
    "",
]


def _csv(rows) -> str:
    def cell(value):
        return '"' + value.replace('"', '""') + '"'

    return "\n".join(",".join(cell(c) for c in row) for row in [HEADER, *rows]) + "\n"


def _import(content, school, **kwargs):
    """The service's answer: a result, or ImportFileError for a file it cannot read."""
    try:
        return importer.families_import(content=content, school=school, **kwargs)
    except importer.ImportFileError as exc:
        assert str(exc)
        return None


@given(changes=st.dictionaries(st.sampled_from(HEADER), hostile, min_size=1, max_size=4))
def test_hostile_cells_give_a_row_message_or_a_clean_import(cast, changes):
    row = [changes.get(name, value) for name, value in zip(HEADER, GOOD, strict=True)]
    before = counts()
    result = _import(_csv([row, GOOD]), cast.school, all_or_nothing=True)
    if result is None or result.errors:
        assert counts() == before  # all or nothing: a bad row saves nothing
    if result is not None:
        for error in result.errors:
            assert str(error)


@given(
    content=st.one_of(
        hostile, st.text(max_size=400), st.binary(max_size=400).map(lambda b: b.decode("latin-1"))
    )
)
def test_hostile_files_are_read_or_refused_in_words(cast, content):
    before = counts()
    result = _import(content, cast.school, dry_run=True)
    assert counts() == before
    if result is not None:
        assert result.headline()


@given(content=st.one_of(hostile, st.text(max_size=400)).map(lambda text: text.replace("\x00", "")))
def test_hostile_files_through_the_background_task_finish_in_words(cast, content):
    # What the upload stores (PostgreSQL text holds no NUL; decode() refuses one at upload).
    run = ImportRun.objects.create(school=cast.school, dry_run=True, content=content)
    before = counts()
    status = tasks.import_run_process.call(run.pk)
    run.refresh_from_db()
    assert counts() == before
    assert status == run.status and run.status in ("done", "failed")  # never left "running"
    if run.status == "failed":
        assert run.problem.endswith("Nothing was saved.")
    else:
        assert run.result().headline()


@pytest.mark.parametrize("value", ["Isla\x00", "\x00", f"Isla{SCRIPT}", "x" * 5000])
def test_each_column_with_a_classic_bad_value(cast, value):
    for i, name in enumerate(HEADER):
        row = list(GOOD)
        row[i] = value
        before = counts()
        result = _import(_csv([row]), cast.school, all_or_nothing=True)
        if result is None or result.errors:
            assert counts() == before, name


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@given(
    raw=st.one_of(
        st.binary(max_size=300),
        hostile.map(lambda text: text.encode()),
        st.sampled_from(FIXED).map(lambda v: _csv([[v] * len(HEADER)]).encode()),
        st.just(b"PK\x03\x04 a workbook"),
        st.just(_csv([GOOD]).encode("utf-16")),
    ),
    name=st.sampled_from(["export.csv", "../../etc/passwd", f"{SCRIPT}.csv", "a\x00.csv"]),
)
def test_hostile_uploads_to_the_admin_import_page(cast, login, superuser, raw, name):
    client = login(superuser)
    url = reverse("admin:families_child_import")
    upload = SimpleUploadedFile(name.replace("\x00", ""), raw, content_type="text/csv")
    before = counts()
    response = client.post(url, {"school": cast.school.pk, "file": upload})
    check_response(client, response, before=before)
    assert counts() == before  # the upload is a dry run: nothing is saved until confirmed
    if response.status_code == 302:  # stored and checked in the background: the run's page
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert SCRIPT not in page.content.decode(errors="replace")


@given(token=hostile, school=hostile)
def test_a_forged_confirmation_saves_nothing(cast, login, superuser, token, school):
    # The import is started from a checked run's page now; the old signed confirmation posted
    # to the upload page is an upload without a file.
    client = login(superuser)
    url = reverse("admin:families_child_import")
    before = counts()
    data = {"confirm": "1", "school": school, "all_or_nothing": "", "token": token}
    response = client.post(url, data)
    check_response(client, response, before=before)
    assert counts() == before


@pytest.mark.parametrize(
    ("dry_run", "status"),
    [(True, "queued"), (True, "running"), (True, "failed"), (False, "done"), (False, "queued")],
)
def test_only_a_finished_dry_run_can_be_imported(cast, login, superuser, dry_run, status):
    run = ImportRun.objects.create(
        school=cast.school, dry_run=dry_run, status=status, content=_csv([GOOD])
    )
    client = login(superuser)
    before = counts()
    url = reverse("admin:families_importrun_confirm", kwargs={"pk": run.pk})
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "can no longer be imported" in response.content.decode()
    assert counts() == before
    assert ImportRun.objects.count() == 1
