"""The chronology's CSV: real columns for every kind of entry, plain text, the page's filters and
date range, complaints for those who may see them, and a fixed number of queries."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from compass.services import placement_withdraw
from families.services import contact_amend, contact_log, contact_withdraw
from meetings.models import MeetingParent
from meetings.services import meeting_amend
from portal.models import Role
from tests import factories
from tests.families.conftest import make_family

UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TRICKY = "Mum & Dad's plan: Robin's \"quiet start\" <works>"
LINK_WORDS = ["View", "Show older entries", "Open the meeting", "Open the complaint", "History"]


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def family(cast, compass_defaults):
    return make_family(cast, teacher=cast.teacher)


def _contact(cast, family, **kwargs):
    values = {
        "school": cast.school,
        "family": family.family,
        "staff": cast.teacher,
        "parents": [family.mum],
        "children": [family.child],
        "summary": TRICKY,
        "tone": "positive",
        "channel": "phone",
        "occurred_at": at(11, 10),
    }
    return contact_log(**(values | kwargs))


def _meeting(cast, family, *, starts_at=None, purpose="Mornings & settling in"):
    meeting = factories.MeetingFactory(
        school=cast.school,
        family=family.family,
        chair=cast.pastoral,
        purpose=purpose,
        starts_at=starts_at or at(10, 15),
    )
    meeting.children.add(family.child)
    factories.MeetingParentFactory(
        meeting=meeting, parent=family.mum, response=MeetingParent.Response.ATTENDING
    )
    factories.MeetingParentFactory(
        meeting=meeting, parent=family.dad, response=MeetingParent.Response.DECLINED
    )
    return meeting


def _complaint(cast, family, **kwargs):
    values = {
        "school": cast.school,
        "family": family.family,
        "about": "Swimming kit went missing & nobody rang",
        "received_at": at(11, 1),
        "received_how": "phone",
        "raised_by": family.mum,
        "raised_by_name": "",
        "point_of_contact": cast.pastoral,
    }
    return factories.ComplaintFactory(**(values | kwargs))


def _placement(cast, family, *, placed_at=None, evidence="Calls returned & a visit"):
    return factories.PlacementFactory(
        school_family=family.school_family,
        placed_by=cast.pastoral,
        parents=[family.dad],
        placed_at=placed_at or at(9, 20),
        evidence=evidence,
    )


@pytest.fixture
def everything(cast, family):
    """One entry of each kind the chronology shows, on different days."""
    contact = _contact(cast, family, agreed="Try it for a fortnight")
    contact_amend(contact=contact, amended_by=cast.pastoral, text="Dad's view added.", reason="X")
    gone = _contact(cast, family, summary="ZZ-GONE", occurred_at=at(11, 5))
    contact_withdraw(contact=gone, withdrawn_by=cast.teacher, reason="Entered twice.")
    meeting = _meeting(cast, family)
    meeting_amend(meeting=meeting, amended_by=cast.pastoral, text="Start at 8:45.", reason="Y")
    factories.FollowUpFactory(
        meeting=meeting, owner=cast.pastoral, due_on=datetime.date(2026, 12, 1)
    )
    _placement(cast, family)
    gone = _placement(cast, family, placed_at=at(9, 1), evidence="ZZ-GONE-PLACEMENT")
    placement_withdraw(placement=gone, withdrawn_by=cast.pastoral, reason="Wrong family.")
    _complaint(cast, family)
    return family


def _csv(client, family, **params):
    response = client.get(reverse("families:family-export-csv", args=[family.family.pk]), params)
    assert response.status_code == 200
    return response.content.decode(), list(csv.DictReader(io.StringIO(response.content.decode())))


def _page(client, family, **params):
    return client.get(reverse("families:family-detail", args=[family.family.pk]), params)


def _chronology(client, family, **params):
    """The chronology alone, as the page's filter fetches it."""
    url = reverse("families:family-detail", args=[family.family.pk])
    return client.get(url, params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="chronology").text


def _by_kind(rows):
    return {row["Kind"]: row for row in rows}


