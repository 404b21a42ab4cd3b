"""A parent's own compass: three plain questions through their link (no second check, so nothing
about a child and no name but the school's and their first name), kept apart from the staff's
placements, shown beside them on the family page, and where the two differ most on the school
dashboard (small numbers hidden)."""

import pytest
from django.urls import reverse

from dashboards.authority import HIDDEN
from family_voice.models import ParentCompass, Purpose
from tests import factories
from tests.family_voice.conftest import link_path, make_link

pytestmark = pytest.mark.usefixtures("compass_defaults")
DASHBOARD = reverse("dashboards:dashboard")
DIFFER = reverse("family_voice:views-differ")


def _answer(communication=2, access=3, attitude=1, words=""):
    return {
        "communication": communication,
        "access": access,
        "attitude": attitude,
        "words": words,
    }


@pytest.fixture
def mums_link(cast, fam):
    made = make_link(cast, fam[1], Purpose.COMPASS)
    return link_path(made.url)


def test_the_page_opens_with_no_check_and_shows_no_child_and_no_other_name(
    cast, fam, client, mums_link
):
    factories.PlacementFactory(
        school_family=fam[0], placed_by=cast.pastoral, evidence="Two calls, both returned."
    )
    page = client.get(mums_link)
    assert page.status_code == 200
    text = page.text
    assert "Hello Ailsa" in text and "Riverside Primary" in text
    assert "How easy is it to talk to the school?" in text and "Very hard" in text
    # No child, no surname, no other adult, no member of staff, no placement.
    for word in ("Isla", "Rowan", "Euan", "Pastoral", "Two calls", "Getting to know", "partners"):
        assert word not in text, word
    assert "Parent Compass" not in text


def test_saving_keeps_the_three_answers_and_their_words(cast, fam, client, mums_link):
    response = client.post(mums_link, _answer(words="They never ring   back."))
    assert response.status_code == 200
    assert "Thank you for telling us." in response.text
    assert "Quite hard" in response.text and "Not at all" in response.text
    answer = ParentCompass.objects.get()
    assert (answer.communication, answer.access, answer.attitude) == (2, 3, 1)
    assert answer.words == "They never ring back."
    assert (answer.parent, answer.family, answer.school) == (fam[1], fam[0].family, cast.school)
    assert answer.history.first().history_user is None
    # The page then shows their own last answers; their words only as they send them (the
    # page asks no check, and a link can be passed on).
    again = client.get(mums_link).text
    assert "Last time, on" in again and "Quite hard" in again
    assert "They never ring back." not in again and "a few words of your own" in again


def test_each_answer_is_a_new_row_but_one_sent_twice_is_kept_once(client, mums_link):
    client.post(mums_link, _answer())
    client.post(mums_link, _answer())
    assert ParentCompass.objects.count() == 1
    client.post(mums_link, _answer(communication=4))
    assert list(ParentCompass.objects.order_by("pk").values_list("communication", flat=True)) == [
        2,
        4,
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"communication": 2, "access": 3}, "Choose one answer."),
        (_answer(attitude=5), "Choose one of the answers in the list."),
        (_answer(access="1; DROP TABLE"), "Choose one of the answers in the list."),
        (_answer(words="w" * 301), "300 letters at most"),
    ],
)
def test_bad_answers_are_said_next_to_the_question_and_nothing_is_saved(
    client, mums_link, data, message
):
    response = client.post(mums_link, data)
    assert response.status_code == 400
    assert message in response.text
    assert not ParentCompass.objects.exists()


def _give(cast, parent, *, steps=(2, 3, 1), words=""):
    return ParentCompass.objects.create(
        school=cast.school,
        family=parent.family,
        parent=parent,
        communication=steps[0],
        access=steps[1],
        attitude=steps[2],
        words=words,
    )


def _family_page(fam):
    return reverse("families:family-detail", args=[fam[0].family_id])


def _block(text):
    return text.split('id="parent-compass"', 1)[1].split("</section>", 1)[0]


def test_the_family_page_shows_both_views_side_by_side(cast, fam, login):
    factories.PlacementFactory(
        school_family=fam[0], placed_by=cast.pastoral, communication=3, access=3, attitude=4
    )
    _give(cast, fam[1], words="They never ring back.")
    block = _block(
        login(cast.pastoral).get(reverse("families:family-detail", args=[fam[0].family_id])).text
    )
    assert "How we see it" in block and "How Ailsa sees it" in block
    assert "Ailsa Rowan" in block and "Euan" not in block  # only parents who answered
    rows = block.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    communication, _access, attitude = rows
    assert "<strong>3</strong>" in communication and "<strong>2</strong>" in communication
    assert "Quite hard" in communication and "1 step lower than ours" in communication
    assert "<strong>4</strong>" in attitude and "3 steps lower than ours" in attitude
    assert "In Ailsa Rowan's own words, through their link" in block
    assert "They never ring back." in block


def test_a_placement_about_the_parent_is_set_beside_their_answers(cast, fam, login):
    factories.PlacementFactory(school_family=fam[0], placed_by=cast.pastoral)
    factories.PlacementFactory(
        school_family=fam[0], placed_by=cast.pastoral, parents=[fam[2]], communication=1
    )
    factories.PlacementFactory(
        school_family=fam[0], placed_by=cast.pastoral, parents=[fam[1]], communication=4
    )
    _give(cast, fam[1])
    _give(cast, fam[2], steps=(1, 1, 1))
    block = _block(
        login(cast.pastoral).get(reverse("families:family-detail", args=[fam[0].family_id])).text
    )
    mum, dad = block.split('data-testid="parent-compass"')[1:]
    assert "Ailsa Rowan" in mum and "placed about Ailsa Rowan" in mum
    assert "2 steps lower than ours" in mum.split("<tbody>")[1].split("</tr>")[0]
    assert "Euan Rowan" in dad and "placed about Euan Rowan" in dad
    assert "The same" in dad.split("<tbody>")[1].split("</tr>")[0]


