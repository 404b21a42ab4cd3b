"""Pulling a school's roster from its OneRoster source over real HTTP on loopback: what the
database holds afterwards, the record of each pull, and what a failed pull leaves behind."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

import audit
from audit.models import AccessLog
from families.models import Child, ChildParent, Family, ParentCarer
from school_systems import pulls
from school_systems.models import RosterImport, RosterSource
from tests.school_systems.oneroster_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    SCHOOL,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 4, 6, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.ONEROSTER_PAGE_SIZE = 2
    settings.ONEROSTER_BACKOFF_SECONDS = 0
    settings.ONEROSTER_MAX_WAIT_SECONDS = 0.05


@pytest.fixture
def source(cast, oneroster):
    return RosterSource.objects.create(
        school=cast.school,
        base_url=oneroster.base_url,
        token_url=oneroster.token_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        org_sourced_id=SCHOOL,
    )


def _pupils(school):
    return sorted(Child.objects.filter(school=school).values_list("external_id", "first_name"))


@time_machine.travel(NOW, tick=False)
def test_a_pull_imports_the_schools_pupils_and_their_parents(cast, source, oneroster):
    row = pulls.roster_pull(source=source)
    assert row.problem == ""
    assert _pupils(cast.school) == [("STU-1", "Ewan"), ("STU-2", "Lewis"), ("STU-3", "Maya")]
    assert not Child.objects.filter(external_id="STU-9").exists()  # another school's pupil
    anna = ParentCarer.objects.get(external_id="PAR-1")
    assert (anna.first_name, anna.last_name) == ("Anna", "Reid")
    assert sorted(anna.child_links.values_list("child__external_id", flat=True)) == [
        "STU-1",
        "STU-2",
    ]
    ewan = Child.objects.get(external_id="STU-1")
    assert ewan.date_of_birth == dt.date(2018, 3, 14)
    assert ewan.family == anna.family  # brothers with one mother are one family
    assert ewan.class_group.name == "P4 Reid"
    assert Family.objects.count() == 2
    assert ChildParent.objects.count() == 3
    # Read in pages of two: seven users in four requests.
    assert len(oneroster.gets("/users")) == 4
    assert oneroster.tokens_issued == 1
    source.refresh_from_db()
    assert source.last_pulled_at == NOW
    assert source.next_pull_at == NOW + dt.timedelta(hours=24)
    assert source.last_problem == ""


def test_the_pull_is_recorded_and_in_the_access_log(cast, source):
    row = pulls.roster_pull(source=source)
    assert RosterImport.objects.get() == row
    assert (row.source, row.dry_run, row.version) == ("api", False, "1.1")
    assert row.who == "OneRoster pull"
    assert row.name == source.base_url
    assert row.report["saved"] is True
    assert row.report["counts"]["children"]["created"] == 3
    assert row.report["counts"]["parents"]["created"] == 2
    log = AccessLog.objects.get(action=audit.IMPORT)
    assert (log.username, log.school, log.object_id) == ("OneRoster pull", cast.school, row.pk)
    assert log.content_type.model == "rosterimport"


def test_a_dry_run_saves_nothing_and_leaves_the_schedule(cast, source):
    row = pulls.roster_pull(source=source, dry_run=True)
    assert row.dry_run is True
    assert row.report["counts"]["children"]["created"] == 3
    assert not Child.objects.exists()
    assert not ParentCarer.objects.exists()
    assert not Family.objects.exists()
    source.refresh_from_db()
    assert (source.last_pulled_at, source.next_pull_at) == (None, None)


def test_pulling_again_changes_nothing(cast, source):
    pulls.roster_pull(source=source)
    again = pulls.roster_pull(source=source)
    counts = again.report["counts"]
    assert all(c["created"] == 0 and c["updated"] == 0 for c in counts.values())
    assert counts["children"]["unchanged"] == 3
    assert Child.objects.count() == 3
    assert ParentCarer.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_bad_credentials_give_a_plain_problem_and_change_nothing(cast, source, oneroster):
    oneroster.refuse_credentials = True
    row = pulls.roster_pull(source=source)
    problem = "The school system refused the portal's client id or secret (401). Nothing was saved."
    assert row.problem == problem
    assert row.report == {}
    assert not Child.objects.exists()
    source.refresh_from_db()
    assert source.last_problem == problem
    assert source.last_pulled_at is None
    assert source.next_pull_at == NOW + dt.timedelta(hours=1)  # tried again sooner
    assert AccessLog.objects.filter(action=audit.IMPORT, object_id=row.pk).exists()


def test_a_500_then_success_imports(cast, source, oneroster):
    oneroster.answer_once("/users", 500, "Internal Server Error")
    row = pulls.roster_pull(source=source)
    assert row.problem == ""
    assert Child.objects.count() == 3


def test_a_429_with_retry_after_is_waited_out(cast, source, oneroster):
    oneroster.answer_once("/demographics", 429, "", headers={"Retry-After": "0.01"})
    row = pulls.roster_pull(source=source)
    assert row.problem == ""
    assert Child.objects.get(external_id="STU-1").date_of_birth == dt.date(2018, 3, 14)


def test_an_answer_that_is_not_json_is_kept_as_the_sources_problem(cast, source, oneroster):
    oneroster.answer_once("/classes", 200, "<html>Maintenance</html>")
    row = pulls.roster_pull(source=source)
    assert row.problem.startswith(
        f"The school system's answer to /schools/{SCHOOL}/classes was not JSON"
    )
    assert not Child.objects.exists()
    source.refresh_from_db()
    assert source.last_problem == row.problem


def test_a_fault_in_the_portal_is_told_plainly(cast, source, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pulls, "bundle_import", broken)
    row = pulls.roster_pull(source=source)
    assert row.problem.startswith("The pull stopped because of a fault in the portal")
    assert "boom" not in row.problem


def test_the_command_pulls_one_school(cast, source):
    out = io.StringIO()
    call_command("pull_oneroster", school=cast.school.pk, stdout=out, stderr=io.StringIO())
    assert "School: Riverside Primary" in out.getvalue()
    assert "Children: 3 were created" in out.getvalue()
    assert Child.objects.count() == 3
    assert RosterImport.objects.get().who == "manage.py pull_oneroster"


def test_the_command_dry_run_saves_nothing(cast, source):
    out = io.StringIO()
    call_command(
        "pull_oneroster", school=cast.school.pk, dry_run=True, stdout=out, stderr=io.StringIO()
    )
    assert "Children: 3 would be created" in out.getvalue()
    assert "nothing saved" in out.getvalue()
    assert not Child.objects.exists()


def test_the_command_reports_a_problem_as_an_error(cast, source, oneroster):
    oneroster.refuse_credentials = True
    with pytest.raises(CommandError, match=r"refused the portal's client id or secret \(401\)"):
        call_command(
            "pull_oneroster", school=cast.school.pk, stdout=io.StringIO(), stderr=io.StringIO()
        )


def test_the_command_refuses_a_school_with_no_source(cast):
    with pytest.raises(CommandError, match="has no OneRoster source"):
        call_command("pull_oneroster", school=cast.school.pk)


def test_the_command_pulls_what_is_due(cast, source):
    RosterSource.objects.filter(pk=source.pk).update(
        next_pull_at=timezone.now() - dt.timedelta(minutes=1)
    )
    out = io.StringIO()
    call_command("pull_oneroster", due=True, stdout=out, stderr=io.StringIO())
    assert Child.objects.count() == 3
    out = io.StringIO()
    call_command("pull_oneroster", due=True, stdout=out)
    assert out.getvalue() == "No OneRoster source is due.\n"
