"""Who has not booked, and whom the evening reached: the list, who sees it, the figures by
compass region and communication level, the dashboard panel and the family page's section."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evenings import reach, sections, services
from evenings.models import Booking, Slot
from families.models import Level, SchoolFamily
from family_voice.models import ParentLink
from portal.models import Role
from reaching_out.models import Kind, Message
from tests import factories
from tests.evenings.conftest import EVENING_DAY, at


@pytest.fixture(autouse=True)
def _registered():
    """The dashboard panel and family section, as evenings.apps registers them."""
    sections.register()


def _slot(spring, staff, hour, minute):
    return Slot.objects.get(
        evening=spring.evening, staff=staff, starts_at=at(EVENING_DAY, hour, minute)
    )


def _book(spring, parent, children, staff, hour=15, minute=30, **kwargs):
    return services.booking_make(
        evening=spring.evening,
        slot=_slot(spring, staff, hour, minute),
        parent=parent,
        children=children,
        confirm=False,
        **kwargs,
    )


def _list(spring):
    return reverse("evenings:not-booked", args=[spring.evening.pk])


def _reach(spring):
    return reverse("evenings:reach", args=[spring.evening.pk])


def _names(response) -> set[str]:
    text = response.text
    return {n for n in ("Family Rowan", "Family Khan", "Family Byrne") if n in text}


# The list -----------------------------------------------------------------------------------


def test_the_list_shows_khan_with_an_interpreter_and_not_rowan_once_mum_booked(cast, spring, login):
    _book(spring, spring.mum, [spring.isla], cast.teacher)
    response = login(cast.headteacher).get(_list(spring))
    assert response.status_code == 200
    assert _names(response) == {"Family Khan", "Family Byrne"}
    assert "Needs an interpreter (Urdu)" in response.text
    assert f"?family={spring.khans.family_id}" in response.text
    assert "Book for them" in response.text


def test_a_cancelled_booking_puts_the_family_back_on_the_list(cast, spring, login):
    booking = _book(spring, spring.mum, [spring.isla], cast.teacher)
    services.booking_cancel(booking=booking, by=cast.headteacher)
    assert "Family Rowan" in login(cast.headteacher).get(_list(spring)).text


def test_barriers_show_in_plain_words(cast, spring, login):
    spring.samira.reading = "spoken"
    spring.samira.transport_needs = "No car; two buses"
    spring.samira.work_pattern = "Night shifts"
    spring.samira.good_times = "Weekday mornings"
    spring.samira.save()
    text = login(cast.pastoral).get(_list(spring)).text
    for words in (
        "Prefers things spoken (phone, in person)",
        "Transport: No car; two buses",
        "Work: Night shifts",
        "Good times: Weekday mornings",
    ):
        assert words in text


def test_opened_links_and_failed_messages_show_and_the_hardest_to_reach_come_first(
    cast, spring, login
):
    from evenings.models import Invitation
    from tests.evenings.conftest import evening_link

    made = evening_link(cast, spring.niamh, spring)
    ParentLink.objects.filter(pk=made.link.pk).update(
        times_opened=2, first_opened_at=timezone.now()
    )
    Invitation.objects.filter(evening=spring.evening, parent=spring.niamh).update(link=made.link)
    Message.objects.create(
        school=cast.school,
        family=spring.rowans.family,
        parent=spring.dad,
        kind=Kind.EVENING_INVITE,
        channel="text",
        subject="Parents' evening",
        body="Book here.",
        send_after=timezone.now(),
        state=Message.State.FAILED,
        topic=f"evening:{spring.evening.pk}",
    )
    text = login(cast.headteacher).get(_list(spring)).text
    assert "Invitation opened 2 times" in text
    assert "did not reach them" in text
    assert "Not sent a link" in text  # Sean's restriction, without its words
    assert "Court order" not in text
    # Rowan (a message failed) and Khan (interpreter) before Byrne (link opened).
    assert text.index("Family Byrne") > text.index("Family Rowan")
    assert text.index("Family Byrne") > text.index("Family Khan")


def test_filters_by_barrier_class_region_and_my_families(cast, spring, login, compass_defaults):
    SchoolFamily.objects.filter(pk=spring.khans.pk).update(key_contact=cast.pastoral)
    client = login(cast.pastoral)
    assert _names(client.get(_list(spring), {"barrier": "language"})) == {"Family Khan"}
    assert _names(client.get(_list(spring), {"group": f"c{spring.p5.pk}"})) == {"Family Rowan"}
    assert _names(client.get(_list(spring), {"group": "yP3"})) == {
        "Family Rowan",
        "Family Khan",
        "Family Byrne",
    }
    assert _names(client.get(_list(spring), {"mine": "on"})) == {"Family Khan"}
    factories.PlacementFactory(school_family=spring.byrnes, placed_by=cast.pastoral)
    region = SchoolFamily.objects.get(pk=spring.byrnes.pk).current_region
    assert _names(client.get(_list(spring), {"region": region})) == {"Family Byrne"}
    assert _names(client.get(_list(spring), {"region": "-"})) == {"Family Rowan", "Family Khan"}


def test_a_class_teacher_taking_part_sees_only_their_own_pupils_families(cast, spring, login):
    response = login(spring.p5_teacher).get(_list(spring))
    assert response.status_code == 200
    assert _names(response) == {"Family Rowan"}
    assert "Book for them" not in response.text


def test_the_office_named_on_the_evening_sees_every_family(cast, spring, login):
    office = factories.UserFactory(username="office")
    factories.MembershipFactory(user=office, school=cast.school, role=Role.STAFF)
    spring.evening.office.add(office)
    response = login(office).get(_list(spring))
    assert _names(response) == {"Family Rowan", "Family Khan", "Family Byrne"}


def test_staff_not_taking_part_and_authority_officers_get_403(cast, spring, login):
    other = factories.UserFactory(username="other_teacher")
    factories.MembershipFactory(user=other, school=cast.school, role=Role.STAFF)
    assert login(other).get(_list(spring)).status_code == 403
    assert login(cast.authority_officer).get(_list(spring)).status_code == 403


def test_another_schools_staff_get_404(cast, spring, login):
    assert login(cast.outsider_headteacher).get(_list(spring)).status_code == 404
    assert login(cast.outsider_headteacher).get(_reach(spring)).status_code == 404


def test_anonymous_users_go_to_login(client, spring):
    for url in (_list(spring), _reach(spring)):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response.url


def test_post_is_405(cast, spring, login):
    client = login(cast.headteacher)
    assert client.post(_list(spring)).status_code == 405
    assert client.post(_reach(spring)).status_code == 405


def _more_families(cast, spring, n):
    for i in range(n):
        sf = factories.SchoolFamilyFactory(school=cast.school, family__name=f"Family Extra {i}")
        child = factories.ChildFactory(
            school=cast.school,
            family=sf.family,
            first_name=f"Child{i}",
            class_group=spring.p3,
            year_group="P3",
        )
        parent = factories.ParentCarerFactory(family=sf.family, last_name=f"Extra{i}")
        factories.ChildParentFactory(child=child, parent=parent)
    services.invitations_make(evening=spring.evening)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_and_the_figures_keep_to_their_query_budget(
    cast, spring, login, django_assert_max_num_queries
):
    _book(spring, spring.mum, [spring.isla], cast.teacher)
    client = login(cast.headteacher)
    client.get(_list(spring))  # warm the session
    few = {url: _queries(client, url) for url in (_list(spring), _reach(spring))}
    _more_families(cast, spring, 3)
    for url, count in few.items():
        with django_assert_max_num_queries(16):
            client.get(url)
        assert _queries(client, url) == count
    teacher = login(cast.teacher)
    with django_assert_max_num_queries(18):
        assert teacher.get(_list(spring)).status_code == 200


# Whom the evening reached -------------------------------------------------------------------


def test_reach_counts_by_level_and_region(cast, spring, compass_defaults):
    factories.PlacementFactory(
        school_family=spring.rowans, placed_by=cast.pastoral, level=Level.INTENSIVE
    )
    factories.PlacementFactory(
        school_family=spring.khans,
        placed_by=cast.pastoral,
        level=Level.INTENSIVE,
        communication=1,
        access=1,
        attitude=1,
    )
    rowan_booking = _book(spring, spring.mum, [spring.isla], cast.teacher)
    khan_booking = _book(spring, spring.samira, [spring.amir], cast.teacher, 15, 40)
    services.outcome_record(booking=rowan_booking, outcome="attended", by=cast.teacher)
    services.outcome_record(booking=khan_booking, outcome="missed", by=cast.teacher)
    by_level = reach.reach_counts(spring.evening)
    assert by_level[Level.INTENSIVE] == {"invited": 2, "booked": 2, "came": 1, "missed": 1}
    assert by_level[Level.GENERAL] == {"invited": 1, "booked": 0, "came": 0, "missed": 0}
    rowan, khan = (
        SchoolFamily.objects.get(pk=sf.pk).current_region for sf in (spring.rowans, spring.khans)
    )
    by_region = reach.reach_counts(spring.evening, "current_region")
    assert by_region[""] == {"invited": 1, "booked": 0, "came": 0, "missed": 0}
    if rowan != khan:
        assert by_region[rowan]["came"] == 1
        assert by_region[khan]["missed"] == 1
    assert sum(row["invited"] for row in by_region.values()) == 3


def test_the_reach_page_names_who_booked_least_with_the_schools_own_counts(cast, spring, login):
    _book(spring, spring.mum, [spring.isla], cast.teacher)
    response = login(cast.headteacher).get(_reach(spring))
    assert response.status_code == 200
    assert "hidden to protect small numbers" not in response.text
    assert "1 of 3 invited families booked" in response.text
    assert "General" in response.text and "Not placed yet" in response.text
    assert "Enhanced" not in response.text  # no invited family there
    assert 'data-testid="reach-headline"' in response.text


def test_the_headline_gives_numbers_when_they_are_large_enough(cast, spring):
    rows = reach._table(
        list(Level.choices),
        {
            "general": {"invited": 20, "booked": 15, "came": 12, "missed": 3},
            "intensive": {"invited": 9, "booked": 5, "came": 5, "missed": 0},
            "enhanced": {"invited": 10, "booked": 9, "came": 6, "missed": 3},
        },
    )
    assert rows[-1].invited == 39
    said = reach.headline(rows, rows)
    assert "Families at the “Intensive” level booked least: 5 of 9." in said
    assert rows[0].shown["missed"] == 3  # the school's own families: nothing hidden
    assert rows[2].percent("booked") == 56


def test_only_those_who_run_the_evening_see_the_figures(cast, spring, login):
    assert login(cast.pastoral).get(_reach(spring)).status_code == 200
    assert login(cast.teacher).get(_reach(spring)).status_code == 403
    assert login(cast.authority_officer).get(_reach(spring)).status_code == 403


def test_the_figures_download_as_csv(cast, spring, login):
    response = login(cast.headteacher).get(_reach(spring), {"download": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert b"All invited families" in response.content


# The dashboard and the family page ------------------------------------------------------------


def test_the_dashboard_shows_the_latest_evenings_reach_to_the_headteacher(
    cast, spring, login, time_machine
):
    time_machine.move_to(at(EVENING_DAY + dt.timedelta(days=1), 10), tick=False)
    client = login(cast.headteacher)
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 200
    # The dashboard draws a placeholder that loads the block after it is shown.
    block_url = reverse("evenings:dashboard-reach")
    assert f'hx-get="{block_url}"' in response.text
    block = client.get(block_url, headers={"HX-Request": "true"})
    assert 'data-testid="evening-reach-panel"' in block.text
    assert reverse("evenings:reach", args=[spring.evening.pk]) in block.text
    page = client.get(block_url)  # without script: a page of its own
    assert "Back to the school dashboard" in page.text


def test_the_dashboard_block_says_so_before_any_evening(cast, spring, login):
    block = login(cast.headteacher).get(
        reverse("evenings:dashboard-reach"), headers={"HX-Request": "true"}
    )
    assert "No parents&#x27; evening has begun yet" in block.text or (
        "No parents' evening has begun yet" in block.text
    )
    assert reverse("evenings:reach", args=[spring.evening.pk]) not in block.text


def test_a_teacher_gets_no_dashboard_block(cast, spring, login):
    assert login(cast.teacher).get(reverse("evenings:dashboard-reach")).status_code == 403


def test_the_family_page_shows_the_booking_and_invited_not_booked(cast, spring, login):
    _book(spring, spring.mum, [spring.isla], cast.teacher, interpreter="Gaelic")
    client = login(cast.headteacher)
    rowan = client.get(reverse("families:family-detail", args=[spring.rowans.family_id])).text
    assert "Ailsa Rowan" in rowan and "an interpreter in Gaelic" in rowan
    khan = client.get(reverse("families:family-detail", args=[spring.khans.family_id])).text
    assert "Invited, not booked yet." in khan
    assert f"?family={spring.khans.family_id}" in khan
    teacher = login(cast.teacher)
    khan = teacher.get(reverse("families:family-detail", args=[spring.khans.family_id])).text
    assert "Invited, not booked yet." in khan
    assert f"?family={spring.khans.family_id}" not in khan
    assert Booking.objects.filter(evening=spring.evening).count() == 1
