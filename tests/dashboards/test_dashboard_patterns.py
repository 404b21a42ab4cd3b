"""Point 16 on the dashboard: where the school's concerns cluster, by subject, time of day and
member of staff, for those who see the dashboard, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import Contact, Tone
from families.services import contact_log
from portal.models import School
from tests import factories
from tests.families.conftest import make_family

URL = "dashboards:dashboard-patterns"

pytestmark = pytest.mark.usefixtures("compass_defaults")


def _table(body: str, testid: str) -> str:
    start = body.index(f'data-testid="{testid}"')
    return body[start : body.index("</table>", start)]


def _concern(cast, fam, *, staff, subject, lesson="", days=1, **kwargs):
    return contact_log(
        school=cast.school,
        family=fam.family,
        staff=staff,
        parents=[fam.mum],
        tone=kwargs.pop("tone", Tone.CONCERN),
        purpose=Contact.Purpose.BEHAVIOUR,
        subject=subject,
        lesson=lesson,
        occurred_at=timezone.now() - datetime.timedelta(days=days),
        summary="A hard lesson; talked it through with mum.",
        **kwargs,
    )


@pytest.fixture
def history_cluster(cast):
    """Case 3 across the school: Simon's and another pupil's concerns arise in History."""
    cast.school.stage = School.Stage.SECONDARY
    cast.school.save()
    history = factories.UserFactory(first_name="Hamish", last_name="Hume")
    factories.MembershipFactory(user=history, school=cast.school)
    simon = make_family(cast, name="Simon's family")
    other = make_family(cast, name="Ola's family")
    for fam, lesson in ((simon, "period_3"), (simon, "period_3"), (other, "period_3")):
        _concern(cast, fam, staff=history, subject="History", lesson=lesson)
    _concern(cast, other, staff=cast.pastoral, subject="English", lesson="lunch")
    _concern(cast, other, staff=cast.pastoral, subject="English", tone=Tone.POSITIVE)
    return simon, other, history


@pytest.mark.parametrize("role", ["headteacher", "pastoral"])
def test_dashboard_roles_see_the_page(login, cast, role):
    assert login(getattr(cast, role)).get(reverse(URL)).status_code == 200


@pytest.mark.parametrize("role", ["teacher", "authority_officer", "admin"])
def test_other_roles_get_403(login, cast, role):
    assert login(getattr(cast, role)).get(reverse(URL)).status_code == 403


def test_headteacher_sees_history_as_the_cluster(login, cast, history_cluster):
    html = login(cast.headteacher).get(reverse(URL)).text
    by_subject = _table(html, "concerns-by-subject")
    assert by_subject.index("History") < by_subject.index("English")
    assert '<th scope="row">History</th><td class="text-end">3</td>' in by_subject
    assert '<th scope="row">English</th><td class="text-end">1</td>' in by_subject
    by_lesson = _table(html, "concerns-by-lesson")
    assert '<th scope="row">Period 3</th><td class="text-end">3</td>' in by_lesson
    by_staff = _table(html, "concerns-by-staff")
    assert '<th scope="row">Hamish Hume</th><td class="text-end">3</td>' in by_staff
    assert "4 concerns logged in this period." in html


def test_pastoral_sees_the_subjects_but_only_their_own_row_by_staff(login, cast, history_cluster):
    html = login(cast.pastoral).get(reverse(URL)).text
    assert "History" in _table(html, "concerns-by-subject")
    by_staff = _table(html, "concerns-by-staff")
    assert "Hamish Hume" not in by_staff
    assert '<td class="text-end">1</td>' in by_staff


def test_the_dashboard_filters_narrow_the_families(login, cast, history_cluster):
    simon, _, _ = history_cluster
    html = login(cast.headteacher).get(reverse(URL), {"class_group": simon.class_group.pk}).text
    assert "English" not in _table(html, "concerns-by-subject")
    assert '<th scope="row">History</th><td class="text-end">2</td>' in html


def test_a_school_with_no_concerns_says_so(login, cast):
    html = login(cast.headteacher).get(reverse(URL)).text
    assert 'data-testid="no-concerns"' in html


def test_another_schools_concerns_never_count(login, cast, history_cluster):
    other = factories.SchoolFamilyFactory(school=cast.other_school)
    parent = factories.ParentCarerFactory(family=other.family)
    contact_log(
        school=cast.other_school,
        family=other.family,
        staff=cast.outsider_teacher,
        parents=[parent],
        tone=Tone.CONCERN,
        subject="Geography",
        summary="A hard lesson.",
    )
    html = login(cast.headteacher).get(reverse(URL)).text
    assert "Geography" not in html


def test_the_query_count_does_not_grow_with_concerns(
    login, cast, history_cluster, django_assert_max_num_queries
):
    simon, other, history = history_cluster
    client = login(cast.headteacher)
    client.get(reverse(URL))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse(URL))
    for n in range(8):
        teacher = factories.UserFactory(first_name=f"T{n}")
        factories.MembershipFactory(user=teacher, school=cast.school)
        _concern(cast, make_family(cast, name=f"F{n}"), staff=teacher, subject=f"S{n}")
    with django_assert_max_num_queries(20) as large:
        response = client.get(reverse(URL))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert "12 concerns logged" in response.text


def test_the_dashboard_tabs_link_to_the_page(login, cast):
    html = login(cast.headteacher).get(reverse("dashboards:dashboard")).text
    assert reverse(URL) in html and "Where concerns cluster" in html
