"""Point 16: a contact's subject or department and lesson or time of day, and where concerns
cluster on the family page (the guidance's third case: incidents mostly in History)."""

import csv
import datetime
import io

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from families.models import Contact, SchoolFamily, Tone
from families.patterns import family_section
from families.school_day import DEFAULT_SUBJECTS
from families.services import contact_log
from portal import access
from portal.models import School
from tests import factories
from tests.families.conftest import make_family


def _secondary(cast):
    cast.school.stage = School.Stage.SECONDARY
    cast.school.save()
    return cast.school


def _simon(cast):
    """Case 3: Simon, S2, excluded several times; the incidents mostly happen in History."""
    _secondary(cast)
    history = factories.UserFactory(first_name="Hamish", last_name="Hume")
    factories.MembershipFactory(user=history, school=cast.school, job_title="History teacher")
    fam = make_family(cast, name="Simon's family", teacher=cast.teacher)
    moments = [
        ("History", "period_3", history),
        ("History", "period_3", history),
        ("History", "period_5", history),
        ("History", "period_3", cast.pastoral),
        ("Mathematics", "period_1", cast.teacher),
    ]
    for days, (subject, lesson, staff) in enumerate(moments, start=1):
        contact_log(
            school=cast.school,
            family=fam.family,
            staff=staff,
            parents=[fam.mum],
            children=[fam.child],
            tone=Tone.CONCERN,
            purpose=Contact.Purpose.BEHAVIOUR,
            subject=subject,
            lesson=lesson,
            occurred_at=timezone.now() - datetime.timedelta(days=days),
            summary="Simon left the lesson after a disagreement about his homework.",
        )
    # Simon does well elsewhere: good news in PE does not count as a concern.
    contact_log(
        school=cast.school,
        family=fam.family,
        staff=cast.teacher,
        parents=[fam.dad],
        tone=Tone.POSITIVE,
        subject="Physical education",
        lesson="period_2",
        summary="Told dad Simon captained the team well.",
    )
    return fam, history


def _table(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</table>", start)]


def test_case_three_shows_history_as_where_concerns_arise(cast, login):
    fam, _ = _simon(cast)
    page = login(cast.pastoral).get(reverse("families:family-detail", args=[fam.family.pk]))
    html = page.content.decode()
    assert "Where concerns arose" in html
    by_subject = _table(html, "concerns-by-subject")
    assert "History" in by_subject and "Mathematics" in by_subject
    assert by_subject.index("History") < by_subject.index("Mathematics")
    assert '<td>History</td><td class="text-end">4</td>' in by_subject
    assert "Physical education" not in by_subject  # good news is not a concern
    by_lesson = _table(html, "concerns-by-lesson")
    assert '<td>Period 3</td><td class="text-end">3</td>' in by_lesson
    by_staff = _table(html, "concerns-by-staff")
    assert '<td>Hamish Hume</td><td class="text-end">3</td>' in by_staff


def test_family_with_no_concerns_shows_no_table(cast, fam, login):
    contact_log(
        school=cast.school,
        family=fam.family,
        staff=cast.teacher,
        parents=[fam.mum],
        tone=Tone.POSITIVE,
        summary="Good news about the class assembly.",
    )
    html = login(cast.teacher).get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "Where concerns arose" not in html


def test_a_concern_the_reader_may_not_see_is_not_counted(cast, fam, login):
    _secondary(cast)
    for level in ("school", "pastoral"):
        contact_log(
            school=cast.school,
            family=fam.family,
            staff=cast.pastoral,
            parents=[fam.mum],
            tone=Tone.CONCERN,
            subject="Science" if level == "school" else "History",
            confidentiality=level,
            confidentiality_reason="" if level == "school" else "A family matter.",
            summary="Talked about the week.",
        )
    url = reverse("families:family-detail", args=[fam.family.pk])
    teacher_html = login(cast.teacher).get(url).text
    assert "Science" in _table(teacher_html, "concerns-by-subject")
    assert "History" not in _table(teacher_html, "concerns-by-subject")
    pastoral_html = login(cast.pastoral).get(url).text
    assert "History" in _table(pastoral_html, "concerns-by-subject")


def test_secondary_school_form_offers_the_usual_subjects_and_times(cast, fam, login):
    _secondary(cast)
    html = login(cast.teacher).get(reverse("families:contact-add", args=[fam.family.pk])).text
    assert 'name="subject"' in html and 'name="lesson"' in html
    for subject in ("History", "Mathematics", "Support for learning"):
        assert f'value="{subject}"' in html
    for label in ("Registration", "Period 1", "Period 6", "Break", "Lunch", "After school"):
        assert label in html


def test_primary_school_without_a_list_is_not_asked_for_a_subject(cast, fam, login):
    html = login(cast.teacher).get(reverse("families:contact-add", args=[fam.family.pk])).text
    assert 'name="subject"' not in html
    assert 'name="lesson"' in html


def test_the_school_list_replaces_the_defaults(cast, fam, login):
    cast.school.subjects = "Outdoor learning\nNurture base\n\noutdoor learning"
    cast.school.save()
    html = login(cast.teacher).get(reverse("families:contact-add", args=[fam.family.pk])).text
    assert 'value="Outdoor learning"' in html and 'value="Nurture base"' in html
    assert html.count('value="Outdoor learning"') == 1
    assert 'value="History"' not in html


def _form_data(fam, **overrides):
    data = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "staff": "",
        "parents": [fam.mum.pk],
        "children": [fam.child.pk],
        "channel": "phone",
        "initiated_by": "school",
        "tone": "concern",
        "formality": "informal",
        "level": "general",
        "purpose": "behaviour",
        "summary": "Rang mum after a hard History lesson.",
        "confidentiality": "school",
        "subject": "History",
        "lesson": "period_3",
    }
    data.update(overrides)
    return data


