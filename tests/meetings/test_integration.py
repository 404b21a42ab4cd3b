"""Meetings elsewhere: home-page panel, the family page's section and chronology, the nav."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from tests import factories
from tests.reads import page_and_reads


def _home(client):
    return client.get(reverse("home")).content.decode()


def test_a_staff_owner_sees_their_step_on_the_home_page(cast, login, meeting):
    meeting.staff.add(cast.teacher)
    factories.ActionPointFactory(meeting=meeting, owner_staff=cast.teacher, what="Star chart")
    text = _home(login(cast.teacher))
    assert "Your steps" in text and "Star chart" in text


def test_overdue_steps_are_flagged_to_the_chair(cast, login, meeting, household):
    factories.ActionPointFactory(
        meeting=meeting,
        what="Send the timetable home",
        owner_kind="parent",
        owner_staff=None,
        owner_parent=household.mum,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    text = _home(login(cast.pastoral))
    assert "Overdue steps in meetings you chair" in text
    assert "Send the timetable home" in text
    assert "Overdue steps in meetings you chair" not in _home(login(cast.headteacher))


def test_the_chair_sees_each_kind_of_owner_by_name(cast, login, meeting, household):
    """The panel reads only the columns it shows (and raises on any other): every kind of
    owner, and the chair's own step and follow-up, still render in full."""
    late = timezone.localdate() - datetime.timedelta(days=2)
    owners = [
        {"owner_kind": "staff", "owner_staff": cast.pastoral},
        {"owner_kind": "parent", "owner_staff": None, "owner_parent": household.mum},
        {"owner_kind": "child", "owner_staff": None, "owner_child": household.child},
        {"owner_kind": "agency", "owner_staff": None, "owner_agency": "Speech and language"},
    ]
    for n, owner in enumerate(owners):
        factories.ActionPointFactory(meeting=meeting, what=f"Step {n}", due_on=late, **owner)
    meeting.follow_ups.create(due_on=late, owner=cast.pastoral, channel="phone")
    text = _home(login(cast.pastoral))
    # The owner's name as the step shows it (the user's own name is also in the page header).
    for n, owner in enumerate(
        [cast.pastoral.get_full_name(), household.mum.full_name, "Robin", "Speech and language"]
    ):
        assert f"Step {n} — {owner}, was due" in text
    assert "Your steps" in text and "Your follow-ups after meetings" in text
    assert household.family.name in text


def test_done_steps_are_not_on_the_home_page(cast, login, meeting):
    factories.ActionPointFactory(
        meeting=meeting, what="Finished thing", status="done", owner_staff=cast.pastoral
    )
    assert "Finished thing" not in _home(login(cast.pastoral))


