"""Earlier self-evaluations stay visible and comparable, and progress is measured from each
target's own baseline, the figure when it was set."""

import datetime as dt

import pytest
from django.urls import reverse

from dashboards.models import SelfEvaluation
from dashboards.selfevaluation import QUESTIONS, selfevaluation_record
from tests.dashboards.dashboard_data import NOW, family_at, place

pytestmark = pytest.mark.usefixtures("compass_defaults")
URL = reverse("dashboards:selfevaluation")


def _record(cast, *, north_east, south_west, answer="", written_on=None):
    return selfevaluation_record(
        school=cast.school,
        recorded_by=cast.headteacher,
        target_year=2029,
        answers={"good_news": answer},
        targets={"north-east": north_east, "south-west": south_west},
        written_on=written_on,
    )


def test_the_baseline_is_the_figure_when_the_target_was_set(time_machine, login, cast):
    time_machine.move_to(NOW, tick=False)
    family = family_at(cast.school)
    # Placed this morning, before the target was set at noon: part of the starting figure.
    place(family, NOW - dt.timedelta(hours=3), (4, 4, 4), by=cast.teacher)
    _record(cast, north_east=80, south_west=20)
    rows = {
        row.key: row
        for row in login(cast.headteacher).get(reverse("dashboards:dashboard")).context["rows"]
    }
    assert rows["north-east"].baseline == 100.0
    assert rows[""].baseline == 0.0


def test_later_changes_to_old_placements_do_not_move_the_baseline(time_machine, login, cast):
    time_machine.move_to(NOW - dt.timedelta(days=10), tick=False)
    family = family_at(cast.school)
    placement = place(family, NOW - dt.timedelta(days=20), (1, 1, 1), by=cast.teacher)
    _record(cast, north_east=80, south_west=20)
    time_machine.move_to(NOW, tick=False)
    # A placement dated back to before the record: the record's starting figure stands.
    place(family, NOW - dt.timedelta(days=15), (4, 4, 4), by=cast.teacher)
    assert placement.pk
    evaluation = SelfEvaluation.objects.get()
    assert evaluation.baseline == {"south-west": 1}
    rows = {
        row.key: row
        for row in login(cast.headteacher).get(reverse("dashboards:dashboard")).context["rows"]
    }
    assert rows["south-west"].baseline == 100.0
    assert rows["north-east"].baseline == 0.0


def test_earlier_self_evaluations_are_listed_with_their_own_progress(time_machine, login, cast):
    family = family_at(cast.school)
    time_machine.move_to(NOW - dt.timedelta(days=400), tick=False)
    place(family, NOW - dt.timedelta(days=401), (1, 1, 1), by=cast.teacher)
    _record(cast, north_east=60, south_west=40, answer="ZZ-FIRST-YEAR")
    time_machine.move_to(NOW - dt.timedelta(days=30), tick=False)
    place(family, NOW - dt.timedelta(days=31), (4, 4, 4), by=cast.teacher)
    _record(cast, north_east=90, south_west=10, answer="ZZ-SECOND-YEAR")
    time_machine.move_to(NOW, tick=False)
    response = login(cast.pastoral).get(URL)
    body = response.text
    assert 'data-testid="selfevaluation-history"' in body
    assert "ZZ-FIRST-YEAR" in body and "ZZ-SECOND-YEAR" in body
    first, second = reversed(response.context["records"])
    first_ne = next(row for row in first.rows if row.label == "Positive partners")
    second_ne = next(row for row in second.rows if row.label == "Positive partners")
    # The first record's target is measured from the south-west, where the family was then.
    assert (first_ne.then, first_ne.now, first_ne.target) == (0.0, 100.0, 60)
    assert first_ne.progress == "Moving towards the target"
    assert (second_ne.then, second_ne.now) == (100.0, 100.0)
    assert second_ne.progress == "No change yet"
    side = {row["label"]: row["targets"] for row in response.context["side_by_side"]}
    assert side["Positive partners"] == [90, 60]  # newest first


def test_a_record_kept_before_baselines_were_stored_says_so(time_machine, login, cast):
    time_machine.move_to(NOW, tick=False)
    evaluation = _record(cast, north_east=50, south_west=50)
    SelfEvaluation.objects.filter(pk=evaluation.pk).update(baseline={})
    body = login(cast.headteacher).get(URL).text
    assert "Starting share not kept" in body


def test_query_count_does_not_grow_with_records(
    time_machine, login, cast, django_assert_max_num_queries
):
    time_machine.move_to(NOW, tick=False)
    family_at(cast.school)
    client = login(cast.headteacher)
    for n in range(2):
        _record(cast, north_east=70, south_west=30, written_on=dt.date(2020 + n, 5, 1))
    with django_assert_max_num_queries(16):
        client.get(URL)
    for n in range(2, 9):
        _record(cast, north_east=70, south_west=30, written_on=dt.date(2020 + n, 5, 1))
    with django_assert_max_num_queries(16):
        response = client.get(URL)
    assert len(response.context["records"]) == 9


def test_records_past_ten_go_on_a_second_page(time_machine, login, cast):
    time_machine.move_to(NOW, tick=False)
    for n in range(11):
        _record(cast, north_east=70, south_west=30, written_on=dt.date(2010 + n, 5, 1))
    client = login(cast.headteacher)
    assert "Page 1 of 2" in client.get(URL).text
    second = client.get(URL + "?page=2")
    assert [r.evaluation.written_on.year for r in second.context["records"]] == [2010]
    assert len(QUESTIONS) == len(second.context["records"][0].answers)
