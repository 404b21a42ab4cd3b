import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.calendar_import import CalendarFileError, calendar_import
from portal.lib.terms import term_containing
from portal.models import CalendarEntry

FIXTURES = Path(__file__).parent / "fixtures"
COUNCIL = (FIXTURES / "council-calendar.ics").read_bytes()
MESSY = (FIXTURES / "council-calendar-messy.ics").read_bytes()
Kind = CalendarEntry.Kind
D = datetime.date


@pytest.fixture(autouse=True)
def _autumn_2026():
    with time_machine.travel(datetime.datetime(2026, 9, 10, 10, 0), tick=False):
        yield


def _kinds(school):
    rows = CalendarEntry.objects.filter(school=school)
    return {kind: rows.filter(kind=kind).count() for kind in Kind.values}


# The importer


def test_the_council_calendar_gives_terms_holidays_and_in_service_days(cast):
    result = calendar_import(school=cast.school, data=COUNCIL)
    assert (result.created, result.updated, result.unchanged) == (15, 0, 0)
    assert _kinds(cast.school) == {"term": 4, "holiday": 7, "inservice": 4}
    assert result.skipped == [
        "“Parents' evening (P1 to P3)” (4 November 2026) is not a term, holiday or in-service day."
    ]
    october = CalendarEntry.objects.get(school=cast.school, name="October holiday")
    # All-day DTEND is the day after the last day.
    assert (october.starts_on, october.ends_on) == (D(2026, 10, 12), D(2026, 10, 16))
    # "Summer term starts" and "Summer term ends" became one term.
    summer = CalendarEntry.objects.get(school=cast.school, kind=Kind.TERM, name="Summer term")
    assert (summer.starts_on, summer.ends_on) == (D(2027, 4, 12), D(2027, 6, 30))


def test_importing_again_updates_and_never_doubles(cast):
    calendar_import(school=cast.school, data=COUNCIL)
    CalendarEntry.objects.filter(school=cast.school, name="October holiday").update(
        ends_on=D(2026, 10, 13)
    )
    again = calendar_import(school=cast.school, data=COUNCIL)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 14)
    assert CalendarEntry.objects.filter(school=cast.school).count() == 15
    october = CalendarEntry.objects.get(school=cast.school, name="October holiday")
    assert october.ends_on == D(2026, 10, 16)
    # Another school's import is its own.
    calendar_import(school=cast.other_school, data=COUNCIL)
    assert CalendarEntry.objects.filter(school=cast.school).count() == 15


def test_a_dry_run_counts_and_writes_nothing(cast):
    result = calendar_import(school=cast.school, data=COUNCIL, dry_run=True)
    assert result.created == 15
    assert result.by_kind == {"Term": 4, "Holiday": 7, "In-service day": 4}
    assert not CalendarEntry.objects.exists()


def test_a_messy_calendar_is_read_as_far_as_it_can_be(cast):
    result = calendar_import(school=cast.school, data=MESSY)
    found = {(f.kind, f.name, f.starts_on, f.ends_on) for f in result.found}
    assert found == {
        (Kind.INSERVICE, "INSET", D(2026, 8, 17), D(2026, 8, 17)),
        # A timed "TERM BEGINS" and a timed "Term ends (… Christmas break)" make one term.
        (Kind.TERM, "Term", D(2026, 8, 18), D(2026, 12, 18)),
        (Kind.HOLIDAY, "half term", D(2026, 10, 12), D(2026, 10, 16)),
        (Kind.HOLIDAY, "Christmas Holidays", D(2026, 12, 21), D(2027, 1, 4)),
        (Kind.HOLIDAY, "Bank Holiday", D(2027, 5, 3), D(2027, 5, 3)),
    }
    assert any("World Book Day" in line for line in result.skipped)
    assert any("no title" in line for line in result.skipped)
    assert any("“Term ends” (31 March 2027) has no start" in line for line in result.skipped)
    assert result.notes == [
        "“Staff development day” repeats; repeating events are not read, so add its days by hand."
    ]
    # The event with no UID still matches itself next time.
    assert calendar_import(school=cast.school, data=MESSY).created == 0


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"Name,Start\nOctober,2026-10-12\n", "not a calendar (.ics)"),
        (b"", "not a calendar (.ics)"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no events"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n", "could not be read"),
    ],
)
def test_a_file_that_is_not_a_calendar_is_refused_in_words(cast, data, words):
    with pytest.raises(CalendarFileError, match=words.replace("(", r"\(").replace(")", r"\)")):
        calendar_import(school=cast.school, data=data)
    assert not CalendarEntry.objects.exists()


