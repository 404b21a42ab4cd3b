"""After a meeting, through the parent's summary link: the agreed summary made for them (page
and PDF), their own steps to tick off, "I have read this", and "this is not what I understood"
(an amendment disputed by them); staff see who opened and acknowledged what, and when."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from family_voice import summary
from family_voice.models import Purpose, SummaryReading
from meetings.models import ActionPoint, Meeting, MeetingAmendment
from tests import factories
from tests.family_voice.conftest import link_path, make_link, pass_check

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=LONDON)
NOT_READY = "The summary is not ready yet. We will let you know."


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _held(meeting: Meeting) -> Meeting:
    meeting.status = Meeting.Status.HELD
    meeting.starts_at = NOW - datetime.timedelta(days=2)
    meeting.held_at = NOW - datetime.timedelta(days=2)
    meeting.summary = "We talked about mornings and agreed to try a calmer start."
    meeting.save()
    return meeting


@pytest.fixture
def held(cast, fam):
    """(mum, dad, meeting, steps): a held meeting with a step for mum, one for dad, one for a
    child of dad's that mum is not linked to, and one for the school."""
    school_family, mum, dad, meeting = fam
    _held(meeting)
    factories.MeetingParentFactory(meeting=meeting, parent=dad)
    jay = factories.ChildFactory(
        school=cast.school, family=school_family.family, first_name="Jaykwon"
    )
    factories.ChildParentFactory(child=jay, parent=dad, relationship="father")
    steps = {
        "mum": factories.ActionPointFactory(
            meeting=meeting,
            what="Mum packs the bag the night before",
            owner_kind="parent",
            owner_parent=mum,
            owner_staff=None,
        ),
        "dad": factories.ActionPointFactory(
            meeting=meeting,
            what="Dad walks Isla in on Tuesdays",
            owner_kind="parent",
            owner_parent=dad,
            owner_staff=None,
        ),
        "jay": factories.ActionPointFactory(
            meeting=meeting,
            what="Jaykwon tries the breakfast club",
            owner_kind="child",
            owner_child=jay,
            owner_staff=None,
        ),
        "staff": factories.ActionPointFactory(meeting=meeting, what="Phone home on Friday"),
    }
    return mum, dad, meeting, steps


def _open(cast, parent, meeting, purpose=Purpose.SUMMARY):
    """(parent's client, the link's path, the page as first seen after the second check)."""
    made = make_link(cast, parent, purpose, meeting)
    client = Client()
    page = pass_check(client, made.url)
    return client, link_path(made.url), page


# The parent's page.


@pytest.mark.parametrize("state", ["planned", "cancelled", "withdrawn"])
def test_before_the_meeting_is_recorded_the_parent_reads_one_plain_sentence(cast, fam, state):
    _school_family, mum, _dad, meeting = fam
    client, path, page = _open(cast, mum, meeting)
    assert page.status_code == 200 and NOT_READY in page.text
    if state == "cancelled":
        Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    if state == "withdrawn":
        _held(meeting)
        Meeting.objects.filter(pk=meeting.pk).update(withdrawn_at=timezone.now())
    if state == "withdrawn":
        # Withdrawn means recorded in error: the link itself closes (one plain refusal).
        for response in (client.get(path), client.post(path, {"read": "1"})):
            assert response.status_code == 404 and "This link does not work" in response.text
        assert client.get(path + "summary.pdf").status_code == 404
    else:
        for response in (client.get(path), client.post(path, {"read": "1"})):
            assert response.status_code == 200 and NOT_READY in response.text
        assert client.get(path + "summary.pdf").status_code == 409
    assert not SummaryReading.objects.exists()


def test_the_summary_shows_the_parents_own_steps_and_not_what_they_may_not_see(cast, held):
    mum, _dad, meeting, steps = held
    factories.ContributionFactory(meeting=meeting, words="Isla reads to her little brother")
    factories.SummarySentFactory(meeting=meeting, to_name="Euan Rowan by post")
    _client, _path, page = _open(cast, mum, meeting)
    assert page.status_code == 200
    text = page.text
    for heading in ("What we talked about", "What happens next", "Your steps"):
        assert heading in text
    assert meeting.summary in text and "Isla reads to her little brother" in text
    mine = text.split('data-testid="my-steps"')[1].split("</ul>")[0]
    assert "Mum packs the bag" in mine and f'name="done" value="{steps["mum"].pk}"' in mine
    others = text.split('data-testid="other-steps"')[1].split("</ul>")[0]
    assert "Dad walks Isla in" in others and "Phone home on Friday" in others
    assert f'name="done" value="{steps["dad"].pk}"' not in text  # another's step: no tick
    # A step owned by a child she is not linked to, and who else got the summary: never.
    assert "Jaykwon" not in text and "Euan Rowan by post" not in text
    # In English: no note about the school's words being in English.
    assert "ask for an interpreter" not in text


