"""The "review placement" home-page panel for key contacts."""

import datetime

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from compass.prompts import REASON_NEVER, REASON_PATTERN, review_queryset, review_rows
from tests import factories
from tests.markup import plain

NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)
pytestmark = pytest.mark.usefixtures("compass_defaults")


def _contact(sf, tone, days_ago, staff):
    return factories.ContactFactory(
        school=sf.school,
        family=sf.family,
        staff=staff,
        tone=tone,
        occurred_at=NOW - datetime.timedelta(days=days_ago),
    )


def _place(sf, user, days_ago, **steps):
    return factories.PlacementFactory(
        school_family=sf,
        placed_by=user,
        placed_at=NOW - datetime.timedelta(days=days_ago),
        **steps,
    )


def _names(user, school):
    return {row.family.name for row in review_queryset(user, school)}


@time_machine.travel(NOW, tick=False)
def test_families_never_placed_or_placed_too_long_ago_are_listed(cast):
    cast.school.placement_review_weeks = 6
    cast.school.save()
    never = factories.SchoolFamilyFactory(
        school=cast.school, key_contact=cast.teacher, family__name="Never"
    )
    old = factories.SchoolFamilyFactory(
        school=cast.school, key_contact=cast.teacher, family__name="Old"
    )
    recent = factories.SchoolFamilyFactory(
        school=cast.school, key_contact=cast.teacher, family__name="Recent"
    )
    _place(old, cast.teacher, days_ago=43)  # six weeks and a day
    _place(recent, cast.teacher, days_ago=41)
    assert never and _names(cast.teacher, cast.school) == {"Never", "Old"}


@time_machine.travel(NOW, tick=False)
def test_only_the_key_contacts_own_families_are_listed(cast):
    factories.SchoolFamilyFactory(school=cast.school, key_contact=cast.pastoral)
    assert _names(cast.teacher, cast.school) == set()
    assert len(_names(cast.pastoral, cast.school)) == 1


@time_machine.travel(NOW, tick=False)
def test_three_concerns_in_a_row_after_a_positive_period_prompt_a_review(cast):
    sf = factories.SchoolFamilyFactory(
        school=cast.school, key_contact=cast.teacher, family__name="Changed"
    )
    _place(sf, cast.teacher, days_ago=20)
    _contact(sf, "positive", 15, cast.teacher)
    _contact(sf, "concern", 10, cast.teacher)
    _contact(sf, "concern", 8, cast.teacher)
    assert _names(cast.teacher, cast.school) == set()
    _contact(sf, "concern", 5, cast.teacher)
    rows = list(review_queryset(cast.teacher, cast.school))
    assert [r.family.name for r in rows] == ["Changed"]


@time_machine.travel(NOW, tick=False)
def test_concerns_before_the_last_placement_do_not_prompt(cast):
    sf = factories.SchoolFamilyFactory(school=cast.school, key_contact=cast.teacher)
    _contact(sf, "positive", 15, cast.teacher)
    for days in (12, 11, 10):
        _contact(sf, "concern", days, cast.teacher)
    _place(sf, cast.teacher, days_ago=9)  # already reviewed after the concerns
    assert _names(cast.teacher, cast.school) == set()


@time_machine.travel(NOW, tick=False)
def test_a_goal_placement_counts_as_the_positive_period(cast):
    sf = factories.SchoolFamilyFactory(school=cast.school, key_contact=cast.teacher)
    _place(sf, cast.teacher, days_ago=20, communication=4, access=4, attitude=4)
    for days in (12, 11, 10):
        _contact(sf, "concern", days, cast.teacher)
    assert len(_names(cast.teacher, cast.school)) == 1


@time_machine.travel(NOW, tick=False)
def test_home_page_shows_the_panel_with_reasons_and_links(cast, login):
    sf = factories.SchoolFamilyFactory(
        school=cast.school, key_contact=cast.teacher, family__name="Amira's family"
    )
    text = login(cast.teacher).get(reverse("home")).text
    assert "Review placement" in text
    assert f'Amira&#x27;s family</a><span class="small">— {REASON_NEVER}' in plain(text)
    assert reverse("compass:placement-add", args=[sf.family_id]) in text


@time_machine.travel(NOW, tick=False)
def test_authority_officer_sees_no_review_panel(cast, login):
    factories.SchoolFamilyFactory(school=cast.school, key_contact=cast.authority_officer)
    assert "Review placement" not in login(cast.authority_officer).get(reverse("home")).text


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("families", [2, 8])
def test_panel_query_count_does_not_grow(cast, login, django_assert_max_num_queries, families):
    for i in range(families):
        sf = factories.SchoolFamilyFactory(school=cast.school, key_contact=cast.pastoral)
        if i % 2:
            _place(sf, cast.pastoral, days_ago=200)
    client = login(cast.pastoral)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("home"))
    assert response.text.count("Not placed on the compass yet") == families // 2
    assert REASON_PATTERN not in response.text


# The loop as compass/placement_review_panel.html drew it before compass.prompts.review_rows.
REVIEW_LOOP = """{% for item in panel.reviews %}
        <li class="mb-1">
          <a href="{% url 'compass:placement-add' item.school_family.family_id %}">{{ item.school_family.family.name }}</a>
          <span class="small">— {{ item.reason }}{% if item.school_family.last_region_label %} (now: {{ item.school_family.last_region_label }}){% endif %}</span>
        </li>
      {% endfor %}"""  # noqa: E501


@time_machine.travel(NOW, tick=False)
def test_the_drawn_reviews_say_what_the_loop_said(cast, login):
    never = factories.SchoolFamilyFactory(
        school=cast.school, key_contact=cast.pastoral, family__name='Family "O\'Brien" <b>&</b>'
    )
    placed = factories.SchoolFamilyFactory(
        school=cast.school, key_contact=cast.pastoral, family__name="Family <Birch>"
    )
    _place(placed, cast.pastoral, days_ago=200)
    response = login(cast.pastoral).get(reverse("home"))
    panels = response.context["panels"]
    (panel,) = [p for p in panels if p["template"] == "compass/placement_review_panel.html"]
    templated = Template(REVIEW_LOOP).render(Context({"panel": panel}))
    drawn = panel["rows"]
    assert plain(drawn).replace("><", ">\n<").splitlines() == (
        plain(templated).replace("><", ">\n<").splitlines()
    )
    assert str(drawn) in response.text
    assert "Family &quot;O&#x27;Brien&quot; &lt;b&gt;&amp;&lt;/b&gt;" in drawn
    assert "Family &lt;Birch&gt;" in drawn and "(now: " in drawn
    assert reverse("compass:placement-add", args=[never.family_id]) in drawn
    assert review_rows([]) == ""