def test_upcoming_meetings_show_preparation_progress(cast, login, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(prep_told_why=True, prep_told_who=True)
    text = _home(login(cast.pastoral))
    assert "Your meetings in the next two weeks" in text
    assert "preparation 2 of 9 done" in text


def test_the_home_panel_makes_only_the_reads_that_find_something(cast, login, meeting):
    """The home page asks in one read which of the panel's four reads find anything: with only
    a meeting coming up, the steps' and follow-ups' reads are not made; with a step of mine as
    well, its read is made too."""
    from meetings.models import ActionPoint, FollowUp

    client = login(cast.pastoral)

    def panel_reads():
        return page_and_reads(client, reverse("home"), ActionPoint, FollowUp)

    text, made = panel_reads()
    assert "Your meetings in the next two weeks" in text and made == []
    factories.ActionPointFactory(meeting=meeting, owner_staff=cast.pastoral, what="Star chart")
    text, made = panel_reads()
    assert "Star chart" in text and len(made) == 1
    assert made[0].startswith(f'SELECT "{ActionPoint._meta.db_table}"')


def test_a_logged_follow_up_leaves_the_home_page(cast, login, meeting):
    follow_up = meeting.follow_ups.create(due_on=timezone.localdate(), owner=cast.pastoral)
    assert "Your follow-ups after meetings" in _home(login(cast.pastoral))
    follow_up.done_at = timezone.now()
    follow_up.save()
    assert "Your follow-ups after meetings" not in _home(login(cast.pastoral))


def test_steps_of_a_meeting_hidden_from_the_owner_stay_hidden(cast, login, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(confidentiality="named")
    factories.ActionPointFactory(meeting=meeting, owner_staff=cast.teacher, what="Secret step")
    assert "Secret step" not in _home(login(cast.teacher))


def test_meetings_nav_link_for_family_workers_only(cast, login):
    assert reverse("meetings:meeting-list") in _home(login(cast.teacher))
    assert reverse("meetings:meeting-list") not in _home(login(cast.authority_officer))


def _family_page(client, household):
    return client.get(reverse("families:family-detail", args=[household.family.pk]))


def test_family_page_has_a_meetings_section_and_a_plan_link(cast, login, meeting, household):
    text = _family_page(login(cast.teacher), household).content.decode()
    assert 'id="family-meetings-heading"' in text
    assert reverse("meetings:meeting-add", args=[household.family.pk]) in text
    assert reverse("meetings:meeting-plan", args=[meeting.pk]) in text


def test_chronology_shows_the_meeting_and_its_follow_up(cast, login, meeting, household):
    meeting.follow_ups.create(due_on=timezone.localdate(), owner=cast.pastoral)
    text = _family_page(login(cast.pastoral), household).content.decode()
    assert f'id="meeting-{meeting.pk}-title"' in text
    assert "Meeting follow-up: phone call" in text


def test_chronology_hides_a_confidential_meeting_from_others(cast, login, meeting, household):
    Meeting.objects.filter(pk=meeting.pk).update(confidentiality="pastoral")
    text = _family_page(login(cast.teacher), household).content.decode()
    assert f'id="meeting-{meeting.pk}-title"' not in text


def test_family_page_queries_do_not_grow_with_meetings(cast, login, household):
    client = login(cast.pastoral)
    client.get(reverse("home"))

    def queries_with(count):
        for _ in range(count):
            m = factories.MeetingFactory(
                school=cast.school, family=household.family, chair=cast.pastoral
            )
            m.children.add(household.child)
            m.follow_ups.create(due_on=timezone.localdate(), owner=cast.pastoral)
        with CaptureQueriesContext(connection) as captured:
            assert _family_page(client, household).status_code == 200
        return len(captured)

    assert queries_with(1) == queries_with(4)


def test_meetings_and_their_amendments_are_read_only_where_there_are_some(cast, login, household):
    """The family page's own row says whether the family has any meeting at the school, and
    the meetings' read which have amendments: none of either, none read."""
    from meetings.models import MeetingAmendment

    client = login(cast.pastoral)

    def reads(model):
        url = reverse("families:family-detail", args=[household.family.pk])
        text, made = page_and_reads(client, url, model)
        return text, len(made)

    factories.MeetingFactory(school=cast.other_school, family=household.family)
    assert reads(Meeting)[1] == 0
    meeting = factories.MeetingFactory(
        school=cast.school, family=household.family, chair=cast.pastoral
    )
    text, meeting_reads = reads(Meeting)
    assert meeting_reads == 1 and f'id="meeting-{meeting.pk}-title"' in text
    assert reads(MeetingAmendment)[1] == 0
    MeetingAmendment.objects.create(
        meeting=meeting, by=cast.pastoral, text="It was on the Tuesday.", reason="Wrong day."
    )
    text, amendment_reads = reads(MeetingAmendment)
    assert amendment_reads == 1 and "It was on the Tuesday." in text


def test_meetings_block_shows_ten_current_meetings_when_newer_ones_were_withdrawn(
    cast, login, household
):
    from portal.lib import records

    start = timezone.now() - datetime.timedelta(days=400)
    made = [
        factories.MeetingFactory(
            school=cast.school,
            family=household.family,
            chair=cast.pastoral,
            starts_at=start + datetime.timedelta(days=30 * n),
        )
        for n in range(13)
    ]
    for newest in made[-2:]:
        records.withdraw(newest, by=cast.pastoral, reason="Planned for the wrong family")
    text = _family_page(login(cast.pastoral), household).content.decode()
    block = text.split('id="family-meetings-heading"', 1)[1].split("</section>", 1)[0]
    in_block = [m for m in made if reverse("meetings:meeting-plan", args=[m.pk]) in block]
    # The ten newest meetings that stand; the two withdrawn ones only in the chronology.
    assert in_block == made[1:11]
