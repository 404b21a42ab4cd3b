"""After the meeting: the family's summary (page, PDF), .ics, the letter, and follow-ups."""

import datetime
import io

import icalendar
import pypdf
import time_machine
from django.urls import reverse
from django.utils import timezone

from families.models import Contact
from meetings.models import FollowUp, Meeting
from tests import factories


def _held(meeting, cast, household):
    Meeting.objects.filter(pk=meeting.pk).update(
        status="held", summary="We agreed to try a picture timetable for mornings."
    )
    meeting.refresh_from_db()
    meeting.contributions.create(section="strengths", party="Mum", words="Robin loves drawing.")
    meeting.contributions.create(section="best_hopes", party="Dad", words="Robin happy at school.")
    factories.ActionPointFactory(
        meeting=meeting,
        what="Make a picture timetable with Robin",
        owner_kind="parent",
        owner_staff=None,
        owner_parent=household.mum,
        due_on=datetime.date(2026, 12, 4),
    )
    return meeting


def test_summary_puts_strengths_first_and_lists_steps_owners_and_contact(
    cast, login, meeting, household
):
    _held(meeting, cast, household)
    household.key_contact = cast.pastoral
    household.save()
    text = login(cast.teacher).get(reverse("meetings:meeting-summary", args=[meeting.pk]))
    text = text.content.decode()
    assert text.index("What is going well") < text.index("What we agreed to do next")
    assert "Robin loves drawing." in text
    assert "Make a picture timetable with Robin" in text and "Morven Rowan" in text
    assert "4 December 2026" in text
    assert "Who to contact" in text and "Guidance teacher" in text


