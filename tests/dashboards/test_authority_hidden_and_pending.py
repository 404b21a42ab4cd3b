"""The authority's figures say what a hidden cell is (not "fewer than 5": a large count can be
hidden to protect a small one) and that contact figures before the first rollup are unknown."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from families.tasks import rollup_refresh_school
from tests import factories
from tests.dashboards.dashboard_data import NOW, contact, family_at

pytestmark = pytest.mark.usefixtures("compass_defaults")

HIDDEN = "hidden to protect small numbers"
NOT_YET_AVAILABLE = "not yet available"


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _rollup(school, *, positive, neutral, concern, staff):
    """Contacts of each tone this month, added up as the overnight task does."""
    sf = family_at(school)
    for tone, n in (("positive", positive), ("neutral", neutral), ("concern", concern)):
        for _ in range(n):
            contact(sf, NOW - dt.timedelta(days=1), staff=staff, tone=tone)
    rollup_refresh_school.enqueue(school.pk)


def _csv_rows(client, table):
    response = client.get(reverse("dashboards:authority-csv", args=[table]))
    header, *rows = csv.reader(io.StringIO(response.content.decode()))
    return header, {row[0]: row for row in rows}


@pytest.fixture
def two_schools(cast):
    """Positive contacts of 20 and 32 are hidden: each stands beside a hidden concern count
    (3) or a column whose other hidden cell could otherwise be worked out."""
    sister = factories.SchoolFactory(name="Riverside High", authority=cast.school.authority)
    _rollup(cast.school, positive=20, neutral=40, concern=3, staff=cast.teacher)
    _rollup(sister, positive=32, neutral=45, concern=60, staff=cast.teacher)
    return sister


def test_counts_of_20_and_32_hidden_with_a_small_one_do_not_read_fewer_than_5(
    login, cast, two_schools
):
    client = login(cast.authority_officer)
    response = client.get(reverse("dashboards:authority"))
    tones = dict(response.context["tones"])
    assert tones["Riverside Primary"] == [None, 40, None, 63]
    assert tones["Riverside High"] == [None, 45, None, 137]
    body = response.content.decode()
    table = body[
        body.index('data-testid="authority-tones"') : body.index(
            "</table>", body.index('data-testid="authority-tones"')
        )
    ]
    assert table.count(HIDDEN) == 4
    assert "fewer than" not in body

    header, rows = _csv_rows(client, "contacts")
    assert rows["Riverside Primary"][header.index("positive")] == HIDDEN
    assert rows["Riverside High"][header.index("positive")] == HIDDEN
    assert rows["Riverside Primary"][header.index("neutral")] == "40"
    assert not any("fewer than" in cell for row in rows.values() for cell in row)


def test_a_hidden_region_count_reads_hidden_on_the_page_and_in_the_csv(login, cast):
    for _ in range(2):
        sf = family_at(cast.school)
        contact(sf, NOW - dt.timedelta(days=1), staff=cast.teacher)
    client = login(cast.authority_officer)
    body = client.get(reverse("dashboards:authority")).content.decode()
    assert f'<span class="suppressed">{HIDDEN}</span>' in body
    assert "fewer than" not in body
    header, rows = _csv_rows(client, "regions")
    assert rows["Riverside Primary"][header.index("Not yet reached")] == HIDDEN


def test_before_the_first_rollup_the_contact_figures_are_not_yet_available(login, cast):
    sf = family_at(cast.school)
    for _ in range(8):
        contact(sf, NOW - dt.timedelta(days=1), staff=cast.teacher, tone="positive")
    client = login(cast.authority_officer)
    response = client.get(reverse("dashboards:authority"))
    for table in ("tones", "formality"):
        for _name, cells in response.context[table]:
            assert cells and all(cell == NOT_YET_AVAILABLE for cell in cells)
    body = response.content.decode()
    tones = body[body.index('data-testid="authority-tones"') :]
    assert NOT_YET_AVAILABLE in tones[: tones.index("</table>")]
    assert HIDDEN not in tones[: tones.index("</table>")]

    header, rows = _csv_rows(client, "contacts")
    assert rows["Riverside Primary"][1:] == [NOT_YET_AVAILABLE] * (len(header) - 1)
    assert rows["All schools"][1:] == [NOT_YET_AVAILABLE] * (len(header) - 1)

    rollup_refresh_school.enqueue(cast.school.pk)
    tones = dict(client.get(reverse("dashboards:authority")).context["tones"])
    assert tones["Riverside Primary"][0] == 8


def test_a_school_not_yet_added_up_and_the_total_are_not_yet_available(login, cast):
    sister = factories.SchoolFactory(name="Riverside High", authority=cast.school.authority)
    _rollup(cast.school, positive=20, neutral=40, concern=30, staff=cast.teacher)
    client = login(cast.authority_officer)
    response = client.get(reverse("dashboards:authority"))
    tones = dict(response.context["tones"])
    assert tones["Riverside Primary"] == [20, 40, 30, 90]
    assert tones[sister.name] == [NOT_YET_AVAILABLE] * 4
    assert tones["All schools"] == [NOT_YET_AVAILABLE] * 4  # a total of one school is wrong
    assert "Not yet added up: Riverside High" in response.content.decode()


def test_a_school_with_no_contacts_once_added_up_shows_hidden_zeros_not_pending(login, cast):
    from families.models import ContactRollupRun

    assert rollup_refresh_school.enqueue(cast.school.pk).return_value == 0
    assert ContactRollupRun.objects.get(school=cast.school).refreshed_at == timezone.now()
    tones = dict(
        login(cast.authority_officer).get(reverse("dashboards:authority")).context["tones"]
    )
    assert tones["Riverside Primary"] == [None, None, None, None]