def test_the_command_imports_and_dry_runs(cast, capsys):
    path = str(FIXTURES / "council-calendar.ics")
    call_command("import_calendar", path, "--school", str(cast.school.pk), "--dry-run")
    assert "Dry run, nothing changed" in capsys.readouterr().out
    assert not CalendarEntry.objects.exists()
    call_command("import_calendar", path, "--school", str(cast.school.pk))
    assert "Added 15" in capsys.readouterr().out
    assert CalendarEntry.objects.count() == 15
    with pytest.raises(CommandError, match="not a calendar"):
        call_command("import_calendar", __file__, "--school", str(cast.school.pk))


# "This term" from the school's own terms


def test_a_school_whose_spring_term_starts_on_6_january(cast):
    CalendarEntry.objects.create(
        school=cast.school,
        kind=Kind.TERM,
        name="Spring term",
        starts_on=D(2027, 1, 6),
        ends_on=D(2027, 3, 26),
    )
    CalendarEntry.objects.create(
        school=cast.school,
        kind=Kind.TERM,
        name="Summer term",
        starts_on=D(2027, 4, 12),
        ends_on=D(2027, 6, 30),
    )
    spring = term_containing(D(2027, 2, 1), cast.school)
    assert (spring.start, spring.label) == (D(2027, 1, 6), "Spring term 2027")
    # The Easter holiday after the spring term counts with it.
    assert term_containing(D(2027, 4, 2), cast.school).start == D(2027, 1, 6)
    assert term_containing(D(2027, 4, 12), cast.school).start == D(2027, 4, 12)
    # Another school, with no calendar, has the usual terms.
    assert term_containing(D(2027, 2, 1), cast.other_school).start == D(2027, 1, 1)


# The page


def _url(name="calendar", *args):
    return reverse(name, args=args)


def _entry(school, name="October holiday", kind=Kind.HOLIDAY, **days):
    days = days or {"starts_on": D(2026, 10, 12), "ends_on": D(2026, 10, 16)}
    return CalendarEntry.objects.create(school=school, kind=kind, name=name, **days)


def test_the_headteacher_sees_this_term_the_entries_and_the_forms(cast, login):
    calendar_import(school=cast.school, data=COUNCIL)
    client = login(cast.headteacher)
    page = client.get(_url()).text
    assert "This term:</strong> Autumn term 2026, 17 August 2026 to 19 October 2026" in page
    assert "October holiday" in page and "Christmas and New Year holiday" in page
    assert "Import the council's calendar (.ics)" in page
    assert "Add to the calendar" in page and "Remove" in page


@pytest.mark.parametrize("role", ["teacher", "pastoral"])
def test_others_who_work_with_families_read_it_and_cannot_change_it(cast, login, role):
    entry = _entry(cast.school)
    client = login(getattr(cast, role))
    page = client.get(_url()).text
    assert "October holiday" in page and "Add to the calendar" not in page
    assert "Remove" not in page
    assert client.post(_url(), {"kind": "holiday", "name": "x"}).status_code == 403
    assert client.post(_url("calendar-entry-delete", entry.pk)).status_code == 403
    upload = SimpleUploadedFile("c.ics", COUNCIL, content_type="text/calendar")
    assert client.post(_url("calendar-import"), {"file": upload}).status_code == 403
    assert CalendarEntry.objects.count() == 1


def test_an_authority_officer_gets_403(cast, login):
    assert login(cast.authority_officer).get(_url()).status_code == 403


def test_another_schools_entry_is_not_found(cast, login):
    entry = _entry(cast.school, name="Riverside local holiday")
    client = login(cast.outsider_headteacher)
    assert "Riverside local holiday" not in client.get(_url()).text
    assert client.post(_url("calendar-entry-delete", entry.pk)).status_code == 404
    assert CalendarEntry.objects.filter(pk=entry.pk).exists()


def test_anonymous_user_goes_to_login(client, cast):
    response = client.get(_url())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_wrong_methods_are_refused(cast, login):
    entry = _entry(cast.school)
    client = login(cast.headteacher)
    assert client.get(_url("calendar-entry-delete", entry.pk)).status_code == 405
    assert client.get(_url("calendar-import")).status_code == 405
    assert client.put(_url()).status_code == 405


