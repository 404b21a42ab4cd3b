"""Contact balance (per month, year group and member of staff) and families needing attention."""

import datetime as dt
from collections import defaultdict

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.figures import period_for
from families.models import Contact, SchoolFamily
from families.services import summaries_refresh
from portal.lib.terms import term_containing
from tests.dashboards.dashboard_data import (
    NOW,
    contact,
    contacts_between,
    expected_balance,
    family_at,
    latest_region,
    local_month,
    place,
    populate,
)

pytestmark = pytest.mark.usefixtures("compass_defaults")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _strip(rows):
    keys = ["positive", "neutral", "concern", "formal", "informal", "total"]
    return {row["label"]: {k: row[k] for k in keys} for row in rows}


@pytest.mark.parametrize("period", ["term", "year"])
def test_balance_per_month_year_group_and_staff_matches_the_contacts(login, cast, period):
    populate(cast.school, 14, [cast.teacher, cast.pastoral, cast.headteacher])
    populate(cast.other_school, 3, [cast.outsider_teacher], seed=5)
    span = period_for(period, timezone.localdate())
    contacts = contacts_between(cast.school, span.starts_at, span.ends_at)
    assert contacts, "the test data should have contacts in the period"
    response = login(cast.headteacher).get(
        reverse("dashboards:dashboard-contacts"), {"period": period}
    )

    months, staff, years = defaultdict(list), defaultdict(list), defaultdict(list)
    for c in contacts:
        months[local_month(c.occurred_at)].append(c)
        staff[c.staff.get_full_name()].append(c)
        for year in {ch.year_group for ch in c.family.children.filter(school=cast.school)}:
            years[year].append(c)
    assert _strip(response.context["by_month"]) == {
        k: expected_balance(v) for k, v in months.items()
    }
    assert _strip(response.context["by_staff"]) == {
        k: expected_balance(v) for k, v in staff.items()
    }
    assert _strip(response.context["by_year"]) == {k: expected_balance(v) for k, v in years.items()}


def test_pastoral_sees_only_their_own_row_and_headteacher_sees_everyone(login, cast):
    sf = family_at(cast.school)
    contact(sf, NOW - dt.timedelta(days=2), staff=cast.teacher, tone="positive")
    contact(sf, NOW - dt.timedelta(days=3), staff=cast.pastoral, tone="concern")
    pastoral = login(cast.pastoral).get(reverse("dashboards:dashboard-contacts"))
    assert [row["staff"] for row in pastoral.context["by_staff"]] == [cast.pastoral.pk]
    assert "Your own contacts" in pastoral.content.decode()
    head = login(cast.headteacher).get(reverse("dashboards:dashboard-contacts"))
    assert {row["staff"] for row in head.context["by_staff"]} == {cast.teacher.pk, cast.pastoral.pk}
    csv = login(cast.pastoral).get(reverse("dashboards:dashboard-csv", args=["staff"]))
    assert cast.teacher.first_name not in csv.content.decode()


def test_month_csv_matches_the_table(login, cast):
    populate(cast.school, 6, [cast.teacher])
    client = login(cast.headteacher)
    rows = client.get(reverse("dashboards:dashboard-contacts"), {"period": "year"}).context[
        "by_month"
    ]
    csv = client.get(reverse("dashboards:dashboard-csv", args=["months"]), {"period": "year"})
    lines = csv.content.decode().splitlines()
    assert lines[0] == "months,positive,neutral,concern,formal,informal,total"
    assert [line.split(",")[0] for line in lines[1:]] == [row["label"] for row in rows]
    assert [int(line.split(",")[-1]) for line in lines[1:]] == [row["total"] for row in rows]