def test_every_kind_of_entry_has_its_own_columns(cast, login, everything):
    text, rows = _csv(login(cast.pastoral), everything)
    assert list(rows[0]) == [
        "Kind",
        "When",
        "Who",
        "With",
        "About",
        "Tone",
        "Channel",
        "Summary",
        "Agreed",
        "Who may see this",
        "Subject or department",
        "Lesson or time of day",
    ]
    # Newest first; an amendment follows the record it amends.
    assert [row["Kind"] for row in rows] == [
        "Meeting follow-up",
        "Contact",
        "Contact amendment",
        "Contact (withdrawn)",
        "Complaint",
        "Meeting",
        "Meeting amendment",
        "Compass placement",
        "Compass placement (withdrawn)",
    ]
    kinds = _by_kind(rows)
    mum, dad = everything.mum.full_name, everything.dad.full_name
    pastoral, teacher = cast.pastoral.get_full_name(), cast.teacher.get_full_name()

    contact = kinds["Contact"]
    assert contact["When"] == "2026-11-10 10:00"
    assert (contact["Who"], contact["With"], contact["About"]) == (teacher, mum, "Robin")
    assert (contact["Tone"], contact["Channel"]) == ("Positive", "Phone call")
    assert contact["Summary"] == TRICKY
    assert contact["Agreed"] == "Try it for a fortnight"
    assert contact["Who may see this"] == "All staff at the school who work with the family"
    amendment = kinds["Contact amendment"]
    assert amendment["Who"] == pastoral and amendment["Summary"] == "Dad's view added. (Reason: X)"

    withdrawn = kinds["Contact (withdrawn)"]
    assert withdrawn["Who"] == teacher
    assert withdrawn["Summary"].startswith("Withdrawn: Entered twice.")
    assert "ZZ-GONE" not in text

    meeting = kinds["Meeting"]
    assert (meeting["Who"], meeting["With"], meeting["About"]) == (pastoral, mum, "Robin")
    assert meeting["Channel"] == "A private room at school"
    assert "Purpose: Mornings & settling in" in meeting["Summary"]
    assert kinds["Meeting amendment"]["Summary"] == "Start at 8:45. (Reason: Y)"
    follow_up = kinds["Meeting follow-up"]
    assert (follow_up["Who"], follow_up["Channel"]) == (pastoral, "Phone call")
    assert "Scheduled by 1 Dec 2026" in follow_up["Summary"]

    placement = kinds["Compass placement"]
    assert (placement["Who"], placement["With"]) == (pastoral, dad)
    assert "Evidence: Calls returned & a visit" in placement["Summary"]
    assert kinds["Compass placement (withdrawn)"]["Summary"].startswith("Withdrawn: Wrong family.")

    complaint = kinds["Complaint"]
    assert (complaint["Who"], complaint["With"]) == (pastoral, mum)
    assert complaint["Channel"] == "Phone call"
    assert complaint["Summary"] == "Open. Swimming kit went missing & nobody rang"
    assert "point of contact" in complaint["Who may see this"]


def test_the_csv_is_plain_text_without_entities_or_link_words(cast, login, everything):
    text, rows = _csv(login(cast.headteacher), everything)
    assert "&amp;" not in text and "&#" not in text and "&quot;" not in text
    assert "<a" not in text
    for row in rows:
        for words in LINK_WORDS:
            assert words not in row["Summary"]
    assert any(row["Summary"] == TRICKY for row in rows)


def test_every_column_defuses_spreadsheet_formulas(cast, login, family):
    _complaint(cast, family, raised_by=None, raised_by_name='=HYPERLINK("http://x")')
    _contact(cast, family, summary="@SUM(A1)", agreed="+1 more call")
    _text, rows = _csv(login(cast.pastoral), family)
    kinds = _by_kind(rows)
    assert kinds["Complaint"]["With"] == '\'=HYPERLINK("http://x")'
    assert kinds["Contact"]["Summary"] == "'@SUM(A1)"
    assert kinds["Contact"]["Agreed"] == "'+1 more call"


