"""The family list: who sees it, filters, name search by POST, ordering and query budget."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from families.models import SchoolFamily
from families.services import contact_log
from tests import factories
from tests.families.conftest import make_family

URL = reverse("families:family-list")


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_family_roles_see_the_list(cast, fam, login, role):
    response = login(getattr(cast, role)).get(URL)
    assert response.status_code == 200
    assert "Family Rowan" in response.text


@pytest.mark.parametrize("role", ["authority_officer", "admin"])
def test_roles_without_families_get_403(cast, fam, login, role):
    assert login(getattr(cast, role)).get(URL).status_code == 403


def test_outsider_does_not_see_this_schools_families(cast, fam, login):
    response = login(cast.outsider_teacher).get(URL)
    assert response.status_code == 200
    assert "Family Rowan" not in response.text


def test_anonymous_goes_to_login(client, cast):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_post_to_the_list_is_405(cast, login):
    assert login(cast.teacher).post(URL).status_code == 405


def test_search_get_is_405(cast, login):
    assert login(cast.teacher).get(reverse("families:family-search")).status_code == 405


def test_teacher_sees_only_their_pupils_families(cast, fam, login):
    make_family(cast, name="Family Birch")
    response = login(cast.teacher).get(URL)
    assert "Family Rowan" in response.text
    assert "Family Birch" not in response.text


def test_teacher_sees_key_contact_family(cast, login):
    other = make_family(cast, name="Family Birch")
    SchoolFamily.objects.filter(pk=other.school_family.pk).update(key_contact=cast.teacher)
    assert "Family Birch" in login(cast.teacher).get(URL).text


def _key_contact_cells(text):
    rows = re.findall(r"<tr>.*?</tr>", text, re.S)
    return {
        re.search(r">(Family \w+)[^<]*</a>", row).group(1): re.search(
            r'data-label="Key contact">([^<]*)</td>', row
        ).group(1)
        for row in rows
        if 'data-label="Key contact"' in row
    }


def test_each_row_names_its_key_contact_or_says_none_is_named(cast, login):
    cast.school.staff_see_all_families = True
    cast.school.save()
    named = make_family(cast, name="Family Aspen")
    make_family(cast, name="Family Birch")
    SchoolFamily.objects.filter(family__name="Family Birch").update(key_contact=None)
    cast.pastoral.first_name, cast.pastoral.last_name = "Morag", "Baird"
    cast.pastoral.save()
    SchoolFamily.objects.filter(pk=named.school_family.pk).update(key_contact=cast.pastoral)
    client = login(cast.teacher)
    listed = _key_contact_cells(client.get(URL).text)
    assert listed == {"Family Aspen": "Morag Baird", "Family Birch": "Not named yet"}
    client.post(reverse("families:family-search"), {"q": "Family"})
    assert _key_contact_cells(client.get(URL).text) == listed


def test_school_setting_lets_staff_see_all_and_own_pupils_come_first(cast, login):
    cast.school.staff_see_all_families = True
    cast.school.save()
    make_family(cast, name="Family Aspen")
    make_family(cast, name="Family Zed", teacher=cast.teacher)
    text = login(cast.teacher).get(URL).text
    assert text.index("Family Zed") < text.index("Family Aspen")


def test_search_by_post_keeps_names_out_of_the_url(cast, fam, login):
    make_family(cast, name="Family Birch")
    fam.mum.last_name = "Quillan"
    fam.mum.save()
    client = login(cast.pastoral)
    response = client.post(reverse("families:family-search"), {"q": "quillan", "filters": ""})
    assert response.status_code == 302
    assert "quillan" not in response["Location"].lower()
    text = client.get(response["Location"]).text
    assert "Family Rowan" in text
    assert "Family Birch" not in text
    client.post(reverse("families:family-search"), {"q": "", "clear": "1"})
    assert "Family Birch" in client.get(URL).text


def test_search_keeps_filters_but_drops_unknown_parameters(cast, fam, login):
    client = login(cast.pastoral)
    response = client.post(
        reverse("families:family-search"), {"q": "Robin", "filters": "sort=quiet&name=Robin"}
    )
    assert response["Location"] == f"{URL}?sort=quiet"


def test_filter_by_tone_and_interpreter(cast, fam, login):
    other = make_family(cast, name="Family Birch")
    SchoolFamily.objects.filter(pk=fam.school_family.pk).update(
        last_contact_tone="concern",
        last_contact_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
    )
    other.dad.interpreter_needed = True
    other.dad.save()
    client = login(cast.pastoral)
    text = client.get(URL, {"last_tone": "concern"}).text
    assert "Family Rowan" in text and "Family Birch" not in text
    text = client.get(URL, {"interpreter": "on"}).text
    assert "Family Birch" in text and "Family Rowan" not in text
    text = client.get(URL, {"last_tone": "none"}).text
    assert "Family Birch" in text and "Family Rowan" not in text


def test_filter_by_class_and_looked_after(cast, fam, login):
    other = make_family(cast, name="Family Birch")
    other.child.looked_after = True
    other.child.save()
    client = login(cast.headteacher)
    text = client.get(URL, {"class_group": fam.class_group.pk}).text
    assert "Family Rowan" in text and "Family Birch" not in text
    text = client.get(URL, {"looked_after": "on"}).text
    assert "Family Birch" in text and "Family Rowan" not in text


@time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_quiet_weeks_and_no_positive_this_term(cast, fam, login):
    other = make_family(cast, name="Family Birch")
    recent = datetime.datetime(2026, 3, 5, tzinfo=datetime.UTC)
    SchoolFamily.objects.filter(pk=fam.school_family.pk).update(
        last_contact_at=recent, last_positive_at=recent
    )
    old = datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)
    SchoolFamily.objects.filter(pk=other.school_family.pk).update(
        last_contact_at=old, last_positive_at=old
    )
    client = login(cast.pastoral)
    text = client.get(URL, {"quiet_weeks": 4}).text
    assert "Family Birch" in text and "Family Rowan" not in text
    text = client.get(URL, {"no_positive_this_term": "on"}).text
    assert "Family Birch" in text and "Family Rowan" not in text


def test_a_filter_by_date_is_built_once_and_follows_the_clock(cast, fam, login):
    """The date filters' cut-offs are the kept read's named values (families.views.lists): built
    once, the same SQL then answers for a later day."""
    from families.views import lists

    lists._rows_by_cutoffs.clear()
    other = make_family(cast, name="Family Birch")
    SchoolFamily.objects.filter(pk=fam.school_family.pk).update(
        last_contact_at=datetime.datetime(2026, 3, 5, tzinfo=datetime.UTC)
    )
    SchoolFamily.objects.filter(pk=other.school_family.pk).update(
        last_contact_at=datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)
    )
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)):
        text = login(cast.pastoral).get(URL, {"quiet_weeks": 4}).text
    assert "Family Birch" in text and "Family Rowan" not in text
    with time_machine.travel(datetime.datetime(2026, 4, 20, 12, tzinfo=datetime.UTC)):
        # Signed in afresh each time: six weeks on, the session is over.
        text = login(cast.pastoral).get(URL, {"quiet_weeks": 4}).text
    assert "Family Birch" in text and "Family Rowan" in text
    client = login(cast.pastoral)
    for query in (
        {"no_positive_weeks": 2},
        {"due_contact": "on"},
        {"no_positive_this_term": "on"},
        {"my_follow_ups": "on", "quiet_weeks": 3, "sort": "quiet"},
    ):
        assert client.get(URL, query).status_code == 200
    # A list's first pages are prepared reads: every list here was one.
    assert all(first for _, first in lists._rows_by_cutoffs)
    kept = {names: read._kept for (names, _), read in lists._rows_by_cutoffs.items()}
    assert set(kept) == {
        frozenset({"quiet_since"}),
        frozenset({"positive_since"}),
        frozenset({"due_general", "due_enhanced", "due_intensive"}),
        frozenset({"term_start"}),
        frozenset({"follow_ups_by", "quiet_since"}),
    }
    # Every one kept, none built afresh on each page; the two days' lists shared one build.
    assert all(kept.values())
    assert all(read.complete for shapes in kept.values() for read in shapes.values())
    assert len(kept[frozenset({"quiet_since"})]) == 1


def test_the_lists_reads_keep_few_shapes_and_prepare_only_the_first_pages(cast, login, monkeypatch):
    """Shapes from the query string are unbounded: the list's reads keep MAX_SHAPES between
    them, as one read would; pages past the first two are planned on each run, not kept as
    statements of their connection."""
    from families.views import lists

    lists._rows_by_cutoffs.clear()
    monkeypatch.setattr(lists, "MAX_SHAPES", 3)
    for n in range(51):
        make_family(cast, name=f"Family {n:02d}")
    client = login(cast.pastoral)
    for query in (
        {"sort": "name"},
        {"sort": "quiet"},
        {"quiet_weeks": 2},
        {"sort": "recent"},
        {"page": 3},
        {"page": 2},
    ):
        assert client.get(URL, query).status_code == 200
        assert sum(read.shapes for read in lists._rows_by_cutoffs.values()) <= 3
    assert "Family 50" in client.get(URL, {"page": 3}).text
    assert {(names, read.prepare) for (names, _), read in lists._rows_by_cutoffs.items()} == {
        (frozenset(), True),
        (frozenset({"quiet_since"}), True),
        (frozenset(), False),
    }


def test_each_row_has_a_one_click_log_contact_link(cast, fam, login):
    text = login(cast.teacher).get(URL).text
    assert reverse("families:contact-add", args=[fam.family.pk]) in text


def test_pagination(cast, login):
    for n in range(27):
        make_family(cast, name=f"Family {n:02d}")
    client = login(cast.pastoral)
    assert "Family 26" not in client.get(URL).text
    second = client.get(URL, {"page": 2}).text
    assert "Family 26" in second and "Page 2 of 2" in second
    assert "(27)" in second  # the total, counted with the page's rows
    # A stale link past the end shows the last page; nonsense shows the first.
    assert "Family 26" in client.get(URL, {"page": 9}).text
    assert "Family 00" in client.get(URL, {"page": "x"}).text


def test_families_nav_item_shows_for_family_roles_only(cast, login, client):
    assert URL in login(cast.teacher).get(reverse("home")).text
    client.logout()
    assert URL not in login(cast.authority_officer).get(reverse("home")).text


@pytest.mark.parametrize("families", [2, 8])
def test_list_query_count_does_not_grow(cast, login, django_assert_max_num_queries, families):
    for n in range(families):
        setup = make_family(cast, name=f"Family {n}", teacher=cast.teacher)
        factories.ChildFactory(school=cast.school, family=setup.family)
        SchoolFamily.objects.filter(pk=setup.school_family.pk).update(key_contact=cast.pastoral)
        for level in ("school", "pastoral"):
            contact_log(
                school=cast.school,
                family=setup.family,
                staff=cast.pastoral,
                parents=[setup.mum],
                summary="Checked in.",
                confidentiality=level,
                confidentiality_reason="Health" if level == "pastoral" else "",
            )
    client = login(cast.teacher)
    # The first list of a session also notes in it which read to try first (one write).
    client.get(URL)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"sort": "quiet"})
    assert response.text.count("Log contact<") == families


def _good_week(cast, fam):
    """A positive contact on 5 January that every teacher may read."""
    contact_log(
        school=cast.school,
        family=fam.family,
        parents=[fam.mum],
        staff=cast.teacher,
        tone="positive",
        summary="Good week.",
        occurred_at=datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC),
    )


def _private_concern(cast, fam):
    """A concern on 9 February that only the pastoral team may read."""
    contact_log(
        school=cast.school,
        family=fam.family,
        parents=[fam.mum],
        staff=cast.pastoral,
        tone="concern",
        summary="Private.",
        confidentiality="pastoral",
        confidentiality_reason="Health",
        occurred_at=datetime.datetime(2026, 2, 9, 10, tzinfo=datetime.UTC),
    )


def test_confidential_contact_leaves_no_trace_in_a_teachers_list(cast, fam, login):
    _good_week(cast, fam)
    _private_concern(cast, fam)
    teacher = login(cast.teacher)
    text = teacher.get(URL).text
    assert "5 Jan 2026" in text and "9 Feb 2026" not in text
    assert "1 : 0 : 0" in text
    assert "Family Rowan" not in teacher.get(URL, {"last_tone": "concern"}).text
    text = login(cast.pastoral).get(URL).text
    assert "9 Feb 2026" in text and "1 : 0 : 1" in text


@pytest.mark.parametrize("query", [{}, {"last_tone": "concern"}, {"last_tone": "positive"}])
def test_a_contact_hidden_since_the_last_list_is_not_shown(cast, fam, login, query):
    """The list tries first the read that was right last time (kept in the session): with
    nothing hidden then, it reads the stored summaries, asking the test again in the same
    query. A confidential contact recorded since is caught there (or, on an empty page, by one
    more read) and the rows are worked out again."""
    from families.views import lists

    _good_week(cast, fam)
    teacher = login(cast.teacher)
    assert "5 Jan 2026" in teacher.get(URL).text
    assert not any(teacher.session.get(lists.HIDDEN_KEY, {}).values())
    _private_concern(cast, fam)
    text = teacher.get(URL, query).text
    assert "9 Feb 2026" not in text
    if query.get("last_tone") == "concern":
        assert "Family Rowan" not in text
    else:
        assert "5 Jan 2026" in text and "1 : 0 : 0" in text and "Family Rowan" in text
    assert teacher.session[lists.HIDDEN_KEY] == {str(cast.school.pk): True}
    # Worked out from then on, and still right.
    text = teacher.get(URL).text
    assert "5 Jan 2026" in text and "9 Feb 2026" not in text


def test_filter_by_key_contact_and_year(cast, fam, login):
    other = make_family(cast, name="Family Birch")
    other.child.year_group = "P7"
    other.child.save()
    SchoolFamily.objects.filter(pk=fam.school_family.pk).update(key_contact=cast.pastoral)
    client = login(cast.headteacher)
    text = client.get(URL, {"key_contact": cast.pastoral.pk}).text
    assert "Family Rowan" in text and "Family Birch" not in text
    text = client.get(URL, {"year_group": "P7"}).text
    assert "Family Birch" in text and "Family Rowan" not in text
    assert "Any class" in text


def test_the_filter_form_keeps_what_was_chosen_and_says_what_is_wrong(cast, fam, login):
    client = login(cast.pastoral)
    text = client.get(
        URL,
        {"class_group": fam.class_group.pk, "last_tone": "concern", "interpreter": "on"},
    ).text
    assert f'<option value="{fam.class_group.pk}" selected>' in text
    assert '<option value="concern" selected>' in text
    assert re.search(r'name="interpreter"[^>]* checked', text)
    assert '<label for="id_quiet_weeks" class="form-label">' in text
    text = client.get(URL, {"quiet_weeks": "0"}).text
    assert 'aria-describedby="id_quiet_weeks_error"' in text
    assert re.search(r'id="id_quiet_weeks_error"[^>]*>[^<]*greater than or equal to 1', text)
    assert 'value="0"' in text


def test_a_year_filter_applies_once_the_year_has_pupils(cast, login):
    """The list's read is kept per filter (portal.compiled): a year asked for before any pupil
    is in it (a bookmark before the new intake) must not keep the unfiltered list once it has
    pupils."""
    make_family(cast, name="Family Ash")
    client = login(cast.pastoral)
    before = client.get(URL, {"year_group": "P7"}).text
    assert "Family Ash" in before  # no such year yet: the filter is refused, the list shown
    newcomers = make_family(cast, name="Family Birch")
    newcomers.child.year_group = "P7"
    newcomers.child.save()
    after = client.get(URL, {"year_group": "P7"}).text
    assert "Family Birch" in after
    assert "Family Ash" not in after


def test_the_pickers_offer_this_schools_classes_and_family_workers_only(cast, fam, login):
    elsewhere = factories.ClassGroupFactory(school=cast.other_school, name="Hillside 4B")
    text = login(cast.pastoral).get(URL, {"key_contact": cast.pastoral.pk}).text
    picker = re.search(r'<select name="key_contact".*?</select>', text, re.S).group(0)
    offered = re.findall(r'<option value="(\d*)"( selected)?>', picker)
    staff = {cast.teacher.pk, cast.pastoral.pk, cast.headteacher.pk}
    assert {int(v) for v, _ in offered if v} == staff
    assert offered[0] == ("", "") and (str(cast.pastoral.pk), " selected") in offered
    classes = re.search(r'<select name="class_group".*?</select>', text, re.S).group(0)
    assert f'<option value="{fam.class_group.pk}">{fam.class_group}</option>' in classes
    assert "Any class" in classes and elsewhere.name not in classes
    # A class of another school is refused as the list's own would be: not a choice.
    text = login(cast.pastoral).get(URL, {"class_group": elsewhere.pk}).text
    assert "Select a valid choice" in text


def test_two_schools_in_turn_each_offer_and_accept_only_their_own(cast, fam, login):
    """The filters' form class is built once per process and its filters are shared: each
    school's classes, years and staff are set on each page's own form. Two schools' lists, one
    after the other and back, each offer and accept only their own."""
    from families.filters import FamilyFilter

    hill_class = factories.ClassGroupFactory(school=cast.other_school, name="Hillside 4B")
    hill = make_family(cast, name="Family Heath")
    hill.child.delete()
    factories.ChildFactory(
        school=cast.other_school, family=hill.family, class_group=hill_class, year_group="S2"
    )
    factories.SchoolFamilyFactory(school=cast.other_school, family=hill.family)
    fam.child.year_group = "P5"
    fam.child.save()

    def picker(text, name):
        return re.search(rf'<select name="{name}".*?</select>', text, re.S).group(0)

    for _ in range(2):
        here = login(cast.pastoral).get(URL, {"year_group": "P5"}).text
        assert "Family Rowan" in here
        assert "P5" in picker(here, "year_group") and "S2" not in picker(here, "year_group")
        assert fam.class_group.name in picker(here, "class_group")
        assert "Hillside 4B" not in picker(here, "class_group")
        assert cast.outsider_pastoral.get_full_name() not in picker(here, "key_contact")
        refused = login(cast.pastoral).get(
            URL, {"class_group": hill_class.pk, "key_contact": cast.outsider_pastoral.pk}
        )
        assert refused.text.count("Select a valid choice") == 2

        there = login(cast.outsider_pastoral).get(URL, {"class_group": hill_class.pk}).text
        assert "Family Heath" in there and "Family Rowan" not in there
        assert "Hillside 4B" in picker(there, "class_group")
        assert fam.class_group.name not in picker(there, "class_group")
        assert "S2" in picker(there, "year_group") and "P5" not in picker(there, "year_group")
        assert cast.outsider_pastoral.get_full_name() in picker(there, "key_contact")
        assert cast.pastoral.get_full_name() not in picker(there, "key_contact")
        assert "Select a valid choice" in (
            login(cast.outsider_pastoral).get(URL, {"year_group": "P5"}).text
        )

    # Nothing of either school was left on what the filter sets share.
    declared = FamilyFilter.base_filters
    assert "choices" not in declared["year_group"].extra
    assert not declared["class_group"].extra["queryset"].exists()
    assert declared["key_contact"].extra["queryset"] is None
    one = FamilyFilter(None, school=cast.school, user=cast.pastoral)
    two = FamilyFilter(None, school=cast.other_school, user=cast.outsider_pastoral)
    assert one.filters["mine"] is not two.filters["mine"]
    assert one.filters["mine"].filter.f is one.filters["mine"]  # its method is the set's own
    assert one.form.fields["class_group"] is not two.form.fields["class_group"]


def test_the_pupils_read_for_a_page_are_those_the_prefetch_gives(cast, fam, login):
    """The list's page reads its families' pupils with one kept read (with_pupils): the same
    pupils, in the same order, as for_list's prefetch, which the name search still uses."""
    from families.models import with_pupils

    other = make_family(cast, name="Family Birch")
    factories.ChildFactory(school=cast.school, family=other.family, first_name="Ailsa")
    factories.ChildFactory(
        school=cast.school,
        family=other.family,
        first_name="Left",
        left_on=datetime.date(2025, 6, 30),
    )
    factories.ChildFactory(school=cast.other_school, family=other.family, first_name="Elsewhere")
    empty = make_family(cast, name="Family Cedar")
    empty.child.left_on = datetime.date(2025, 6, 30)
    empty.child.save()

    def named(rows):
        return {row.family.name: [c.first_name for c in row.family.pupils] for row in rows}

    rows = SchoolFamily.objects.filter(school=cast.school).for_list(cast.teacher, cast.school)
    prefetched = named(rows)
    read = named(
        with_pupils(
            list(
                SchoolFamily.objects.filter(school=cast.school).for_list(
                    cast.teacher, cast.school, pupils=False
                )
            ),
            cast.school,
        )
    )
    assert read == prefetched
    assert read["Family Birch"] == ["Ailsa", "Robin"]
    assert read["Family Cedar"] == []
    text = login(cast.pastoral).get(URL).text
    assert "Ailsa" in text and "Left " not in text and "Elsewhere" not in text