def test_the_headteacher_adds_and_removes_an_entry(cast, login):
    client = login(cast.headteacher)
    form = {
        "kind": "inservice",
        "name": "In-service day",
        "starts_on": "2026-11-20",
        "ends_on": "2026-11-20",
    }
    response = client.post(_url(), form, follow=True)
    assert "Added to the calendar: In-service day" in response.text
    entry = CalendarEntry.objects.get(school=cast.school)
    assert (entry.kind, entry.starts_on, entry.source_uid) == ("inservice", D(2026, 11, 20), "")
    response = client.post(_url("calendar-entry-delete", entry.pk), follow=True)
    assert "Removed from the calendar" in response.text
    assert not CalendarEntry.objects.exists()


def test_an_entry_that_ends_before_it_starts_is_refused(cast, login):
    form = {
        "kind": "holiday",
        "name": "Back to front",
        "starts_on": "2026-11-20",
        "ends_on": "2026-11-19",
    }
    response = login(cast.headteacher).post(_url(), form)
    assert response.status_code == 200
    assert "The last day must be on or after the first day." in response.text
    assert not CalendarEntry.objects.exists()


def test_import_shows_what_the_file_holds_then_imports(cast, login):
    client = login(cast.headteacher)
    upload = SimpleUploadedFile("council.ics", COUNCIL, content_type="text/calendar")
    preview = client.post(_url("calendar-import"), {"file": upload})
    assert preview.status_code == 200
    assert "Nothing has changed yet. Would add 15" in preview.text
    assert "Parents&#x27; evening (P1 to P3)" in preview.text  # left out, and said so
    assert not CalendarEntry.objects.exists()
    # Only what it found waits in the session until "Import", never the file itself.
    kept = client.session["portal.calendar_upload"]
    assert "data" not in kept and len(kept["found"]) == 15
    done = client.post(_url("calendar-import"), {"confirm": "1"}, follow=True)
    assert "Imported the council&#x27;s calendar. Added 15" in done.text
    assert CalendarEntry.objects.filter(school=cast.school).count() == 15
    # The file is used once: confirming again asks for it.
    again = client.post(_url("calendar-import"), {"confirm": "1"}, follow=True)
    assert "Choose the council&#x27;s file again" in again.text
    assert CalendarEntry.objects.count() == 15


def test_a_file_that_is_not_a_calendar_is_refused_on_the_page(cast, login):
    upload = SimpleUploadedFile("list.csv", b"Name,Start\n", content_type="text/csv")
    response = login(cast.headteacher).post(_url("calendar-import"), {"file": upload})
    assert response.status_code == 200
    assert "This file is not a calendar (.ics)." in response.text
    assert not CalendarEntry.objects.exists()


def test_the_page_reads_entries_in_a_fixed_number_of_queries(
    cast, login, django_assert_max_num_queries
):
    calendar_import(school=cast.school, data=COUNCIL)
    client = login(cast.teacher)
    client.get(_url())
    with django_assert_max_num_queries(12):
        assert client.get(_url()).status_code == 200


def test_the_team_page_links_to_the_calendar(cast, login):
    page = login(cast.teacher).get(reverse("school-team", args=[cast.school.pk])).text
    assert reverse("calendar") in page


def _ics(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e}END:VEVENT\r\n" for e in events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n" + body + "END:VCALENDAR\r\n"
    ).encode()


def test_two_events_with_one_id_are_two_entries(cast):
    data = _ics(
        "UID:same\r\nSUMMARY:In-service day\r\nDTSTART;VALUE=DATE:20270104\r\n",
        "UID:same\r\nSUMMARY:In-service day\r\nDTSTART;VALUE=DATE:20270222\r\n",
    )
    result = calendar_import(school=cast.school, data=data)
    assert result.created == 2
    assert CalendarEntry.objects.filter(school=cast.school, kind=Kind.INSERVICE).count() == 2
    again = calendar_import(school=cast.school, data=data)
    assert again.created == 0 and CalendarEntry.objects.filter(school=cast.school).count() == 2


def test_a_date_out_of_range_is_left_out_not_an_error(cast):
    data = _ics(
        "UID:a\r\nSUMMARY:October holiday\r\nDTSTART;VALUE=DATE:00010102\r\n"
        "DTEND;VALUE=DATE:00010101\r\n",
        "UID:b\r\nSUMMARY:In-service day\r\nDTSTART;VALUE=DATE:20270104\r\n",
    )
    result = calendar_import(school=cast.school, data=data, dry_run=True)
    assert result.created == 1
