"""The council's figures: each table suppressed as the screen is, in JSON and CSV alike, and
worked out in a number of queries that does not grow with the schools."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council_data import exports
from council_data.figures import council_figures
from dashboards.authority import HIDDEN, authority_tables
from dashboards.figures import period_for
from tests import factories
from tests.council_data import data

pytestmark = pytest.mark.usefixtures("compass_defaults")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(data.NOW, tick=False)


def _export(cast, key="term"):
    return council_figures(cast.school.authority, period_for(key))


def _json(cast):
    return exports.as_json(_export(cast))


def _csv(cast) -> tuple[list[str], list[dict]]:
    text = exports.csv_download(_export(cast), "x").content.decode()
    header, *rows = csv.reader(io.StringIO(text))
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def _school(doc, name):
    return next(s for s in doc["schools"] if s["name"] == name)


def test_a_region_with_3_families_is_hidden_in_json_and_the_total_cannot_reveal_it(cast):
    sister = factories.SchoolFactory(name="Riverside High", authority=cast.school.authority)
    data.families(cast.school, 6, "north-east")
    data.families(cast.school, 3, "south-west")
    data.families(sister, 8, "north-east")
    data.families(sister, 7, "south-west")
    doc = _json(cast)
    here = _school(doc, "Riverside Primary")["families_by_region"]
    there = _school(doc, "Riverside High")["families_by_region"]
    total = doc["all_schools"]["families_by_region"]
    assert here["Not yet reached"] is None  # 3 families: hidden, not 3
    assert here["Positive partners"] == 6
    # The column's total (10) with the other school's 7 would give the 3 away: the 7 goes too.
    assert there["Not yet reached"] is None
    assert 3 not in [n for table in (here, there, total) for n in table.values()]
    # Exactly the screen's cells, hidden the screen's way.
    screen = dict(authority_tables({cast.school.authority_id}, period_for("term"))["regions"])
    assert list(here.values()) == screen["Riverside Primary"]
    assert list(total.values()) == screen["All schools"]
    assert doc["suppression"] == {
        "threshold": 5,
        "hidden": None,
        "hidden_in_csv": HIDDEN,
        "explained": exports.SUPPRESSION_WORDS,
    }


def test_the_same_cells_are_hidden_in_the_csv_as_the_words_of_the_screen(cast):
    data.families(cast.school, 6, "north-east")
    data.families(cast.school, 3, "south-west")
    header, rows = _csv(cast)
    assert header == exports.CSV_HEADER
    assert header == [
        "period_start", "period_end", "school_id", "school", "measure", "group", "value", "number"
    ]  # fmt: skip
    regions = {
        r["group"]: r
        for r in rows
        if r["school"] == "Riverside Primary" and r["measure"] == "families by compass region"
    }
    assert regions["Not yet reached"]["value"] == HIDDEN
    assert regions["Not yet reached"]["number"] == ""
    assert regions["Positive partners"]["value"] == "6" == regions["Positive partners"]["number"]
    assert rows[0]["period_start"] == "2026-08-01" and rows[0]["period_end"] == "2026-12-31"
    assert {r["school_id"] for r in rows if r["school"] == "All schools"} == {""}
    for row in rows:
        if row["number"] not in ("",) and row["group"] != "median days to first response":
            assert float(row["number"]) >= 5, row


def test_meetings_held_in_the_period_by_kind_are_counted_and_suppressed(cast):
    data.meetings(cast.school, 6, kind="solution_oriented")
    data.meetings(cast.school, 2, kind="transition")
    data.meetings(cast.school, 5, kind="informal", status="planned")  # not held
    data.meetings(cast.school, 5, kind="informal", when=data.BEFORE_TERM)  # another term
    held = _school(_json(cast), "Riverside Primary")["meetings_held"]
    assert held["solution_oriented"] == 6
    assert held["transition"] is None  # 2: hidden
    assert held["informal"] is None  # 0: hidden as well
    # 8 is shown: the 2 could be any of the hidden kinds (zeros are hidden too), as on screen.
    assert held["all"] == 8
    assert _json(cast)["meeting_kinds"]["transition"] == "Transition planning"


def test_complaints_by_response_time_with_a_median_only_behind_enough_responses(cast, settings):
    settings.COUNCIL_DATA_RESPONSE_TARGET_DAYS = 5
    data.complaints(cast.school, 3, days=1)
    data.complaints(cast.school, 3, days=2)
    data.complaints(cast.school, 5, days=9)
    data.complaints(cast.school, 1, days=None)
    data.complaints(cast.school, 7, days=1, received=data.BEFORE_TERM)  # another term
    doc = _json(cast)
    got = _school(doc, "Riverside Primary")["complaints"]
    assert got["within_target"] == 6
    assert got["waiting"] is None  # 1: hidden
    assert got["after_target"] is None  # 5 with the 12 received would give the 1 away
    assert got["received"] == 12
    # 11 responses: 1, 1, 1, 2, 2, [2], 9, 9, 9, 9, 9.
    assert got["median_days_to_first_response"] == 2.0
    assert doc["all_schools"]["complaints"]["median_days_to_first_response"] == 2.0
    assert doc["complaint_response_target_days"] == 5


def test_an_even_number_of_responses_has_the_middle_two_averaged(cast):
    data.complaints(cast.school, 2, days=1)
    data.complaints(cast.school, 1, days=2)
    data.complaints(cast.school, 1, days=4)
    data.complaints(cast.school, 2, days=9)
    got = _school(_json(cast), "Riverside Primary")["complaints"]
    assert got["median_days_to_first_response"] == 3.0  # between 2 and 4


def test_a_median_behind_fewer_than_five_responses_is_not_given(cast):
    data.complaints(cast.school, 4, days=3)
    data.complaints(cast.school, 6, days=None)
    got = _school(_json(cast), "Riverside Primary")["complaints"]
    assert got["median_days_to_first_response"] is None
    data.complaints(cast.school, 1, days=4)
    got = _school(_json(cast), "Riverside Primary")["complaints"]
    assert got["median_days_to_first_response"] == 3.0


def test_evening_reach_is_of_the_latest_evening_in_the_period_per_school(cast):
    old = data.evening(cast.school, day=(data.IN_TERM - data.dt.timedelta(days=30)).date())
    for sf in data.families(cast.school, 6):
        data.invite(old, sf, outcome="attended")
    ev = data.evening(cast.school)
    sfs = data.families(cast.school, 20)
    for sf in sfs[:6]:
        data.invite(ev, sf, outcome="attended")
    for sf in sfs[6:8]:
        data.invite(ev, sf, outcome="missed")
    for sf in sfs[8:13]:
        data.invite(ev, sf, outcome="")
    for sf in sfs[13:20]:
        data.invite(ev, sf)
    reach = _school(_json(cast), "Riverside Primary")["parents_evening"]
    assert reach["first_day"] == ev.first_day.isoformat()
    assert reach["invited"] is None or reach["invited"] == 20
    assert reach["came"] == 6
    assert reach["did_not_come"] is None  # 2: hidden
    assert reach["not_booked"] == 7
    # 13 booked = 20 - 7, but shown it would give the 2 away with the 6 and the 5 beside it.
    assert reach["booked"] is None
    assert reach["no_outcome_yet"] is None


def test_booked_is_shown_when_its_parts_are(cast):
    ev = data.evening(cast.school)
    sfs = data.families(cast.school, 16)
    for sf in sfs[:6]:
        data.invite(ev, sf, outcome="attended")
    for sf in sfs[6:11]:
        data.invite(ev, sf, outcome="missed")
    for sf in sfs[11:16]:
        data.invite(ev, sf)
    reach = _school(_json(cast), "Riverside Primary")["parents_evening"]
    assert (reach["came"], reach["did_not_come"], reach["not_booked"]) == (6, 5, 5)
    assert reach["booked"] == 11
    assert reach["no_outcome_yet"] is None  # a hidden zero


def test_booked_never_gives_away_a_few_who_did_not_book(cast):
    """Everyone who booked came, and 3 did not book: shown, booked (40) beside invited (43)
    would give the hidden 3 away."""
    ev = data.evening(cast.school)
    sfs = data.families(cast.school, 43)
    for sf in sfs[:40]:
        data.invite(ev, sf, outcome="attended")
    for sf in sfs[40:]:
        data.invite(ev, sf)
    reach = _school(_json(cast), "Riverside Primary")["parents_evening"]
    assert reach["came"] == 40 and reach["not_booked"] is None
    assert reach["booked"] is None
    assert reach["invited"] is None or reach["booked"] is None


def test_a_school_with_no_evening_in_the_period_has_no_first_day(cast):
    data.evening(cast.school, day=data.BEFORE_TERM.date())
    reach = _school(_json(cast), "Riverside Primary")["parents_evening"]
    assert reach["first_day"] is None and reach["invited"] is None


def test_contact_balance_reads_not_yet_available_before_the_first_rollup(cast):
    doc = _json(cast)
    balance = _school(doc, "Riverside Primary")["contact_balance"]
    assert balance["status"] == "not yet available"
    assert balance["tone"] == {"positive": None, "neutral": None, "concern": None, "all": None}
    _header, rows = _csv(cast)
    tone = [r for r in rows if r["measure"] == "contacts by tone"]
    assert tone and all(r["value"] == "not yet available" for r in tone)


def test_contact_balance_once_added_up(cast):
    factories.ContactRollupRunFactory(school=cast.school)
    factories.ContactMonthRollupFactory(
        school=cast.school,
        month=data.dt.date(2026, 10, 1),
        positive=7,
        neutral=6,
        concern=2,
        formal=5,
        informal=10,
        total=15,
    )
    balance = _school(_json(cast), "Riverside Primary")["contact_balance"]
    assert balance["status"] == "available"
    assert balance["tone"]["positive"] == 7 and balance["tone"]["concern"] is None
    assert balance["formality"] == {"formal": 5, "informal": 10, "all": 15}


def test_only_the_authoritys_own_schools_are_in_the_export(cast):
    data.families(cast.other_school, 9)
    doc = _json(cast)
    assert [s["name"] for s in doc["schools"]] == ["Riverside Primary"]
    assert doc["authority"] == {"id": cast.school.authority_id, "name": "Riverside Council"}


def _fill(school, ev_day=None):
    data.families(school, 6, "north-east")
    data.families(school, 2, "south-west")
    data.meetings(school, 2)
    data.complaints(school, 3, days=1)
    data.complaints(school, 3, days=None)
    ev = data.evening(school, day=ev_day)
    for sf in data.families(school, 3):
        data.invite(ev, sf, outcome="attended")
    factories.ContactRollupRunFactory(school=school)


def test_query_count_does_not_grow_with_schools(cast, login):
    client = login(cast.authority_officer)
    url = reverse("council_data:figures-json")
    _fill(cast.school)
    _fill(factories.SchoolFactory(name="School 2", authority=cast.school.authority))

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    queries()  # the first request of a session does some bookkeeping of its own
    two = queries()
    for n in range(3, 6):
        _fill(factories.SchoolFactory(name=f"School {n}", authority=cast.school.authority))
    assert queries() == two <= 16