def test_in_another_language_the_schools_words_are_marked_as_english(cast, held):
    mum, _dad, meeting, _steps = held
    client, path, _page = _open(cast, mum, meeting)
    client.post(path + "language/", {"language": "pl"})
    page = client.get(path)
    assert page["Content-Language"] == "pl"
    token = path.strip("/").rsplit("/", 1)[1]
    note = page.text.split('class="note"')[1].split("</p>")[0]
    assert reverse("family_voice:note", args=[token]) in note  # ask for an interpreter


def test_ticking_a_step_marks_it_done_by_the_parent(cast, held):
    mum, _dad, meeting, steps = held
    client, path, _page = _open(cast, mum, meeting)
    response = client.post(path, {"done": steps["mum"].pk})
    assert response.status_code == 200
    step = ActionPoint.objects.get(pk=steps["mum"].pk)
    assert step.status == "done" and step.done_at == NOW and step.done_by_parent == mum
    assert step.history.first().history_user is None  # the parent's own write
    assert "We have marked your step as done" in response.text
    assert f'name="done" value="{step.pk}"' not in response.text  # no second tick
    # A second tick (the page sent again) changes nothing more.
    assert client.post(path, {"done": step.pk}).status_code == 400
    assert ActionPoint.objects.get(pk=step.pk).history.count() == step.history.count()


@pytest.mark.parametrize("whose", ["dad", "jay", "staff", "other meeting", "nonsense"])
def test_a_step_that_is_not_the_parents_own_cannot_be_ticked(cast, held, whose):
    mum, _dad, meeting, steps = held
    if whose == "other meeting":
        other = factories.MeetingFactory(school=cast.school, family=meeting.family)
        target = factories.ActionPointFactory(
            meeting=other, owner_kind="parent", owner_parent=mum, owner_staff=None
        ).pk
    else:
        target = "1; drop table" if whose == "nonsense" else steps[whose].pk
    client, path, _page = _open(cast, mum, meeting)
    before = list(ActionPoint.all_objects.values_list("pk", "status", "done_by_parent"))
    response = client.post(path, {"done": target})
    assert response.status_code == 400
    assert "we could not do that" in response.text
    assert list(ActionPoint.all_objects.values_list("pk", "status", "done_by_parent")) == before


def test_i_have_read_this_is_stored_and_shown_to_staff(cast, held, login):
    mum, _dad, meeting, _steps = held
    client, path, _page = _open(cast, mum, meeting)
    reading = SummaryReading.objects.get(meeting=meeting, parent=mum)
    assert reading.first_read_at == NOW and reading.acknowledged_at is None
    staff = login(cast.pastoral)
    detail = staff.get(reverse("meetings:meeting-detail", args=[meeting.pk])).text
    assert "Not marked as read yet" in detail
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        response = client.post(path, {"read": "1"})
        client.post(path, {"read": "1"})  # again: the first time is kept
    assert response.status_code == 200
    assert "Thank you. You told us you have read this on 4 December." in response.text
    reading.refresh_from_db()
    assert reading.acknowledged_at == NOW + datetime.timedelta(hours=1)
    assert reading.first_read_at == NOW
    assert reading.history.first().history_user is None
    detail = staff.get(reverse("meetings:meeting-detail", args=[meeting.pk])).text
    assert "Marked as read on 4 Dec 2026" in detail
    assert "Thank you. You told us you have read this on 4 December." in client.get(path).text


def test_a_dispute_becomes_an_amendment_disputed_by_the_parent(cast, held, login):
    mum, _dad, meeting, _steps = held
    client, path, _page = _open(cast, mum, meeting)
    words = "I understood that Isla could start at 9.15, not 8.50."
    response = client.post(path, {"dispute": "1", "words": words})
    assert response.status_code == 200
    assert (
        "We have added what you said to the record. Someone from the school will get in touch."
        in response.text
    )
    amendment = MeetingAmendment.objects.get(meeting=meeting)
    assert amendment.disputed and amendment.parent_view == words and amendment.text == words
    assert amendment.reason == "Disputed by parent through their link"
    assert amendment.by is None and amendment.by_parent == mum
    assert amendment.history.first().history_user is None
    # Sent twice (a page reloaded): still one.
    client.post(path, {"dispute": "1", "words": words})
    assert MeetingAmendment.objects.count() == 1
    staff = login(cast.pastoral)
    detail = staff.get(reverse("meetings:meeting-detail", args=[meeting.pk])).text
    after = detail.split('id="after"')[1]
    assert "Disputed by parent" in after and "Ailsa Rowan" in after and words in after
    assert "Unknown" not in after
    block = detail.split('<section id="summary-readings"')[1].split("</section>")[0]
    assert "Disputed by parent" in block and words in block
    # The family's chronology shows it too, under the meeting.
    family_page = staff.get(reverse("families:family-detail", args=[meeting.family_id])).text
    assert "Disputed by parent" in family_page and "Ailsa Rowan (parent or carer)" in family_page
    # The meeting's chair sees it on their home page, to get in touch as the parent was told.
    home = staff.get(reverse("home")).text
    assert 'data-testid="parents-disagree"' in home and "Ailsa Rowan, about the meeting" in home
    assert 'data-testid="parents-disagree"' not in login(cast.teacher).get(reverse("home")).text


