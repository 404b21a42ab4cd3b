"""Home-page panels: my follow-ups (due and overdue) and the good-news prompt."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from families.models import SchoolFamily
from families.services import contact_log
from tests.families.conftest import make_family

NOW = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
HOME = reverse("home")


def _log(cast, fam, **kwargs):
    values = {
        "school": cast.school,
        "family": fam.family,
        "staff": cast.teacher,
        "parents": [fam.mum],
        "summary": "Talked about the reading diary.",
        "occurred_at": NOW - datetime.timedelta(days=7),
    }
    values.update(kwargs)
    return contact_log(**values)


@time_machine.travel(NOW, tick=False)
def test_my_follow_ups_show_overdue_and_due(cast, fam, login):
    _log(
        cast,
        fam,
        agreed="Send the diary home.",
        follow_up_on=datetime.date(2026, 3, 9),
        occurred_at=NOW - datetime.timedelta(days=5),
    )
    _log(cast, fam, agreed="Phone about the trip.", follow_up_on=datetime.date(2026, 3, 12))
    _log(cast, fam, agreed="Next month's review.", follow_up_on=datetime.date(2026, 4, 30))
    _log(
        cast,
        fam,
        agreed="Someone else's job.",
        follow_up_on=datetime.date(2026, 3, 9),
        follow_up_owner=cast.pastoral,
    )
    text = login(cast.teacher).get(HOME).text
    assert "My follow-ups" in text
    assert "overdue since 9 Mar" in text and "Send the diary home" in text
    assert "Phone about the trip" in text
    assert "Next month" not in text
    assert "Someone else" not in text
    assert "?completes=" in text


@time_machine.travel(NOW, tick=False)
def test_completed_follow_up_leaves_the_panel(cast, fam, login):
    first = _log(cast, fam, agreed="Send the diary home.", follow_up_on=datetime.date(2026, 3, 9))
    _log(cast, fam, completes=first, summary="Diary sent.")
    assert "Send the diary home" not in login(cast.teacher).get(HOME).text


@time_machine.travel(NOW, tick=False)
def test_good_news_prompt_lists_my_quiet_families(cast, fam, login):
    recent = make_family(cast, name="Family Birch", teacher=cast.teacher)
    SchoolFamily.objects.filter(pk=recent.school_family.pk).update(
        last_positive_at=NOW - datetime.timedelta(days=3)
    )
    not_mine = make_family(cast, name="Family Cedar")
    SchoolFamily.objects.filter(pk=not_mine.school_family.pk).update(last_positive_at=None)
    text = login(cast.teacher).get(HOME).text
    assert "Time for some good news" in text
    assert "Family Rowan" in text
    assert "Family Birch" not in text
    assert "Family Cedar" not in text
    assert "tone=positive" in text


@time_machine.travel(NOW, tick=False)
def test_good_news_weeks_is_a_school_setting(cast, fam, login):
    SchoolFamily.objects.filter(pk=fam.school_family.pk).update(
        last_positive_at=NOW - datetime.timedelta(weeks=3)
    )
    assert "Family Rowan" not in login(cast.teacher).get(HOME).text
    cast.school.good_news_weeks = 2
    cast.school.save()
    assert "Family Rowan" in login(cast.teacher).get(HOME).text


@pytest.mark.parametrize("role", ["authority_officer", "outsider_teacher"])
def test_panels_hidden_from_others(cast, fam, login, role):
    _log(cast, fam, agreed="Send the diary home.", follow_up_on=datetime.date(2026, 3, 9))
    text = login(getattr(cast, role)).get(HOME).text
    assert "My follow-ups" not in text
    assert "Family Rowan" not in text


@pytest.mark.parametrize("families", [2, 8])
def test_home_query_count_does_not_grow(cast, login, django_assert_max_num_queries, families):
    for n in range(families):
        setup = make_family(cast, name=f"Family {n}", teacher=cast.teacher)
        _log(
            cast,
            setup,
            follow_up_on=datetime.date.today(),
            tone="concern",
            occurred_at=datetime.datetime.now(datetime.UTC),
        )
    client = login(cast.teacher)
    with django_assert_max_num_queries(20):
        response = client.get(HOME)
    assert response.text.count("Log the follow-up") == min(families, 8)


@time_machine.travel(NOW, tick=False)
def test_more_follow_ups_than_the_panel_shows_lead_to_the_family_list(cast, fam, login):
    others = [make_family(cast, name=f"Family {n}", teacher=cast.teacher) for n in range(9)]
    for other in others:
        _log(cast, other, agreed="Send the diary home.", follow_up_on=datetime.date(2026, 3, 9))
    quiet = make_family(cast, name="Family Quiet", teacher=cast.teacher)
    _log(cast, quiet, agreed="Next month's review.", follow_up_on=datetime.date(2026, 4, 30))
    _log(
        cast,
        fam,
        agreed="Someone else's job.",
        follow_up_on=datetime.date(2026, 3, 9),
        follow_up_owner=cast.pastoral,
    )
    client = login(cast.teacher)
    home = client.get(HOME).text
    assert "And 1 more overdue or due this week" in home
    link = reverse("families:family-list") + "?my_follow_ups=on"
    assert link in home
    assert reverse("families:family-detail", args=[others[0].family.pk]) in home

    listed = client.get(link)
    names = [row.family.name for row in listed.context["page"].object_list]
    assert sorted(names) == sorted(o.family.name for o in others)
    assert (
        'name="my_follow_ups" class="checkboxinput form-check-input" id="id_my_follow_ups" checked'
        in listed.text
    )