def test_attention_counts_and_lists_match_the_rows(login, cast):
    families = populate(cast.school, 14, [cast.teacher, cast.pastoral])
    term_start = term_containing(timezone.localdate()).starts_at
    every = {"general": 13, "enhanced": 2, "intensive": 1}  # the default contact rhythm
    review_before = NOW - dt.timedelta(weeks=cast.school.placement_review_weeks)
    expected = {"no_positive": set(), "due_contact": set(), "review_due": set()}
    for sf in families:
        mine = list(Contact.objects.filter(school=cast.school, family=sf.family))
        if not any(c.tone == "positive" and c.occurred_at >= term_start for c in mine):
            expected["no_positive"].add(sf.family.name)
        latest = latest_region(sf)
        since = NOW - dt.timedelta(weeks=every[latest.level if latest else "general"])
        if not any(c.occurred_at >= since for c in mine):
            expected["due_contact"].add(sf.family.name)
        if latest is None or latest.placed_at < review_before:
            expected["review_due"].add(sf.family.name)
    overdue = [
        c
        for c in Contact.objects.filter(school=cast.school)
        if c.follow_up_on and c.follow_up_on < NOW.date() and c.follow_up_done_at is None
    ]
    response = login(cast.headteacher).get(reverse("dashboards:dashboard-attention"))
    lists = {item["key"]: item for item in response.context["lists"]}
    for key, names in expected.items():
        assert lists[key]["count"] == len(names)
        assert {row["family__name"] for row in lists[key]["rows"]} == names
    assert response.context["counts"]["overdue_follow_ups"] == len(overdue)
    assert len(response.context["follow_ups"]) == len(overdue)


def test_a_done_follow_up_is_not_overdue(login, cast):
    sf = family_at(cast.school, name="The Chen family")
    late = contact(
        sf,
        NOW - dt.timedelta(days=9),
        staff=cast.teacher,
        follow_up_on=NOW.date() - dt.timedelta(days=2),
        follow_up_owner=cast.teacher,
    )
    client = login(cast.headteacher)
    assert (
        client.get(reverse("dashboards:dashboard-attention")).context["counts"][
            "overdue_follow_ups"
        ]
        == 1
    )
    Contact.objects.filter(pk=late.pk).update(follow_up_done_at=NOW)
    assert (
        client.get(reverse("dashboards:dashboard-attention")).context["counts"][
            "overdue_follow_ups"
        ]
        == 0
    )


def test_good_news_this_term_takes_a_family_off_the_no_positive_list(login, cast):
    sf = family_at(cast.school, name="The Dube family")
    place(sf, NOW - dt.timedelta(days=3), (3, 3, 3), by=cast.teacher)
    client = login(cast.headteacher)
    url = reverse("dashboards:dashboard-attention")
    assert client.get(url).context["counts"]["no_positive"] == 1
    contact(sf, NOW - dt.timedelta(days=1), staff=cast.teacher, tone="positive")
    summaries_refresh(school=cast.school)
    counts = client.get(url).context["counts"]
    assert counts["no_positive"] == 0
    assert counts["due_contact"] == 0
    assert counts["review_due"] == 0
    assert SchoolFamily.objects.get(pk=sf.pk).last_positive_at is not None


@pytest.mark.parametrize("table", ["no-positive", "due-contact", "review-due", "follow-ups"])
def test_attention_csvs_download(login, cast, table):
    populate(cast.school, 5, [cast.teacher])
    response = login(cast.headteacher).get(reverse("dashboards:dashboard-csv", args=[table]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


# A member of staff's own balance


def test_teacher_sees_only_their_own_contact_balance(login, cast):
    sf = family_at(cast.school)
    contact(sf, NOW - dt.timedelta(days=2), staff=cast.teacher, tone="positive", formality="formal")
    contact(sf, NOW - dt.timedelta(days=2), staff=cast.teacher, tone="concern")
    contact(sf, NOW - dt.timedelta(days=2), staff=cast.pastoral, tone="concern")
    response = login(cast.teacher).get(reverse("dashboards:my-contacts"))
    assert response.status_code == 200
    total = response.context["total"]
    assert (total["positive"], total["concern"], total["formal"], total["total"]) == (1, 1, 1, 2)
    csv = login(cast.teacher).get(reverse("dashboards:dashboard-csv", args=["mine"]))
    assert csv.content.decode().splitlines()[1].endswith(",2")


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_family_staff_may_see_their_own_balance(login, cast, role):
    assert login(getattr(cast, role)).get(reverse("dashboards:my-contacts")).status_code == 200


@pytest.mark.parametrize("role", ["authority_officer", "admin"])
def test_officers_and_administrators_have_no_contact_balance(login, cast, role):
    assert login(getattr(cast, role)).get(reverse("dashboards:my-contacts")).status_code == 403


def test_teacher_may_not_download_the_school_tables(login, cast):
    response = login(cast.teacher).get(reverse("dashboards:dashboard-csv", args=["staff"]))
    assert response.status_code == 403


def test_my_contacts_is_get_only_and_needs_login(client, login, cast):
    assert client.get(reverse("dashboards:my-contacts")).status_code == 302
    assert login(cast.teacher).post(reverse("dashboards:my-contacts")).status_code == 405
