"""The whole family page, with the compass and meetings blocks on, in a fixed number of queries."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def family(cast, compass_defaults):
    school_family = factories.SchoolFamilyFactory(school=cast.school, key_contact=cast.pastoral)
    child = factories.ChildFactory(school=cast.school, family=school_family.family)
    factories.ChildParentFactory(child=child)
    return school_family


def _add_rows(cast, school_family, n):
    parent = school_family.family.parents.first()
    for _ in range(n):
        factories.ContactFactory(
            school=cast.school, family=school_family.family, staff=cast.pastoral
        ).parents.add(parent)
        factories.PlacementFactory(
            school_family=school_family, placed_by=cast.pastoral, parents=[parent]
        )
        factories.MeetingFactory(
            school=cast.school, family=school_family.family, chair=cast.pastoral
        ).children.add(*school_family.family.children.all())


def test_family_page_queries_do_not_grow_with_placements_meetings_or_contacts(
    login, cast, family, django_assert_max_num_queries
):
    client = login(cast.pastoral)
    url = reverse("families:family-detail", args=[family.family_id])
    _add_rows(cast, family, 2)
    client.get(url)  # a running server has the content types cached already
    # The budget is every page under 25 queries, the per-request ones included; this
    # page makes 17 here (no legal hold, complaint, amendment or days to avoid to read), and is
    # held to that with one to spare.
    with django_assert_max_num_queries(18) as small:
        first = client.get(url)
    _add_rows(cast, family, 8)
    with django_assert_max_num_queries(18) as large:  # every entry: 30, beyond the first 20
        second = client.get(url, {"limit": 40})
    assert first.status_code == second.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    # The compass block and the chronology share one read of the placements, withdrawn ones
    # (shown collapsed in the chronology only) included.
    placement_reads = [
        q
        for q in large.captured_queries
        if q["sql"].startswith('SELECT "compass_placement"."id"')
        and '"compass_placement"."withdrawn_at" IS NOT NULL' not in q["sql"]
    ]
    assert len(placement_reads) == 1
    assert second.text.count("Compass placement") >= 10
    # The children's links to their parents and the parents' links to their children are one
    # read of the family's links.
    link_reads = [
        q for q in large.captured_queries if q["sql"].startswith('SELECT "families_childparent"')
    ]
    assert len(link_reads) == 1


def test_a_family_placed_many_times_has_its_placements_read_once(
    login, cast, family, django_assert_max_num_queries
):
    """The chronology shows twenty entries and the compass block up to fifty placements: the
    one read serves both, however many placements the family has."""
    parent = family.family.parents.first()
    for _ in range(25):
        factories.PlacementFactory(school_family=family, placed_by=cast.pastoral, parents=[parent])
    client = login(cast.pastoral)
    url = reverse("families:family-detail", args=[family.family_id])
    client.get(url)
    with django_assert_max_num_queries(18) as counted:
        response = client.get(url)
    read = 'SELECT "compass_placement"."id"'
    placement_reads = [q for q in counted.captured_queries if q["sql"].startswith(read)]
    assert len(placement_reads) == 1
    # The chronology still shows its first twenty, and offers the older ones.
    assert response.text.count('class="timeline-entry') == 20
    assert "Show older entries" in response.text
