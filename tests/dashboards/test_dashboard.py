"""The school's dashboard: who may see it, the region figures, filters, htmx and query count."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compass.models import CompassRegion
from families.models import SchoolFamily
from tests import factories
from tests.dashboards.dashboard_data import (
    NOW,
    expected_region_counts,
    family_at,
    place,
    populate,
)

PAGES = [
    "dashboards:dashboard",
    "dashboards:dashboard-movement",
    "dashboards:dashboard-contacts",
    "dashboards:dashboard-attention",
]

pytestmark = pytest.mark.usefixtures("compass_defaults")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _table(body: str, testid: str) -> str:
    start = body.index(f'data-testid="{testid}"')
    return body[start : body.index("</table>", start)]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["headteacher", "pastoral"])
def test_headteacher_and_pastoral_see_each_dashboard_page(login, cast, page, role):
    assert login(getattr(cast, role)).get(reverse(page)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["teacher", "authority_officer", "admin"])
def test_teachers_officers_and_administrators_get_403(login, cast, page, role):
    assert login(getattr(cast, role)).get(reverse(page)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_user_goes_to_login(client, cast, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", PAGES)
def test_post_is_not_allowed(login, cast, page):
    assert login(cast.headteacher).post(reverse(page)).status_code == 405


def test_headteacher_of_another_school_sees_only_their_own_school(login, cast):
    family_at(cast.school, name="Riverside Household")
    response = login(cast.outsider_headteacher).get(reverse("dashboards:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hillside Academy" in body
    assert "Riverside Primary" not in body.split("<main")[1]
    assert response.context["total"] == 0


def test_region_table_matches_the_latest_placement_of_each_family(login, cast):
    families = populate(cast.school, 12, [cast.teacher, cast.pastoral])
    populate(cast.other_school, 4, [cast.outsider_teacher], seed=3)
    expected = expected_region_counts(families)
    response = login(cast.headteacher).get(reverse("dashboards:dashboard"))
    rows = {row.key: row.count for row in response.context["rows"]}
    assert rows == {r.key: expected[r.key] for r in CompassRegion.objects.filter(school=None)} | {
        "": expected[""]
    }
    assert sum(rows.values()) == 12
    table = _table(response.content.decode(), "regions")
    for region in CompassRegion.objects.filter(school=None):
        assert f"{region.label}" in table


def test_a_new_placement_moves_the_family_and_old_ones_are_kept(login, cast):
    sf = family_at(cast.school)
    place(sf, NOW.replace(month=9), (1, 1, 1), by=cast.teacher)
    place(sf, NOW.replace(month=10), (4, 4, 4), by=cast.teacher)
    response = login(cast.headteacher).get(reverse("dashboards:dashboard"))
    rows = {row.key: row.count for row in response.context["rows"]}
    assert rows["north-east"] == 1
    assert rows["south-west"] == 0


def test_filters_narrow_the_families_counted(login, cast):
    p1 = factories.ClassGroupFactory(school=cast.school, name="P1 Oak", year_group="P1")
    a = family_at(
        cast.school, year="P1", class_group=p1, looked_after=True, key_contact=cast.teacher
    )
    b = family_at(cast.school, year="P4", interpreter=True, key_contact=cast.pastoral)
    c = family_at(cast.school, year="P4")
    place(a, NOW.replace(month=9), (4, 4, 4), by=cast.teacher, level="intensive")
    place(b, NOW.replace(month=9), (1, 1, 1), by=cast.teacher, level="enhanced")
    place(c, NOW.replace(month=9), (1, 1, 1), by=cast.teacher)
    client = login(cast.headteacher)
    url = reverse("dashboards:dashboard")

    def counted(**params):
        rows = client.get(url, params).context["rows"]
        return {row.key: row.count for row in rows if row.count}

    assert counted() == {"north-east": 1, "south-west": 2}
    assert counted(year_group="P1") == {"north-east": 1}
    assert counted(class_group=p1.pk) == {"north-east": 1}
    assert counted(level="enhanced") == {"south-west": 1}
    assert counted(key_contact=cast.pastoral.pk) == {"south-west": 1}
    assert counted(looked_after="yes") == {"north-east": 1}
    assert counted(looked_after="no") == {"south-west": 2}
    assert counted(interpreter="yes") == {"south-west": 1}


def test_a_family_counts_from_the_day_its_first_child_starts(login, cast, time_machine):
    """The families on the roll are worked out for each day: a family whose only child here
    starts next week counts in no figure until that day, then in every one."""
    family_at(cast.school)
    starting = factories.SchoolFamilyFactory(school=cast.school)
    factories.ChildFactory(
        school=cast.school,
        family=starting.family,
        starts_on=(NOW + dt.timedelta(days=7)).date(),
    )
    url = reverse("dashboards:dashboard")
    assert login(cast.headteacher).get(url).context["total"] == 1
    time_machine.move_to(NOW + dt.timedelta(days=8), tick=False)
    assert login(cast.headteacher).get(url).context["total"] == 2


def test_an_unknown_filter_value_is_explained_and_ignored(login, cast):
    family_at(cast.school)
    response = login(cast.headteacher).get(reverse("dashboards:dashboard"), {"level": "nonsense"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["total"] == 1


def test_htmx_filter_refresh_returns_only_the_figures(login, cast):
    family_at(cast.school)
    response = login(cast.headteacher).get(
        reverse("dashboards:dashboard"), {"year_group": ""}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert 'id="figures"' in body
    assert "<html" not in body
    assert 'hx-swap-oob="true"' in body


def test_full_page_has_a_real_get_form_and_csv_links(login, cast):
    body = login(cast.headteacher).get(reverse("dashboards:dashboard")).content.decode()
    assert 'method="get"' in body
    assert reverse("dashboards:dashboard-csv", args=["regions"]) in body
    assert "<svg" in body and "<title" in body


def test_regions_csv_has_the_same_counts(login, cast):
    families = populate(cast.school, 6, [cast.teacher])
    expected = expected_region_counts(families)
    response = login(cast.headteacher).get(reverse("dashboards:dashboard-csv", args=["regions"]))
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = csv.reader(io.StringIO(response.content.decode()))
    assert header[:3] == ["region", "families", "percent"]
    assert header[-1] == "target percent"
    labels = {r.label: r.key for r in CompassRegion.objects.filter(school=None)}
    assert len(rows) == len(labels) + 1
    for label, count, *_ in rows:
        assert int(count) == expected[labels.get(label, "")]
    assert {row[-1] for row in rows} == {""}  # no target set yet: empty, not a stray quote


def test_csv_cells_that_look_like_formulas_are_defused(login, cast):
    sf = family_at(cast.school, name="=HYPERLINK(1)")
    place(sf, NOW.replace(month=6), (4, 4, 4), by=cast.teacher)
    place(sf, NOW.replace(month=10), (1, 1, 1), by=cast.teacher)
    response = login(cast.headteacher).get(reverse("dashboards:dashboard-csv", args=["moved-away"]))
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_unknown_csv_table_is_404(login, cast):
    response = login(cast.headteacher).get(reverse("dashboards:dashboard-csv", args=["nope"]))
    assert response.status_code == 404


def _queries(client, url):
    client.get(url)  # once first: the school's terms are then known (portal.lib.terms)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_number_of_families(login, cast, page):
    client = login(cast.headteacher)
    url = reverse(page) + "?year_group=P4&period=year"
    populate(cast.school, 3, [cast.teacher, cast.pastoral])
    small = _queries(client, url)
    populate(cast.school, 15, [cast.teacher, cast.pastoral], seed=11)
    assert SchoolFamily.objects.filter(school=cast.school).count() == 18
    large = _queries(client, url)
    assert small == large
    assert large <= 16


TABLES = [
    "regions",
    "movement",
    "moved-away",
    "months",
    "year-groups",
    "staff",
    "no-positive",
    "due-contact",
    "review-due",
    "follow-ups",
]


@pytest.mark.parametrize("table", TABLES)
def test_each_csv_follows_the_dashboard_rules(client, login, cast, table):
    url = reverse("dashboards:dashboard-csv", args=[table])
    assert client.get(url).status_code == 302
    assert login(cast.pastoral).get(url).status_code == 200
    assert login(cast.headteacher).post(url).status_code == 405
    for role in ("teacher", "authority_officer", "admin"):
        assert login(getattr(cast, role)).get(url).status_code == 403


def test_the_filters_draw_their_choices_with_the_chosen_ones_selected(login, cast):
    p1 = factories.ClassGroupFactory(school=cast.school, name="P1 Oak", year_group="P1")
    factories.ClassGroupFactory(school=cast.other_school, name="Hillside 4B", year_group="P4")
    family_at(cast.school, year="P1", class_group=p1)
    text = (
        login(cast.headteacher)
        .get(reverse("dashboards:dashboard"), {"class_group": p1.pk, "level": "enhanced"})
        .content.decode()
    )

    def options(name):
        select = re.search(rf'<select name="{name}".*?</select>', text, re.S).group(0)
        return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)

    assert options("class_group") == [("", "", "All"), (str(p1.pk), " selected", "P1 Oak")]
    assert ("enhanced", " selected", "Enhanced") in options("level")
    assert sum(1 for _, chosen, _ in options("level") if chosen) == 1
    assert options("interpreter") == [
        ("", " selected", "Any"),
        ("yes", "", "Yes"),
        ("no", "", "No"),
    ]
