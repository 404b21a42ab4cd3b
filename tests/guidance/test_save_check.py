"""Checked on save: the record is always saved; a gentle note follows; hints taken are counted;
the headteacher's dashboard shows the figures per term, never per person."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import Contact
from guidance.models import HintTally
from meetings.models import Meeting
from tests import factories
from tests.families.conftest import make_family


def _contact_data(fam, summary, **extra):
    return {
        "staff": fam.class_group.staff.get().pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "parents": [fam.mum.pk],
        "children": [fam.child.pk],
        "channel": "phone",
        "initiated_by": "school",
        "tone": "neutral",
        "formality": "informal",
        "level": "general",
        "purpose": "other",
        "summary": summary,
        "confidentiality": "school",
        **extra,
    }


@pytest.fixture
def fam(cast):
    return make_family(cast, teacher=cast.teacher)


def test_a_contact_with_a_flagged_phrase_is_saved_and_the_note_suggests_another_way(
    cast, login, fam
):
    url = reverse("families:contact-add", args=[fam.family.pk])
    response = login(cast.teacher).post(
        url, _contact_data(fam, "Mum refuses to engage with the plan."), follow=True
    )
    assert Contact.objects.filter(summary="Mum refuses to engage with the plan.").exists()
    text = response.content.decode()
    assert "Contact logged." in text
    assert "“refuses to engage”" in text
    assert "Record the contact attempts" in text
    tally = HintTally.objects.get(school=cast.school, phrase="refuses to engage")
    assert (tally.shown, tally.taken) == (1, 0)


def test_a_hint_taken_while_typing_is_counted_as_taken_at_save(cast, login, fam):
    client = login(cast.teacher)
    client.post(
        reverse("guidance:hint-check"),
        {"hint_field": "summary", "summary": "Mum is hard to reach."},
        headers={"HX-Request": "true"},
    )
    data = _contact_data(
        fam, "Two calls at 3pm unanswered; Mum works shifts.", **{"hinted-summary": "hard to reach"}
    )
    response = client.post(reverse("families:contact-add", args=[fam.family.pk]), data, follow=True)
    assert "A thought for next time" not in response.content.decode()
    tally = HintTally.objects.get(school=cast.school, phrase="hard to reach")
    assert (tally.shown, tally.taken) == (1, 1)


def test_editing_a_contact_checks_the_agreement_too(cast, login, fam):
    contact = factories.ContactFactory(
        school=cast.school, family=fam.family, staff=cast.teacher, summary="Chat at the gate."
    )
    data = _contact_data(fam, "Chat at the gate.", agreed="Dad, a difficult parent, will ring.")
    response = login(cast.teacher).post(
        reverse("families:contact-edit", args=[contact.pk]), data, follow=True
    )
    contact.refresh_from_db()
    assert contact.agreed == "Dad, a difficult parent, will ring."
    assert "“difficult parent”" in response.content.decode()


def test_meeting_notes_are_checked_on_save_and_saved_as_written(cast, login, household):
    meeting = factories.MeetingFactory(
        school=cast.school,
        family=household.family,
        chair=cast.pastoral,
        starts_at=timezone.now() - datetime.timedelta(hours=1),  # it has taken place
    )
    review_on = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    response = login(cast.pastoral).post(
        reverse("meetings:meeting-record", args=[meeting.pk]),
        {"summary": "A chaotic family, but mornings are calmer.", "review_on": review_on},
        follow=True,
    )
    assert (
        Meeting.objects.get(pk=meeting.pk).summary == "A chaotic family, but mornings are calmer."
    )
    assert "“chaotic family”" in response.content.decode()


def test_what_the_room_said_is_checked_on_save(cast, login, household):
    meeting = factories.MeetingFactory(
        school=cast.school, family=household.family, chair=cast.pastoral
    )
    response = login(cast.pastoral).post(
        reverse("meetings:contribution-add", args=[meeting.pk, "strengths"]),
        {"strengths-party": "Class teacher", "strengths-words": "Not a problem family at all."},
        follow=True,
    )
    assert meeting.contributions.filter(words="Not a problem family at all.").exists()
    assert "“problem family”" in response.content.decode()


def test_the_meeting_page_hints_while_typing_what_each_person_said(cast, login, household):
    meeting = factories.MeetingFactory(
        school=cast.school, family=household.family, chair=cast.pastoral
    )
    text = login(cast.pastoral).get(reverse("meetings:meeting-detail", args=[meeting.pk])).text
    assert 'id="hint-strengths-words"' in text
    assert 'id="hint-summary"' in text


def test_dashboard_shows_hints_shown_and_taken_per_term_without_names(cast, login):
    factories.HintTallyFactory(school=cast.school, term_start=datetime.date(2026, 8, 1), shown=4)
    factories.HintTallyFactory(
        school=cast.school, term_start=datetime.date(2026, 8, 1), phrase="hostile", shown=2, taken=2
    )
    factories.HintTallyFactory(school=cast.school, term_start=datetime.date(2026, 4, 1), taken=0)
    factories.HintTallyFactory(school=cast.other_school, shown=99, taken=99)
    text = login(cast.headteacher).get(reverse("dashboards:dashboard")).text
    section = text[text.index('data-testid="respectful-recording"') :]
    section = section[: section.index("</section>")]
    assert '<th scope="row">Autumn term 2026</th><td class="text-end">6</td>' in section
    assert '<td class="text-end">3</td><td class="text-end">50%</td>' in section
    assert "Summer term 2026" in section
    assert "99" not in section
    for person in ("Teacher", "Pastoral", "Headteacher"):
        assert person not in section


def test_dashboard_says_when_no_hints_have_been_shown(cast, login):
    text = login(cast.headteacher).get(reverse("dashboards:dashboard")).text
    assert "No wording hints have been shown yet." in text


def test_a_follow_up_call_is_checked_on_save_too(cast, login, meeting, household):
    from meetings.models import FollowUp
    from tests.meetings.test_after import _held

    _held(meeting, cast, household)
    follow_up = FollowUp.objects.create(
        meeting=meeting, owner=cast.pastoral, due_on=timezone.localdate()
    )
    url = reverse("meetings:follow-up-log", args=[follow_up.pk])
    form_page = login(cast.pastoral).get(url).text
    assert 'id="hint-summary"' in form_page
    response = login(cast.pastoral).post(
        url,
        {
            "parents": [household.mum.pk],
            "summary": "Dad was hostile on the phone.",
            "tone": "concern",
        },
        follow=True,
    )
    assert Contact.objects.filter(summary="Dad was hostile on the phone.").exists()
    assert "“hostile”" in response.content.decode()
