"""Times read once and the same way on the letter, the summary page, its PDF and the staff
pages: "9:30 a.m." and "3 p.m." (the letter once said "3:00 p.m." beside "15:00")."""

import datetime
import io
import re
import zoneinfo

import pypdf
import pytest
import time_machine
from django.urls import reverse

from meetings.models import Meeting

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)
CASES = [
    ((9, 30), "9:30 a.m.", "Monday 2 March 2026 at 9:30 a.m."),
    ((15, 0), "3 p.m.", "Monday 2 March 2026 at 3 p.m."),
]


def _at(meeting, hour, minute, *, status):
    starts = datetime.datetime(2026, 3, 2, hour, minute, tzinfo=LONDON)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts, status=status)
    meeting.refresh_from_db()


def _no_stray_clock(text):
    """No time in 24-hour form, with a leading zero, with ":00", or with a doubled suffix."""
    assert not re.search(r"\b(0\d|1[3-9]|2[0-3]):\d\d\b", text), re.findall(r"\b\d\d:\d\d\b", text)
    assert ":00 " not in text
    assert not re.search(r"[ap]\.m\.\s*[ap]\.?m", text)


@pytest.mark.parametrize(("at", "clock", "when"), CASES)
@time_machine.travel(NOW, tick=False)
def test_the_letter_reads_the_time_once(cast, login, meeting, household, at, clock, when):
    household.mum.language = "English"  # the letters in English (Polish reads its own way)
    household.mum.save()
    _at(meeting, *at, status="planned")
    text = login(cast.pastoral).get(reverse("meetings:meeting-letter", args=[meeting.pk]))
    letters = text.content.decode().split('<article class="letter"')[1:]
    assert letters
    for letter in letters:
        assert f"{when}." in letter
        assert letter.count(clock) == 1
        _no_stray_clock(letter)


@pytest.mark.parametrize(("at", "clock", "when"), CASES)
@time_machine.travel(NOW, tick=False)
def test_the_summary_page_and_pdf_read_the_time_once(
    cast, login, meeting, household, at, clock, when
):
    _at(meeting, *at, status="held")
    client = login(cast.pastoral)
    page = client.get(reverse("meetings:meeting-summary", args=[meeting.pk])).content.decode()
    article = page[page.index('<article class="family-summary"') :]
    assert when in article and article.count(clock) == 1
    _no_stray_clock(article)
    response = client.get(reverse("meetings:meeting-summary-pdf", args=[meeting.pk]))
    pdf = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert when in " ".join(pdf.split()) and pdf.count(clock) == 1
    _no_stray_clock(pdf)


@pytest.mark.parametrize(("at", "clock", "when"), CASES)
@time_machine.travel(NOW, tick=False)
def test_the_meeting_pages_use_the_same_clock(cast, login, meeting, household, at, clock, when):
    _at(meeting, *at, status="planned")
    client = login(cast.pastoral)
    plan = client.get(reverse("meetings:meeting-plan", args=[meeting.pk])).content.decode()
    end = "10:15 a.m." if at == (9, 30) else "3:45 p.m."
    assert f"Monday 2 March 2026, {clock} to {end}" in plan
    listing = client.get(reverse("meetings:meeting-list")).content.decode()
    assert f"Mon 2 Mar 2026, {clock}" in listing