def test_logging_a_contact_keeps_its_subject_and_time(cast, fam, login):
    _secondary(cast)
    client = login(cast.teacher)
    data = _form_data(fam, staff=cast.teacher.pk)
    response = client.post(reverse("families:contact-add", args=[fam.family.pk]), data)
    assert response.status_code == 302
    contact = Contact.objects.get(family=fam.family)
    assert (contact.subject, contact.lesson) == ("History", "period_3")
    page = client.get(reverse("families:family-detail", args=[fam.family.pk])).text
    assert "in school: History, period 3" in page


def test_a_subject_not_on_the_list_is_refused(cast, fam, login):
    _secondary(cast)
    client = login(cast.teacher)
    data = _form_data(fam, staff=cast.teacher.pk, subject="Alchemy", lesson="period_9")
    response = client.post(reverse("families:contact-add", args=[fam.family.pk]), data)
    assert response.status_code == 200
    assert not Contact.objects.filter(family=fam.family).exists()
    assert "Select a valid choice" in response.text


def test_editing_keeps_a_subject_the_school_has_since_renamed(cast, fam, login):
    _secondary(cast)
    contact = contact_log(
        school=cast.school,
        family=fam.family,
        staff=cast.teacher,
        parents=[fam.mum],
        subject="Modern studies",
        summary="Talked about the project.",
    )
    cast.school.subjects = "Social subjects\nHistory"
    cast.school.save()
    html = login(cast.teacher).get(reverse("families:contact-edit", args=[contact.pk])).text
    assert 'value="Modern studies" selected' in html
    assert 'value="Social subjects"' in html


def test_defaults_are_a_secondary_list():
    assert "History" in DEFAULT_SUBJECTS and "Mathematics" in DEFAULT_SUBJECTS


def test_the_chronology_csv_has_subject_and_time_columns(cast, login):
    fam, _ = _simon(cast)
    response = login(cast.pastoral).get(reverse("families:family-export-csv", args=[fam.family.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert "Who may see this" in rows[0]  # the existing columns are kept
    history = [r for r in rows if r["Subject or department"] == "History"]
    assert len(history) == 4
    assert {r["Lesson or time of day"] for r in history} == {"Period 3", "Period 5"}
    pe = next(r for r in rows if r["Subject or department"] == "Physical education")
    assert pe["Lesson or time of day"] == "Period 2"


@pytest.mark.parametrize("extra", [0, 6])
def test_the_family_section_costs_one_query_whatever_the_number_of_concerns(
    cast, login, extra, django_assert_num_queries
):
    fam, history = _simon(cast)
    for _ in range(extra):
        contact_log(
            school=cast.school,
            family=fam.family,
            staff=history,
            parents=[fam.mum],
            tone=Tone.CONCERN,
            subject="Drama",
            summary="Another hard lesson.",
        )
    request = RequestFactory().get("/")
    request.user, request.school = cast.pastoral, cast.school
    access.memberships(cast.pastoral)  # loaded once per request by the middleware
    school_family = SchoolFamily.objects.get(pk=fam.school_family.pk)
    with django_assert_num_queries(1):
        section = family_section(request, school_family)
    assert section["clusters"].total == 5 + extra
