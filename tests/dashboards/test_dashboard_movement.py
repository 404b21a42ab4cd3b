"""Movement on the compass: the from × to table, towards / away counts, the moved-away list."""

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.figures import period_for
from tests.dashboards.dashboard_data import (
    LAST_TERM,
    NOW,
    family_at,
    latest_region,
    place,
    populate,
)

pytestmark = pytest.mark.usefixtures("compass_defaults")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _distance(p):
    return (4 - p.x) ** 2 + (4 - p.y) ** 2


def _expected(families, since):
    cells, directions = Counter(), Counter()
    for sf in families:
        before, now = latest_region(sf, before=since), latest_region(sf)
        if now is None:
            continue
        cells[(before.region_key if before else "", now.region_key)] += 1
        if before is None:
            directions["new"] += 1
        elif before.region_key == now.region_key:
            directions["stayed"] += 1
        elif _distance(now) < _distance(before):
            directions["towards"] += 1
        elif _distance(now) > _distance(before):
            directions["away"] += 1
        else:
            directions["across"] += 1
    return cells, directions


@pytest.mark.parametrize("period", ["term", "year"])
def test_flow_table_and_directions_match_the_placements(login, cast, period):
    families = populate(cast.school, 16, [cast.teacher, cast.pastoral])
    since = period_for(period, timezone.localdate()).starts_at
    cells, directions = _expected(families, since)
    response = login(cast.headteacher).get(
        reverse("dashboards:dashboard-movement"), {"period": period}
    )
    moves = response.context["moves"]
    assert moves.cells == dict(cells)
    assert moves.towards == directions["towards"]
    assert moves.away == directions["away"]
    assert moves.across == directions["across"]
    assert moves.stayed == directions["stayed"]
    assert moves.newly_placed == directions["new"]
    assert sum(row["total"] for row in moves.matrix) == sum(cells.values())


def test_families_who_moved_away_are_listed_by_name_and_no_others(login, cast):
    cooler = family_at(cast.school, name="The Amsel household", key_contact=cast.teacher)
    warmer = family_at(cast.school, name="The Brodie household")
    place(cooler, LAST_TERM, (4, 4, 4), by=cast.teacher)
    place(cooler, NOW - dt.timedelta(days=5), (1, 1, 1), by=cast.teacher)
    place(warmer, LAST_TERM, (1, 1, 1), by=cast.teacher)
    place(warmer, NOW - dt.timedelta(days=5), (4, 4, 4), by=cast.teacher)
    response = login(cast.pastoral).get(reverse("dashboards:dashboard-movement"))
    body = response.content.decode()
    away = body[body.index('data-testid="moved-away"') :]
    assert "The Amsel household" in away
    assert reverse("families:family-detail", args=[cooler.family.pk]) in away
    assert "The Brodie household" not in away
    assert response.context["moves"].towards == 1
    assert response.context["moves"].away == 1
    csv = login(cast.headteacher).get(reverse("dashboards:dashboard-csv", args=["moved-away"]))
    lines = csv.content.decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith("The Amsel household,")


def test_a_move_after_the_period_started_counts_in_this_term_but_not_as_stayed(login, cast):
    sf = family_at(cast.school)
    place(sf, LAST_TERM, (1, 1, 1), by=cast.teacher)
    response = login(cast.headteacher).get(reverse("dashboards:dashboard-movement"))
    assert response.context["moves"].stayed == 1
    place(sf, NOW - dt.timedelta(days=1), (3, 3, 3), by=cast.teacher)
    response = login(cast.headteacher).get(reverse("dashboards:dashboard-movement"))
    assert response.context["moves"].towards == 1
    assert response.context["moves"].count("south-west", "centre") == 1


def test_movement_csv_has_the_same_cells(login, cast):
    families = populate(cast.school, 8, [cast.teacher])
    cells, _ = _expected(families, period_for("term").starts_at)
    response = login(cast.headteacher).get(reverse("dashboards:dashboard-csv", args=["movement"]))
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("from \\ to,")
    total = sum(int(line.rsplit(",", 1)[1]) for line in lines[1:])
    assert total == sum(cells.values())


def test_htmx_refresh_of_the_movement_page_returns_its_figures(login, cast):
    response = login(cast.headteacher).get(
        reverse("dashboards:dashboard-movement"), {"period": "year"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="figures"')
    assert "School year 2026" in body
