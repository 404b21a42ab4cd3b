"""Every "and N more" leads to the full list: the home page's good-news
and review-placement panels, and the dashboard's "Needing attention" lists."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from compass.prompts import PANEL_LIMIT
from dashboards.figures import LIST_LIMIT
from families.services import contact_log
from tests import factories

NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)
HOME = reverse("home")
pytestmark = pytest.mark.usefixtures("compass_defaults")


def _families(cast, n, *, key_contact=None, prefix="Family"):
    return [
        factories.SchoolFamilyFactory(
            school=cast.school, key_contact=key_contact, family__name=f"{prefix} {i:03}"
        )
        for i in range(n)
    ]


@time_machine.travel(NOW, tick=False)
def test_good_news_panel_leads_to_every_family_due_some(cast, login):
    quiet = _families(cast, 10, key_contact=cast.teacher, prefix="Quiet")
    heard = factories.SchoolFamilyFactory(
        school=cast.school, key_contact=cast.teacher, family__name="Heard Family"
    )
    contact_log(
        school=cast.school,
        family=heard.family,
        staff=cast.teacher,
        parents=[factories.ParentCarerFactory(family=heard.family)],
        summary="Great week.",
        tone="positive",
        occurred_at=NOW - datetime.timedelta(days=2),
    )
    others = _families(cast, 2, key_contact=cast.pastoral, prefix="Not mine")
    client = login(cast.teacher)
    home = client.get(HOME).text
    assert "And 2 more" in home
    link = reverse("families:family-list") + "?mine=on&amp;no_positive_weeks=4&amp;sort=positive"
    assert link in home
    listed = client.get(link.replace("&amp;", "&"))
    names = {row.family.name for row in listed.context["page"].object_list}
    assert names == {sf.family.name for sf in quiet}
    assert not names & {"Heard Family", *(sf.family.name for sf in others)}


@time_machine.travel(NOW, tick=False)
def test_review_panel_leads_to_every_placement_to_review(
    cast, login, django_assert_max_num_queries
):
    waiting = _families(cast, PANEL_LIMIT + 3, key_contact=cast.teacher)
    _families(cast, 2, key_contact=cast.pastoral, prefix="Not mine")
    client = login(cast.teacher)
    home = client.get(HOME).text
    url = reverse("compass:placement-reviews")
    assert f'<a href="{url}">See all placements to review</a>' in home
    with django_assert_max_num_queries(12):
        page = client.get(url)
    names = {item["school_family"].family.name for item in page.context["reviews"]}
    assert names == {sf.family.name for sf in waiting}
    assert "Not placed on the compass yet" in page.text


def test_review_page_pages_past_30_and_says_so_when_empty(cast, login):
    client = login(cast.teacher)
    assert "No placements are waiting" in client.get(reverse("compass:placement-reviews")).text
    _families(cast, 31, key_contact=cast.teacher)
    first = client.get(reverse("compass:placement-reviews"))
    assert len(first.context["reviews"]) == 30
    assert "Page 1 of 2" in first.text
    second = client.get(reverse("compass:placement-reviews") + "?page=2")
    assert len(second.context["reviews"]) == 1


def test_a_needing_attention_list_cut_short_links_to_all_of_it(
    cast, login, django_assert_max_num_queries
):
    _families(cast, LIST_LIMIT + 2)
    client = login(cast.headteacher)
    attention = client.get(reverse("dashboards:dashboard-attention")).text
    url = reverse("dashboards:dashboard-attention-list", args=["review_due"])
    assert f'<a href="{url}?">See all {LIST_LIMIT + 2}</a>' in attention
    with django_assert_max_num_queries(14):
        first = client.get(url)
    assert len(first.context["page"].object_list) == LIST_LIMIT
    assert "Page 1 of 2" in first.text
    second = client.get(url + "?page=2")
    assert [row["family__name"] for row in second.context["page"].object_list] == [
        f"Family {LIST_LIMIT:03}",
        f"Family {LIST_LIMIT + 1:03}",
    ]


def test_the_full_attention_list_keeps_the_dashboard_filters(cast, login):
    group = factories.ClassGroupFactory(school=cast.school, name="P5 Oak", year_group="P5")
    ours = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Oak")
    factories.ChildFactory(school=cast.school, family=ours.family, class_group=group)
    _families(cast, 3)
    url = reverse("dashboards:dashboard-attention-list", args=["no_positive"])
    page = login(cast.headteacher).get(url + f"?class_group={group.pk}")
    assert [row["family__name"] for row in page.context["page"].object_list] == ["Family Oak"]


def test_an_unknown_list_is_404_and_a_teacher_is_refused(cast, login):
    url = reverse("dashboards:dashboard-attention-list", args=["nonsense"])
    assert login(cast.headteacher).get(url).status_code == 404
    url = reverse("dashboards:dashboard-attention-list", args=["due_contact"])
    assert login(cast.teacher).get(url).status_code == 403
