"""Complaints moved out of meetings/ into their own app without touching the database: the tables
keep their names and rows, the pages their paths, the access log and erasure log their records
of complaints, and meetings imports nothing of complaints."""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from complaints.models import Complaint
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def test_the_tables_keep_their_names():
    assert Complaint._meta.app_label == "complaints"
    assert Complaint._meta.db_table == "meetings_complaint"
    assert Complaint.history.model._meta.app_label == "complaints"
    assert Complaint.history.model._meta.db_table == "meetings_historicalcomplaint"


def test_the_pages_keep_their_paths():
    assert reverse("complaints:complaint-list") == "/meetings/complaints/"
    assert reverse("complaints:complaint-overview") == "/meetings/complaints/overview/"
    assert reverse("complaints:complaint-detail", args=[3]) == "/meetings/complaints/3/"
    assert reverse("complaints:complaint-withdraw", args=[3]) == "/meetings/complaints/3/withdraw/"


@pytest.mark.django_db
def test_only_the_complaints_app_owns_the_models_and_rows_are_read_from_the_old_tables(cast):
    state = MigrationExecutor(connection).loader.project_state()
    assert ("complaints", "complaint") in state.models
    assert ("complaints", "historicalcomplaint") in state.models
    assert ("meetings", "complaint") not in state.models
    assert ("meetings", "historicalcomplaint") not in state.models
    complaint = factories.ComplaintFactory(school=cast.school, point_of_contact=cast.pastoral)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM meetings_complaint WHERE id = %s", [complaint.pk])
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT COUNT(*) FROM meetings_historicalcomplaint WHERE id = %s", [complaint.pk]
        )
        assert cursor.fetchone()[0] == 1


def test_meetings_imports_nothing_of_complaints():
    found = []
    for path in sorted((ROOT / "meetings").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            found += [str(path) for name in names if name.split(".")[0] == "complaints"]
    assert found == []


@pytest.mark.django_db
def test_the_content_types_follow_so_the_access_log_keeps_its_rows():
    """A database from before the move has its content types under meetings: the migration
    moves them (and with them every access-log row about a complaint) to complaints."""
    moved = importlib.import_module("complaints.migrations.0001_initial")
    try:
        ContentType.objects.filter(app_label="complaints").delete()
        old = ContentType.objects.create(app_label="meetings", model="complaint")
        moved.content_types_follow(apps, None)
        ContentType.objects.clear_cache()
        old.refresh_from_db()
        assert (old.app_label, old.model) == ("complaints", "complaint")
        assert ContentType.objects.get_for_model(Complaint).pk == old.pk
    finally:
        # The rows go back when the test's transaction does: forget their ids with them.
        ContentType.objects.clear_cache()


@pytest.mark.django_db
def test_erasure_rows_written_before_the_move_are_relabelled(cast):
    relabelling = importlib.import_module("privacy.migrations.0004_erasure_log_complaints_moved")
    run = factories.ErasureRunFactory(school=cast.school)
    row = factories.ErasureLogFactory(run=run, school=cast.school, kind="meetings.Complaint")
    relabelling.relabel(apps, None)
    row.refresh_from_db()
    assert row.kind == "complaints.Complaint"
    assert run.counts() == [("Complaints", 1)]
