"""The self-evaluation page: reflection answers and a target distribution, and progress."""

import datetime as dt

import pytest
from django.urls import reverse

from compass.models import CompassRegion
from dashboards.models import RegionTarget, SelfEvaluation
from dashboards.selfevaluation import QUESTIONS
from tests.dashboards.dashboard_data import NOW, family_at, place

pytestmark = pytest.mark.usefixtures("compass_defaults")
URL = "dashboards:selfevaluation"


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _post_data(**targets):
    regions = CompassRegion.objects.filter(school=None)
    data = {"target_year": 2029}
    data |= {f"answer_{key}": "" for key, _q, _p in QUESTIONS}
    data["answer_good_news"] = "Too few good-news calls in P6 and P7."
    data |= {f"target_{r.key}": targets.get(r.key, 0) for r in regions}
    return data


@pytest.mark.parametrize("role", ["headteacher", "pastoral"])
def test_senior_team_may_read_the_page(login, cast, role):
    response = login(getattr(cast, role)).get(reverse(URL))
    assert response.status_code == 200
    assert "How do we see parents?" in response.content.decode()


@pytest.mark.parametrize("role", ["teacher", "authority_officer", "admin"])
def test_others_get_403(login, cast, role):
    assert login(getattr(cast, role)).get(reverse(URL)).status_code == 403


def test_anonymous_goes_to_login_and_put_is_405(client, login, cast):
    assert client.get(reverse(URL)).status_code == 302
    assert login(cast.headteacher).put(reverse(URL)).status_code == 405


def test_headteacher_records_answers_and_targets(login, cast):
    data = _post_data(**{"north-east": 60, "centre": 25, "north-west": 10, "south-west": 5})
    response = login(cast.headteacher).post(reverse(URL), data)
    assert response.status_code == 302
    evaluation = SelfEvaluation.objects.get(school=cast.school)
    assert evaluation.recorded_by == cast.headteacher
    assert evaluation.target_year == 2029
    assert evaluation.answers == {"good_news": "Too few good-news calls in P6 and P7."}
    targets = dict(RegionTarget.objects.values_list("region_key", "percent"))
    assert targets["north-east"] == 60 and sum(targets.values()) == 100
    page = login(cast.headteacher).get(reverse(URL)).content.decode()
    assert "Too few good-news calls in P6 and P7." in page


def test_targets_must_add_up_to_100_and_nothing_is_saved_otherwise(login, cast):
    data = _post_data(**{"north-east": 60, "centre": 30})
    response = login(cast.headteacher).post(reverse(URL), data)
    assert response.status_code == 200
    assert "they must add up to 100%" in response.content.decode()
    assert not SelfEvaluation.objects.exists()


def test_a_target_year_in_the_past_is_refused(login, cast):
    data = _post_data(**{"north-east": 100}) | {"target_year": 2020}
    response = login(cast.headteacher).post(reverse(URL), data)
    assert response.status_code == 200
    assert not SelfEvaluation.objects.exists()


def test_pastoral_may_read_but_not_record(login, cast):
    data = _post_data(**{"north-east": 100})
    assert login(cast.pastoral).post(reverse(URL), data).status_code == 403
    assert not SelfEvaluation.objects.exists()


def test_outsider_sees_only_their_own_schools_evaluation(login, cast):
    login(cast.headteacher).post(reverse(URL), _post_data(**{"north-east": 100}))
    page = login(cast.outsider_headteacher).get(reverse(URL)).content.decode()
    assert "Too few good-news calls" not in page


def test_dashboard_shows_then_now_and_target(login, cast):
    a, b = family_at(cast.school), family_at(cast.school)
    place(a, NOW - dt.timedelta(days=30), (1, 1, 1), by=cast.teacher)
    place(b, NOW - dt.timedelta(days=30), (4, 4, 4), by=cast.teacher)
    client = login(cast.headteacher)
    client.post(reverse(URL), _post_data(**{"north-east": 80, "south-west": 20}))
    SelfEvaluation.objects.update(written_on=(NOW - dt.timedelta(days=20)).date())
    place(a, NOW - dt.timedelta(days=2), (4, 4, 3), by=cast.teacher)
    response = client.get(reverse("dashboards:dashboard"))
    rows = {row.key: row for row in response.context["rows"]}
    assert (rows["north-east"].baseline, rows["north-east"].percent) == (50.0, 100.0)
    assert rows["north-east"].target == 80
    assert (rows["south-west"].baseline, rows["south-west"].percent) == (50.0, 0.0)
    body = response.content.decode()
    assert 'data-testid="targets"' in body
    assert "Moving towards the target" in body


def test_demo_self_evaluations_load_once_with_targets_adding_up(db):
    from demo import dashboard, schools

    schools.load()
    dashboard.load()
    dashboard.load()
    assert SelfEvaluation.objects.count() == 2
    for evaluation in SelfEvaluation.objects.all():
        assert sum(evaluation.targets.values_list("percent", flat=True)) == 100
        assert evaluation.answers["good_news"]


def test_regions_csv_has_then_now_and_target(login, cast):
    place(family_at(cast.school), NOW - dt.timedelta(days=30), (4, 4, 4), by=cast.teacher)
    client = login(cast.headteacher)
    client.post(reverse(URL), _post_data(**{"north-east": 70, "centre": 30}))
    response = client.get(reverse("dashboards:dashboard-csv", args=["regions"]))
    lines = response.content.decode().splitlines()
    assert "Positive partners,1,100.0,100.0,70" in lines
    assert "Getting to know each other,0,0.0,0.0,30" in lines
