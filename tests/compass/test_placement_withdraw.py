"""Withdrawing a compass placement made in error: who may, the form, the history, and that the
dashboard and the family's compass move back to the placement before it."""

import pytest
from django.urls import reverse

from compass.models import Placement
from compass.services import placement_withdraw
from tests import factories
from tests.dashboards.dashboard_data import NOW, family_at, place

pytestmark = pytest.mark.usefixtures("compass_defaults")


def _url(placement):
    return reverse("compass:placement-withdraw", args=[placement.pk])


def _placed(family, by, steps=(2, 2, 2)):
    return factories.PlacementFactory(
        school_family=family,
        placed_by=by,
        communication=steps[0],
        access=steps[1],
        attitude=steps[2],
    )


def test_placement_create_and_withdrawal_are_recorded_with_who(cast, family):
    placement = _placed(family, cast.teacher)
    placement_withdraw(placement=placement, withdrawn_by=cast.pastoral, reason="Wrong family.")
    rows = list(placement.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in rows] == ["+", "~"]
    assert rows[0].history_user == cast.teacher
    assert rows[1].history_user == cast.pastoral
    assert rows[1].withdrawn_reason == "Wrong family."


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_author_pastoral_and_headteacher_get_the_form(login, cast, family, role):
    placement = _placed(family, cast.teacher)
    response = login(getattr(cast, role)).get(_url(placement))
    assert response.status_code == 200
    assert "Why is this being withdrawn?" in response.text


def test_a_teacher_who_did_not_place_it_gets_403(login, cast, family):
    placement = _placed(family, cast.pastoral)
    assert login(cast.teacher).post(_url(placement), {"reason": "x"}).status_code == 403
    assert Placement.objects.filter(pk=placement.pk).exists()


def test_authority_officer_403_other_school_404_anonymous_to_login(login, client, cast, family):
    placement = _placed(family, cast.teacher)
    assert client.get(_url(placement)).url.startswith(reverse("login"))
    assert login(cast.authority_officer).get(_url(placement)).status_code == 403
    for role in ["outsider_teacher", "outsider_headteacher"]:
        assert login(getattr(cast, role)).post(_url(placement), {"reason": "x"}).status_code == 404
    assert login(cast.teacher).delete(_url(placement)).status_code == 405
    assert Placement.objects.filter(pk=placement.pk).exists()


def test_an_empty_reason_changes_nothing(login, cast, family):
    placement = _placed(family, cast.teacher)
    response = login(cast.teacher).post(_url(placement), {"reason": ""})
    assert response.status_code == 200
    assert Placement.objects.filter(pk=placement.pk).exists()


def test_withdrawing_shows_a_collapsed_entry_and_keeps_the_row(login, cast, family):
    placement = _placed(family, cast.teacher)
    client = login(cast.teacher)
    response = client.post(_url(placement), {"reason": "Placed the wrong family."})
    assert response.status_code == 302
    stored = Placement.all_objects.get(pk=placement.pk)
    assert stored.withdrawn_by == cast.teacher and stored.withdrawn_at is not None
    page = client.get(reverse("families:family-detail", args=[family.family_id])).text
    assert "Placed the wrong family." in page
    assert "Withdrawn" in page
    # A withdrawn placement cannot be withdrawn again (it is no longer current).
    assert client.get(_url(placement)).status_code == 404


def test_the_dashboard_counts_the_placement_before_a_withdrawn_one(login, cast, time_machine):
    time_machine.move_to(NOW, tick=False)
    sf = family_at(cast.school)
    place(sf, NOW.replace(month=9), (1, 1, 1), by=cast.teacher)
    wrong = place(sf, NOW.replace(month=10), (4, 4, 4), by=cast.teacher)
    placement_withdraw(placement=wrong, withdrawn_by=cast.headteacher, reason="Wrong family.")
    response = login(cast.headteacher).get(reverse("dashboards:dashboard"))
    rows = {row.key: row.count for row in response.context["rows"]}
    assert rows["north-east"] == 0
    assert rows["south-west"] == 1


def test_withdrawing_the_latest_placement_moves_the_current_region_back(cast, family):
    earlier = _placed(family, cast.teacher, steps=(1, 1, 1))
    latest = _placed(family, cast.teacher, steps=(4, 4, 4))
    family.refresh_from_db()
    assert family.current_region == latest.region_key != earlier.region_key
    placement_withdraw(placement=latest, withdrawn_by=cast.pastoral, reason="Wrong family.")
    family.refresh_from_db()
    assert family.current_region == earlier.region_key
    assert family.last_placed_at == earlier.placed_at