def test_the_csv_keeps_the_pages_type_and_child_filters(cast, login, everything):
    sister = factories.ChildFactory(school=cast.school, family=everything.family, first_name="Skye")
    _contact(cast, everything, children=[sister], summary="About Skye only", occurred_at=at(11, 12))
    client = login(cast.pastoral)
    _text, rows = _csv(client, everything, kind="meeting")
    assert {row["Kind"] for row in rows} == {"Meeting", "Meeting amendment", "Meeting follow-up"}
    _text, rows = _csv(client, everything, kind="placement")
    assert {row["Kind"] for row in rows} == {"Compass placement", "Compass placement (withdrawn)"}
    text, rows = _csv(client, everything, child=everything.child.pk)
    assert "About Skye only" not in text
    assert {"Contact", "Meeting"} <= {row["Kind"] for row in rows}
    text, _rows = _csv(client, everything, child=sister.pk)
    assert "About Skye only" in text and TRICKY not in text
    # The page offers the same downloads for what it shows.
    page = _page(client, everything, kind="meeting").text
    assert "chronology.csv?kind=meeting" in page


def test_a_date_range_narrows_the_page_and_the_csv_alike(cast, login, everything):
    client = login(cast.pastoral)
    october = {"date_from": "2026-10-01", "date_to": "2026-10-31"}
    _text, rows = _csv(client, everything, **october)
    assert [row["Kind"] for row in rows] == ["Meeting", "Meeting amendment"]
    page = _chronology(client, everything, **october)
    assert "Mornings &amp; settling in" in page
    assert "quiet start" not in page and "Swimming kit" not in page
    # Both ends are whole days: a contact at 10:00 on the last day is inside.
    _text, rows = _csv(client, everything, date_from="2026-11-10", date_to="2026-11-10")
    assert [row["Kind"] for row in rows] == ["Contact", "Contact amendment"]
    _text, rows = _csv(client, everything, date_from="2026-11-01")
    kinds = [row["Kind"] for row in rows]
    assert "Complaint" in kinds and "Meeting" not in kinds and "Compass placement" not in kinds
    printed = client.get(
        reverse("families:family-print", args=[everything.family.pk]), october
    ).text
    assert "Mornings &amp; settling in" in printed and "quiet start" not in printed


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-45"}, "Enter a date as day, month and year"),
        ({"date_to": "not a date'); DROP TABLE x;--"}, "Enter a date as day, month and year"),
        ({"date_from": "0001-01-01"}, "Enter a date between 1900 and 2100."),
        ({"date_to": "9999-12-31"}, "Enter a date between 1900 and 2100."),
        ({"date_from": "2026-11-02", "date_to": "2026-11-01"}, "The end date is before the start"),
        ({"date_from": "9" * 5000}, "Enter a date as day, month and year"),
    ],
)
def test_a_date_that_cannot_be_used_gets_a_plain_message(cast, login, everything, params, message):
    client = login(cast.pastoral)
    page = _page(client, everything, **params)
    assert page.status_code == 200
    assert message in page.text
    assert 'aria-invalid="true"' in page.text
    assert "quiet start" in page.text  # the other filters, and the entries, still show
    response = client.get(
        reverse("families:family-export-csv", args=[everything.family.pk]), params
    )
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert message in followed.text
    assert "The chronology was not downloaded: check the dates." in followed.text


def test_complaints_show_for_the_pastoral_team_on_the_page_and_in_the_csv(cast, login, everything):
    for user in (cast.pastoral, cast.headteacher):
        client = login(user)
        page = _page(client, everything)
        assert "Swimming kit went missing" in page.text
        assert '<option value="complaint"' in page.text
        assert "Swimming kit went missing" in _page(client, everything, kind="complaint").text
        text, _rows = _csv(client, everything)
        assert "Swimming kit went missing" in text


def test_a_teacher_sees_only_the_complaints_they_are_point_of_contact_for(cast, login, everything):
    client = login(cast.teacher)
    page = _page(client, everything, kind="complaint")
    assert page.status_code == 200
    assert "Swimming kit" not in page.text
    assert '<option value="complaint"' not in page.text
    text, rows = _csv(client, everything)
    assert "Swimming kit" not in text
    assert "Complaint" not in {row["Kind"] for row in rows}
    _complaint(cast, everything, about="Lunch money & the office", point_of_contact=cast.teacher)
    assert "Lunch money &amp; the office" in _page(client, everything).text
    text, _rows = _csv(client, everything)
    assert "Lunch money & the office" in text and "Swimming kit" not in text