def test_with_no_answer_the_block_says_how_to_ask(cast, fam, login):
    url = reverse("families:family-detail", args=[fam[0].family_id])
    block = _block(login(cast.pastoral).get(url).text)
    assert "No parent or carer has told us yet how they see things." in block


def test_the_family_page_reads_the_answers_in_a_fixed_number_of_queries(
    cast, fam, login, django_assert_max_num_queries
):
    factories.PlacementFactory(school_family=fam[0], placed_by=cast.pastoral)
    url = reverse("families:family-detail", args=[fam[0].family_id])
    client = login(cast.pastoral)
    counts = []
    _give(cast, fam[1])
    for n in (2, 6):
        while ParentCompass.objects.values("parent").distinct().count() < n:
            _give(cast, factories.ParentCarerFactory(family=fam[0].family))
        older = _give(cast, fam[1], steps=(4, 4, 4))  # an older answer is not shown
        ParentCompass.objects.filter(pk=older.pk).update(given_at=older.given_at.replace(year=2020))
        client.get(url)
        with django_assert_max_num_queries(80) as captured:
            text = client.get(url).text
        assert _block(text).count('data-testid="parent-compass"') == n
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# The school dashboard.


def _family(cast, name, staff_steps, parent_steps, *, more_parents=()):
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name=name)
    factories.PlacementFactory(
        school_family=school_family,
        placed_by=cast.pastoral,
        communication=staff_steps[0],
        access=staff_steps[1],
        attitude=staff_steps[2],
    )
    for steps in (parent_steps, *more_parents):
        parent = factories.ParentCarerFactory(family=school_family.family)
        _give(cast, parent, steps=steps)
    return school_family


def _panel(text):
    return text.split('data-testid="views-differ"', 1)[1].split("</section>", 1)[0]


def test_the_dashboard_shows_where_the_views_differ_most(cast, login):
    for n in range(4):
        _family(cast, f"Family Calm {n}", (3, 3, 3), (3, 3, 2))
    widest = _family(cast, "Family Apart", (4, 4, 4), (1, 2, 1), more_parents=[(4, 4, 4)])
    client = login(cast.headteacher)
    # The dashboard draws the block after it is shown (costing the dashboard no query).
    assert DIFFER in client.get(DASHBOARD).text
    panel = _panel(client.get(DIFFER, headers={"HX-Request": "true"}).text)
    assert "Where parents see it differently" in panel
    levers = panel.split('data-testid="views-differ-levers"', 1)[1].split("</table>", 1)[0]
    # Six parents' latest answers in five families, parent minus school: communication
    # (0 * 4 - 3 + 0) / 6, access (0 * 4 - 2 + 0) / 6, attitudes (-1 * 4 - 3 + 0) / 6.
    assert levers.count(">5<") == 3
    assert ">-0.5<" in levers and ">-0.3<" in levers and ">-1.2<" in levers
    families = panel.split('data-testid="views-differ-families"', 1)[1]
    first = families.split("<tr>")[2]
    assert "Family Apart" in first
    assert reverse("families:family-detail", args=[widest.family_id]) in first
    assert "-3" in first and "-2" in first
    assert HIDDEN not in panel


def test_the_dashboard_hides_small_numbers(cast, login):
    for n in range(3):
        _family(cast, f"Family Few {n}", (4, 4, 4), (1, 1, 1))
    panel = _panel(login(cast.headteacher).get(DIFFER).text)
    assert HIDDEN in panel
    assert "Family Few" not in panel and ">-3<" not in panel
    assert 'data-testid="views-differ-families"' not in panel


def test_the_dashboard_counts_only_a_latest_answer_and_a_standing_placement(cast, login):
    for n in range(5):
        school_family = _family(cast, f"Family {n}", (2, 2, 2), (2, 2, 2))
    parent = school_family.family.parents.get()
    older = _give(cast, parent, steps=(4, 4, 4))
    ParentCompass.objects.filter(pk=older.pk).update(given_at=older.given_at.replace(year=2020))
    panel = _panel(login(cast.headteacher).get(DIFFER).text)
    assert "+0.0" in panel
    assert 'data-testid="views-differ-families"' not in panel  # no gap anywhere


def test_the_dashboard_panel_keeps_to_its_query_budget(cast, login, django_assert_max_num_queries):
    client = login(cast.headteacher)
    counts = []
    for total in (5, 12):
        n = 0
        while ParentCompass.objects.values("family").distinct().count() < total:
            _family(cast, f"Family Q{total}-{n}", (3, 3, 3), (n % 4 + 1, 2, 3))
            n += 1
        client.get(DIFFER)
        with django_assert_max_num_queries(12) as captured:
            text = client.get(DIFFER).text
        assert "Where parents see it differently" in text
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_a_member_of_staff_who_may_not_see_the_dashboard_gets_no_panel(cast, login):
    _family(cast, "Family Apart", (4, 4, 4), (1, 1, 1))
    assert login(cast.teacher).get(DASHBOARD).status_code == 403
    assert login(cast.teacher).get(DIFFER).status_code == 403