def test_summary_pdf_is_a_pdf_with_the_summary_text(cast, login, meeting, household):
    _held(meeting, cast, household)
    response = login(cast.pastoral).get(reverse("meetings:meeting-summary-pdf", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "What is going well" in text
    assert "Robin loves drawing." in text
    assert "Make a picture timetable with Robin" in text


def test_ics_invitation_has_the_time_and_place(cast, login, meeting):
    response = login(cast.pastoral).get(reverse("meetings:meeting-ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    event = next(iter(cal.walk("VEVENT")))
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") == meeting.ends_at
    assert "Family Rowan" in str(event["summary"])
    assert "A private room at school" in str(event["location"])


def test_ics_of_a_confidential_meeting_does_not_name_the_family(cast, login, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(confidentiality="pastoral")
    response = login(cast.pastoral).get(reverse("meetings:meeting-ics", args=[meeting.pk]))
    assert b"Family Rowan" not in response.content
    assert b"Confidential meeting" in response.content


def test_letter_is_one_per_invited_parent_in_plain_words(cast, login, meeting, household):
    household.mum.language = "English"
    household.mum.save()
    meeting.invitations.filter(parent=household.dad).update(
        response="not_invited", not_invited_reason="Restriction"
    )
    text = login(cast.pastoral).get(reverse("meetings:meeting-letter", args=[meeting.pk]))
    text = text.content.decode()
    assert "Dear Morven Rowan," in text
    assert "Dear Duncan Rowan," not in text
    assert "bring someone with you" in text
    assert "about 45 minutes" in text
    assert "data-print" in text and "onclick" not in text


def test_each_letter_is_in_its_readers_language(cast, login, meeting, household):
    # Morven's language is Polish; Duncan's is English.
    text = login(cast.pastoral).get(reverse("meetings:meeting-letter", args=[meeting.pk]))
    letters = text.content.decode().split('<article class="letter"')[1:]
    polish = next(letter for letter in letters if "Morven Rowan" in letter.split("</h1>")[0])
    english = next(letter for letter in letters if "Duncan Rowan" in letter.split("</h1>")[0])
    assert 'lang="pl"' in polish and "bring someone with you" not in polish
    assert "Dear Morven Rowan," not in polish
    # What the school wrote stays as written, marked as English, with the offer of help.
    assert f'<p lang="en" dir="ltr">{meeting.purpose}</p>' in polish
    assert 'lang="en-gb"' in english and "Dear Duncan Rowan," in english
    assert "bring someone with you" in english


def test_the_summary_made_for_one_parent_is_in_their_language(cast, login, meeting, household):
    _held(meeting, cast, household)
    client = login(cast.pastoral)
    url = reverse("meetings:meeting-summary", args=[meeting.pk])
    polish = client.get(url, {"parent": household.mum.pk}).content.decode()
    article = polish.split('<article class="family-summary"', 1)[1]
    assert 'lang="pl"' in article.split(">", 1)[0]
    assert "What we agreed to do next" not in article and "Who to contact" not in article
    # The school's own words stay as they were written, marked as English.
    assert '<p lang="en" dir="ltr">We agreed to try a picture timetable for mornings.</p>' in (
        article
    )
    # The whole family's copy, and Duncan's, are in English.
    for english in (client.get(url), client.get(url, {"parent": household.dad.pk})):
        body = english.content.decode().split('<article class="family-summary"', 1)[1]
        assert 'lang="en-gb"' in body.split(">", 1)[0] and "What we agreed to do next" in body


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_pdf_made_for_one_parent_is_in_their_language(cast, login, meeting, household):
    from django.utils import translation

    _held(meeting, cast, household)
    client = login(cast.pastoral)
    url = reverse("meetings:meeting-summary-pdf", args=[meeting.pk])
    with translation.override("pl"):
        going_well = translation.gettext("What is going well")
    assert going_well != "What is going well"
    polish = _pdf_text(client.get(url, {"parent": household.mum.pk}))
    assert going_well in polish and "What is going well" not in polish
    assert "picture timetable" in polish  # the school's own words, as written
    assert "What is going well" in _pdf_text(client.get(url, {"parent": household.dad.pk}))
    # Arabic runs right to left, its letters joined (shaped): it is drawn, never an error.
    household.mum.language = "Arabic"
    household.mum.save()
    arabic = client.get(url, {"parent": household.mum.pk})
    assert arabic.status_code == 200 and "What is going well" not in _pdf_text(arabic)


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_one_click_follow_up_checks_the_open_steps(cast, login, meeting, household):
    _held(meeting, cast, household)
    done = factories.ActionPointFactory(meeting=meeting, status="done")
    url = reverse("meetings:follow-up-schedule", args=[meeting.pk])
    login(cast.pastoral).post(url, {"channel": "phone"})
    follow_up = FollowUp.objects.get()
    assert follow_up.owner == cast.pastoral
    assert follow_up.due_on == datetime.date(2026, 12, 4)  # the earliest open step's date
    assert done not in follow_up.action_points.all()
    assert follow_up.action_points.count() == 1


def test_logging_the_follow_up_adds_a_contact_and_updates_the_steps(
    cast, login, meeting, household
):
    _held(meeting, cast, household)
    follow_up = FollowUp.objects.create(
        meeting=meeting, owner=cast.pastoral, due_on=timezone.localdate()
    )
    point = meeting.action_points.get()
    follow_up.action_points.add(point)
    url = reverse("meetings:follow-up-log", args=[follow_up.pk])
    data = {
        "parents": [household.mum.pk],
        "summary": "Mum says the timetable is working.",
        "tone": "positive",
        f"status_{point.pk}": "done",
        f"note_{point.pk}": "On the fridge and used daily.",
    }
    response = login(cast.pastoral).post(url, data)
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.purpose, contact.tone, contact.channel) == ("follow_up", "positive", "phone")
    point.refresh_from_db()
    assert point.status == "done" and point.progress_note == "On the fridge and used daily."
    follow_up.refresh_from_db()
    assert follow_up.contact == contact and follow_up.done_at is not None


def test_follow_up_log_without_a_parent_saves_nothing(cast, login, meeting, household):
    _held(meeting, cast, household)
    follow_up = FollowUp.objects.create(
        meeting=meeting, owner=cast.pastoral, due_on=timezone.localdate()
    )
    url = reverse("meetings:follow-up-log", args=[follow_up.pk])
    response = login(cast.pastoral).post(url, {"summary": "Spoke.", "tone": "neutral"})
    assert response.status_code == 400
    assert not Contact.objects.exists()
    follow_up.refresh_from_db()
    assert follow_up.done_at is None