def test_an_authority_officer_never_reaches_the_chronology(cast, login, everything):
    client = login(cast.authority_officer)
    assert _page(client, everything).status_code == 403
    response = client.get(reverse("families:family-export-csv", args=[everything.family.pk]))
    assert response.status_code == 403


def test_a_withdrawn_complaint_shows_collapsed_with_its_reason(cast, login, family):
    from complaints.services import complaint_withdraw

    complaint = _complaint(cast, family, about="ZZ-WRONG-FAMILY")
    complaint_withdraw(complaint=complaint, withdrawn_by=cast.pastoral, reason="Wrong family.")
    client = login(cast.pastoral)
    page = _page(client, family).text
    assert "Withdrawn</span> Complaint of" in page
    text, rows = _csv(client, family)
    assert rows[0]["Kind"] == "Complaint (withdrawn)"
    assert "ZZ-WRONG-FAMILY" not in text


def _add_each_kind(cast, family, n):
    for i in range(n):
        contact = _contact(cast, family, occurred_at=at(11, 1 + i))
        contact_amend(contact=contact, amended_by=cast.pastoral, text="More.", reason="X")
        meeting = _meeting(cast, family, starts_at=at(10, 1 + i))
        meeting_amend(meeting=meeting, amended_by=cast.pastoral, text="More.", reason="Y")
        factories.FollowUpFactory(meeting=meeting, owner=cast.pastoral)
        _placement(cast, family, placed_at=at(9, 1 + i))
        _complaint(cast, family, received_at=at(8, 1 + i))


def test_the_csv_reads_a_fixed_number_of_queries(
    cast, login, family, django_assert_max_num_queries
):
    client = login(cast.pastoral)
    url = reverse("families:family-export-csv", args=[family.family.pk])
    _add_each_kind(cast, family, 2)
    client.get(url)
    with django_assert_max_num_queries(18) as small:
        client.get(url)
    _add_each_kind(cast, family, 5)
    with django_assert_max_num_queries(18) as large:
        response = client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert response.content.decode().count("\nComplaint,") == 7


def test_a_date_range_on_the_page_reads_a_fixed_number_of_queries(
    cast, login, family, django_assert_max_num_queries
):
    client = login(cast.pastoral)
    params = {"date_from": "2026-08-01", "date_to": "2026-11-30", "limit": 100}
    _add_each_kind(cast, family, 2)
    _page(client, family, **params)
    # The blocks above the chronology still show the latest records, so a dated page reads
    # the placements, meetings and complaints twice (and the balance once): 7 over the 25.
    with django_assert_max_num_queries(32) as small:
        _page(client, family, **params)
    _add_each_kind(cast, family, 5)
    with django_assert_max_num_queries(32) as large:
        page = _page(client, family, **params)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert page.text.count("· Complaint ·") == 7
    # Choosing dates with the filter fetches the chronology alone, in the page's budget.
    with django_assert_max_num_queries(24):
        fragment = _chronology(client, family, **params)
    assert fragment.count("· Complaint ·") == 7


def test_more_members_of_staff_do_not_see_a_complaint_through_the_page(cast, login, family):
    """A second class teacher of the child (not the point of contact) sees no complaint."""
    colleague = factories.UserFactory(username="colleague")
    factories.MembershipFactory(user=colleague, school=cast.school, role=Role.STAFF)
    family.class_group.staff.add(colleague)
    _complaint(cast, family, point_of_contact=cast.teacher)
    client = login(colleague)
    assert "Swimming kit" not in _page(client, family).text
    assert "Swimming kit" not in _csv(client, family)[0]


def test_printing_with_a_date_that_cannot_be_used_goes_back_to_the_filter(cast, login, family):
    client = login(cast.pastoral)
    url = reverse("families:family-print", args=[family.family.pk])
    response = client.get(url, {"date_from": "31/02/2026"})
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert "The chronology was not printed: check the dates." in followed.text
    assert "Enter a date as day, month and year" in followed.text
