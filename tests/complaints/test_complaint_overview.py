"""The headteacher's response-time overview, the point of contact's home panel, query budgets."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Complaint
from complaints.overview import response_overview, term_of
from tests import factories

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _at(day, hour=9, month=11, year=2026):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=LONDON)


def _complaint(cast, received, first=None, **kwargs):
    link = factories.SchoolFamilyFactory(school=cast.school)
    kwargs.setdefault("point_of_contact", cast.pastoral)
    return factories.ComplaintFactory(
        school=cast.school,
        family=link.family,
        received_at=received,
        first_response_at=first,
        **kwargs,
    )


def test_terms_follow_the_school_year():
    assert term_of(_at(3, month=9))[2] == "Autumn 2026"
    assert term_of(_at(3, month=2, year=2027))[2] == "Spring 2027"
    assert term_of(_at(3, month=6, year=2027))[2] == "Summer 2027"


def test_overview_measures_days_to_first_response_per_term(cast):
    _complaint(cast, _at(2), _at(3))  # 1 day
    _complaint(cast, _at(4), _at(7))  # 3 days
    _complaint(cast, _at(5), _at(13), status="resolved", outcome="Agreed")  # 8 days
    _complaint(cast, _at(18))  # still waiting
    _complaint(cast, _at(10, month=5), _at(12, month=5))  # summer term: 2 days
    theirs = factories.SchoolFamilyFactory(school=cast.other_school).family
    factories.ComplaintFactory(  # another school's: not counted
        school=cast.other_school, family=theirs, received_at=_at(1), first_response_at=_at(19)
    )

    figures = response_overview(cast.school)

    assert figures["open_count"] == 4
    assert figures["waiting_first_response"] == 1
    autumn, summer = figures["terms"]
    assert (autumn.label, autumn.received, autumn.responded) == ("Autumn 2026", 4, 3)
    assert autumn.median_days == 3.0
    assert autumn.average_days == 4.0
    assert autumn.resolved == 1
    assert (summer.label, summer.median_days) == ("Summer 2026", 2.0)
    assert figures["median_days"] == 2.5


def test_headteacher_sees_the_figures(cast, login):
    _complaint(cast, _at(2), _at(4))
    _complaint(cast, _at(16))
    response = login(cast.headteacher).get(reverse("complaints:complaint-overview"))
    assert '<p class="display-6 mb-0" data-testid="open-count">2</p>' in response.text
    assert '<p class="display-6 mb-0" data-testid="median-days">2.0</p>' in response.text
    assert "Autumn 2026" in response.text
    assert "1 still waiting for a first personal response" in response.text


def test_overview_without_complaints_says_so(cast, login):
    response = login(cast.headteacher).get(reverse("complaints:complaint-overview"))
    assert "No complaints have been recorded yet" in response.text


# --- home panel -----------------------------------------------------------------------------


def test_point_of_contact_sees_complaints_waiting_for_their_reply_on_home(cast, login):
    waiting = _complaint(cast, _at(16), point_of_contact=cast.teacher)
    replied = _complaint(
        cast,
        _at(10),
        _at(11),
        point_of_contact=cast.teacher,
        reply="Thank you",
        replied_on=datetime.date(2026, 11, 11),
    )
    response = login(cast.teacher).get(reverse("home"))
    assert "Complaints waiting for your personal reply" in response.text
    assert reverse("complaints:complaint-reply", args=[waiting.pk]) in response.text
    assert reverse("complaints:complaint-reply", args=[replied.pk]) not in response.text


def test_no_panel_for_staff_with_nothing_waiting(cast, login):
    _complaint(cast, _at(16), point_of_contact=cast.pastoral)
    response = login(cast.teacher).get(reverse("home"))
    assert "Complaints waiting for your personal reply" not in response.text


def test_nav_link_only_for_those_who_handle_complaints(cast, login):
    url = reverse("complaints:complaint-list")
    assert f'href="{url}"' in login(cast.pastoral).get(reverse("home")).text
    assert f'href="{url}"' not in login(cast.teacher).get(reverse("home")).text


# --- query budgets --------------------------------------------------------------------------
# The site shell (session, user, memberships, two-factor device, nav) costs a few queries per
# request; the budgets below leave room for it, and the two-size comparison catches any N+1.

BUDGET = 14


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(cast, login, django_assert_max_num_queries):
    family = factories.SchoolFamilyFactory(school=cast.school).family
    parent = factories.ParentCarerFactory(family=family)
    client = login(cast.pastoral)
    url = reverse("complaints:complaint-list")
    counts = []
    for rows in (2, 12):
        for i in range(rows - Complaint.objects.count()):
            _complaint(cast, _at(1 + i), raised_by=parent if i % 2 else None)
        with django_assert_max_num_queries(BUDGET):
            counts.append(_count_queries(client, url))
    assert counts[0] == counts[1]
    assert client.get(url).text.count('<td><a href="/meetings/complaints/') == 12


def test_overview_and_home_query_counts_do_not_grow(cast, login, django_assert_max_num_queries):
    client = login(cast.headteacher)
    counts = {"overview": [], "home": []}
    client.get(reverse("complaints:complaint-overview"))  # the school's terms are then known
    for rows in (2, 12):
        for i in range(rows - Complaint.objects.count()):
            _complaint(cast, _at(1 + i), _at(2 + i), point_of_contact=cast.headteacher)
        with django_assert_max_num_queries(BUDGET):
            counts["overview"].append(
                _count_queries(client, reverse("complaints:complaint-overview"))
            )
        counts["home"].append(_count_queries(client, reverse("home")))
    assert counts["overview"][0] == counts["overview"][1]
    assert counts["home"][0] == counts["home"][1]


def test_detail_query_budget(cast, login, django_assert_max_num_queries):
    complaint = _complaint(cast, _at(2), _at(3))
    client = login(cast.pastoral)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("complaints:complaint-detail", args=[complaint.pk]))
    assert response.status_code == 200
