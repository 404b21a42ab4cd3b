"""What the family keeps says how to reach the school: the letter, the summary page and its PDF
carry the school's name as a letterhead and, at the end, the contact's name and job title and
the school's phone, e-mail and address; what the school has not filled in is left off."""

import datetime
import io
import zoneinfo

import pypdf
import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from meetings.models import Meeting
from portal.access import ADMINISTRATORS_GROUP
from portal.lib.staff import staff_name

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)


@pytest.fixture
def letterhead(cast):
    school = cast.school
    school.postal_address = "12 High Street\nRiverside\nRV1 2AB"
    school.phone = "0131 496 0000"
    school.email = "office@riverside.sch.uk"
    school.website = "https://riverside.sch.uk"
    school.save()
    return school


def _at(meeting, hour, minute, *, status="held"):
    starts = datetime.datetime(2026, 3, 2, hour, minute, tzinfo=LONDON)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts, status=status)
    meeting.refresh_from_db()
    return meeting


def _summary(client, meeting):
    return client.get(reverse("meetings:meeting-summary", args=[meeting.pk])).content.decode()


def _pdf(client, meeting):
    response = client.get(reverse("meetings:meeting-summary-pdf", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _letter(client, meeting):
    return client.get(reverse("meetings:meeting-letter", args=[meeting.pk])).content.decode()


def _after(text, marker):
    return text[text.index(marker) :]


@time_machine.travel(NOW, tick=False)
def test_summary_page_has_the_letterhead_and_how_to_reach_the_key_contact(
    cast, login, meeting, household, letterhead
):
    household.key_contact = cast.teacher
    household.save()
    _at(meeting, 9, 30)
    text = _summary(login(cast.pastoral), meeting)
    top = text[text.index('data-testid="letterhead"') : text.index('id="summary-heading"')]
    assert "Riverside Primary" in top and "https://riverside.sch.uk" in top
    end = _after(text, "Who to contact")
    assert f"{staff_name(cast.teacher)}, Class teacher" in end
    assert "0131 496 0000" in end
    assert "office@riverside.sch.uk" in end
    assert "12 High Street<br>Riverside<br>RV1 2AB" in end


@time_machine.travel(NOW, tick=False)
def test_summary_pdf_has_the_letterhead_and_the_contact_lines(
    cast, login, meeting, household, letterhead
):
    _at(meeting, 9, 30)
    text = _pdf(login(cast.pastoral), meeting)
    assert text.lstrip().startswith("Riverside Primary")
    end = _after(text, "Who to contact")
    assert "Guidance teacher" in end  # the chair stands in for a key contact
    assert "Phone: 0131 496 0000" in end
    assert "E-mail: office@riverside.sch.uk" in end
    assert "12 High Street" in end and "RV1 2AB" in end


@time_machine.travel(NOW, tick=False)
def test_letter_has_the_letterhead_and_how_to_reach_the_chair(
    cast, login, meeting, household, letterhead
):
    household.mum.language = "English"  # the letter in English (Polish has its own words)
    household.mum.save()
    _at(meeting, 9, 30, status="planned")
    text = _letter(login(cast.pastoral), meeting)
    letter = _after(text, '<article class="letter"')
    assert letter.index("Riverside Primary") < letter.index("Dear Morven Rowan,")
    end = _after(letter, "How to reach us")
    assert "Guidance teacher" in end
    assert "0131 496 0000" in end and "office@riverside.sch.uk" in end
    assert "12 High Street<br>Riverside<br>RV1 2AB" in end
    assert "Guidance teacher" in _after(letter, "With best wishes")


@time_machine.travel(NOW, tick=False)
def test_details_the_school_has_not_filled_in_are_left_off(cast, login, meeting, household):
    cast.school.phone = "0131 496 0000"
    cast.school.save()
    _at(meeting, 9, 30)
    client = login(cast.pastoral)
    for text in (_after(_summary(client, meeting), "Who to contact"), _letter(client, meeting)):
        assert "0131 496 0000" in text
        assert "E-mail</dt>" not in text and "Address</dt>" not in text
        assert "Website" not in text
    pdf = _after(_pdf(client, meeting), "Who to contact")
    assert "Phone: 0131 496 0000" in pdf
    assert "E-mail" not in pdf and "Address" not in pdf and "None" not in pdf


@time_machine.travel(NOW, tick=False)
def test_staff_are_told_the_letterhead_is_incomplete_and_asked_to_find_an_administrator(
    cast, login, meeting, household
):
    _at(meeting, 9, 30)
    page = login(cast.pastoral).get(reverse("meetings:meeting-detail", args=[meeting.pk]))
    text = page.content.decode()
    assert "The school's letterhead is incomplete" in text
    assert "postal address, main phone number, main e-mail address" in text
    assert "Ask the school's administrator" in text
    assert reverse("admin:portal_school_change", args=[cast.school.pk]) not in text


@time_machine.travel(NOW, tick=False)
def test_an_administrator_of_the_school_gets_a_link_to_fill_in_the_letterhead(
    cast, login, meeting, household
):
    head = cast.headteacher
    head.is_staff = True
    head.save()
    head.groups.add(Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)[0])
    head.user_permissions.add(Permission.objects.get(codename="change_school"))
    cast.school.administrators.add(head)
    _at(meeting, 9, 30, status="planned")
    text = login(head).get(reverse("meetings:meeting-plan", args=[meeting.pk])).content.decode()
    link = reverse("admin:portal_school_change", args=[cast.school.pk])
    assert f'<a href="{link}">Fill in the letterhead</a>' in text


@time_machine.travel(NOW, tick=False)
def test_no_hint_once_the_letterhead_is_complete(cast, login, meeting, household, letterhead):
    _at(meeting, 9, 30)
    page = login(cast.pastoral).get(reverse("meetings:meeting-detail", args=[meeting.pk]))
    assert 'data-testid="letterhead-hint"' not in page.content.decode()