@pytest.mark.parametrize("words", ["", "   ", "x" * 2001])
def test_a_dispute_with_nothing_or_too_much_is_refused_next_to_the_field(cast, held, words):
    mum, _dad, meeting, _steps = held
    client, path, _page = _open(cast, mum, meeting)
    response = client.post(path, {"dispute": "1", "words": words})
    assert response.status_code == 400
    assert 'id="words-error"' in response.text and 'aria-invalid="true"' in response.text
    if words.strip():
        assert words in response.text  # what they typed is kept
    assert not MeetingAmendment.objects.exists()


def test_the_pdf_is_the_parents_summary_and_only_for_a_summary_link(cast, held):
    mum, _dad, meeting, _steps = held
    client, path, _page = _open(cast, mum, meeting)
    response = client.get(path + "summary.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="meeting-summary.pdf"'
    assert response.content.startswith(b"%PDF")
    views_client, views_path, _page = _open(cast, mum, meeting, Purpose.VIEWS)
    assert views_client.get(views_path + "summary.pdf").status_code == 404
    # Before the second check, the PDF is not given either.
    assert Client().get(path + "summary.pdf").status_code == 302


# The staff's view on the meeting page.


def test_staff_see_who_opened_the_summary_and_who_has_not(cast, held, login):
    mum, dad, meeting, steps = held
    make_link(cast, dad, Purpose.SUMMARY, meeting)
    client, path, _page = _open(cast, mum, meeting)
    client.post(path, {"done": steps["mum"].pk})
    staff = login(cast.pastoral)
    for page in ("meetings:meeting-detail", "meetings:meeting-plan"):
        text = staff.get(reverse(page, args=[meeting.pk])).text
        block = text.split('<section id="summary-readings"')[1].split("</section>")[0]
        ailsa, euan = block.split("<strong>Euan Rowan</strong>")
        assert "First opened the summary on 4 Dec 2026" in ailsa
        assert "Ticked off their step “Mum packs the bag the night before”" in ailsa
        assert "Link made 4 Dec 2026 by Pastoral" in ailsa
        assert "Not opened yet" in euan and "Has not opened the summary yet" in euan


def test_the_staff_block_is_hidden_on_a_planned_meeting_with_no_summary_link(cast, fam, login):
    _school_family, _mum, _dad, meeting = fam
    text = login(cast.pastoral).get(reverse("meetings:meeting-plan", args=[meeting.pk])).text
    assert 'id="summary-readings"' not in text


def test_a_teacher_who_cannot_see_the_meeting_sees_nothing_of_it(cast, held, login):
    _mum, _dad, meeting, _steps = held
    response = login(cast.outsider_pastoral).get(
        reverse("meetings:meeting-detail", args=[meeting.pk])
    )
    assert response.status_code == 404


def test_the_staff_block_reads_the_same_number_of_queries_however_many_links(
    cast, held, django_assert_max_num_queries
):
    mum, dad, meeting, steps = held

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            section = summary.meeting_section(None, meeting)
        assert section is not None
        return len(queries)

    _open(cast, mum, meeting)
    one = count()
    dad_client, path, _page = _open(cast, dad, meeting)
    make_link(cast, mum, Purpose.SUMMARY, meeting)  # sent again, not opened
    dad_client.post(path, {"read": "1"})
    dad_client.post(path, {"done": steps["dad"].pk})
    dad_client.post(path, {"dispute": "1", "words": "Not Tuesdays: Wednesdays."})
    assert count() == one
    with django_assert_max_num_queries(4):
        rows = summary.receipts(meeting)
    assert [len(r.links) for r in rows] == [2, 1]
    assert rows[1].acknowledged_at and rows[1].steps_done and rows[1].disputes
