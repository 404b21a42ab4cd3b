"""A child recorded before they start: transition work can begin, and until their first day they
show as "starting on …" and count in no school roll figure; on that day they are ordinary pupils."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse

from dashboards import figures
from dashboards.authority import authority_region_counts
from dashboards.navigation import _home_panel
from families.importer import families_import
from families.models import Child, ChildParent, Contact, ContactMonthRollup, SchoolFamily
from families.rollups import rollup_refresh
from meetings.forms import AgencyForm
from meetings.models import AgencyKind
from tests import factories

NOW = dt.datetime(2027, 5, 12, 10, 0, tzinfo=dt.UTC)
START = dt.date(2027, 8, 18)
ADD = reverse("families:child-before-start-add")

pytestmark = pytest.mark.usefixtures("compass_defaults")


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def _form(**overrides):
    data = {
        "first_name": "Leo",
        "last_name": "Grant",
        "date_of_birth": "2022-06-02",
        "coming_from": "Rowan Tree Nursery",
        "starts_on": START.isoformat(),
        "class_group": "",
        "family_name": "",
        "parent_first_name": "Nadia",
        "parent_last_name": "Grant",
        "relationship": ChildParent.Relationship.MOTHER,
        "parent_phone": "07700 900555",
        "parent_email": "",
    }
    data.update(overrides)
    return data


def _starting_family(school, *, class_group=None, name="Leo Grant's family"):
    school_family = factories.SchoolFamilyFactory(school=school, family__name=name)
    child = factories.ChildFactory(
        school=school,
        family=school_family.family,
        first_name="Leo",
        last_name="Grant",
        date_of_birth=dt.date(2022, 6, 2),
        year_group="P1",
        class_group=class_group,
        starts_on=START,
        coming_from="Rowan Tree Nursery",
    )
    factories.ChildParentFactory(child=child, parent__last_name="Grant")
    return school_family, child


def _pupil_family(school, *, class_group=None, name="The Reid family"):
    school_family = factories.SchoolFamilyFactory(school=school, family__name=name)
    factories.ChildFactory(school=school, family=school_family.family, class_group=class_group)
    return school_family


# --- Recording the child -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["pastoral", "headteacher"])
def test_pastoral_staff_and_headteachers_record_a_child_before_they_start(login, cast, role):
    group = factories.ClassGroupFactory(school=cast.school, name="P1A", year_group="P1")
    response = login(getattr(cast, role)).post(ADD, _form(class_group=group.pk))
    child = Child.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("families:family-detail", args=[child.family_id])
    assert (child.starts_on, child.coming_from, child.class_group) == (
        START,
        "Rowan Tree Nursery",
        group,
    )
    assert child.year_group == "P1"
    assert child.family.name == "Leo Grant's family"
    assert SchoolFamily.objects.filter(school=cast.school, family=child.family).exists()
    link = ChildParent.objects.get(child=child)
    assert (link.parent.full_name, link.parent.phone) == ("Nadia Grant", "07700 900555")
    page = login(getattr(cast, role)).get(response["Location"]).text
    assert "Starting on 18 Aug 2027, now at Rowan Tree Nursery" in page


@pytest.mark.parametrize("role", ["teacher", "authority_officer", "admin"])
def test_teachers_officers_and_administrators_may_not_record_one(login, cast, role):
    client = login(getattr(cast, role))
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, _form()).status_code == 403
    assert not Child.objects.exists()


def test_anonymous_user_goes_to_login(client, cast):
    response = client.get(ADD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_start_date_already_come_is_refused_beside_the_field(login, cast):
    response = login(cast.pastoral).post(ADD, _form(starts_on="2027-05-12"))
    assert response.status_code == 200
    assert "Enter a date still to come" in response.text
    assert "Nothing was saved" in response.text
    assert not Child.objects.exists()


def test_a_class_of_another_school_is_refused(login, cast):
    theirs = factories.ClassGroupFactory(school=cast.other_school)
    response = login(cast.pastoral).post(ADD, _form(class_group=theirs.pk))
    assert "Choose a class of this school." in response.text
    assert not Child.objects.exists()


def test_the_family_list_offers_the_form_to_those_who_may_use_it(login, cast):
    assert ADD in login(cast.pastoral).get(reverse("families:family-list")).text
    assert ADD not in login(cast.teacher).get(reverse("families:family-list")).text


def test_the_importer_brings_a_pupil_with_a_future_start_date(cast):
    csv_text = (
        "pupil_id,pupil_first_name,pupil_last_name,date_of_birth,family_ref,parent_id,"
        "parent_last_name,relationship,start_date,coming_from\n"
        "N1,Leo,Grant,2022-06-02,F1,P1,Grant,mother,18/08/2027,Rowan Tree Nursery\n"
    )
    result = families_import(content=csv_text, school=cast.school)
    assert not result.errors
    child = Child.objects.get(external_id="N1")
    assert (child.starts_on, child.coming_from) == (START, "Rowan Tree Nursery")
    assert not SchoolFamily.objects.filter(school=cast.school).on_roll().exists()


# --- Shown as starting, everywhere ------------------------------------------------------------


def test_family_list_shows_the_child_as_starting(login, cast):
    _starting_family(cast.school)
    page = login(cast.pastoral).get(reverse("families:family-list")).text
    assert "Starting on 18 Aug 2027" in page


def test_transition_contacts_and_meetings_can_be_logged_before_day_one(login, cast):
    school_family, child = _starting_family(cast.school)
    client = login(cast.pastoral)
    form = client.get(reverse("families:contact-add", args=[school_family.family_id])).text
    assert "Leo Grant (P1, starting on 18 Aug 2027)" in form
    response = client.post(
        reverse("families:contact-add", args=[school_family.family_id]),
        {
            "staff": cast.pastoral.pk,
            "parents": [child.parent_links.get().parent_id],
            "children": [child.pk],
            "occurred_at": "2027-05-12T09:30",
            "channel": "face_to_face",
            "initiated_by": "school",
            "tone": "positive",
            "formality": "formal",
            "level": "general",
            "purpose": "good_news",
            "confidentiality": "school",
            "summary": "Visited Leo at Rowan Tree Nursery with his key worker.",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Contact.objects.get().children.get() == child
    meeting = client.get(reverse("meetings:meeting-add", args=[school_family.family_id])).text
    assert "Leo Grant (P1, starting on 18 Aug 2027)" in meeting


def test_the_health_visitor_and_the_nursery_are_agencies_a_meeting_can_name():
    for kind in (AgencyKind.HEALTH_VISITOR, AgencyKind.EARLY_YEARS):
        form = AgencyForm(
            {"name": "Sam Lee", "organisation": "Riverside Health", "kind": kind, "role": ""}
        )
        assert form.is_valid(), form.errors


# --- No roll figure until the start date ------------------------------------------------------


def test_the_dashboard_counts_no_family_whose_children_have_not_started(login, cast):
    group = factories.ClassGroupFactory(school=cast.school, name="P1A", year_group="P1")
    _pupil_family(cast.school, class_group=group)
    _starting_family(cast.school, class_group=group)
    client = login(cast.headteacher)
    assert client.get(reverse("dashboards:dashboard")).context["total"] == 1
    by_class = client.get(reverse("dashboards:dashboard"), {"class_group": group.pk})
    assert by_class.context["total"] == 1
    panel = _home_panel(SimpleNamespace(school=cast.school, user=cast.headteacher))
    assert panel["attention"]["families"] == 1
    assert sum(row.count for row in panel["rows"]) == 1


def test_a_family_with_a_pupil_already_here_counts_with_a_brother_still_to_start(cast):
    school_family = _pupil_family(cast.school)
    factories.ChildFactory(
        school=cast.school, family=school_family.family, starts_on=START, year_group="P1"
    )
    assert list(SchoolFamily.objects.filter(school=cast.school).on_roll()) == [school_family]


def test_authority_figures_and_the_contact_rollup_leave_them_out(cast):
    _pupil_family(cast.school)
    starting, _child = _starting_family(cast.school)
    counts = authority_region_counts({cast.school.authority_id})
    assert sum(counts[cast.school.pk].values()) == 1
    factories.ContactFactory(school=cast.school, family=starting.family, staff=cast.pastoral)
    rollup_refresh(school=cast.school)
    row = ContactMonthRollup.objects.get(school=cast.school)
    assert (row.total, row.families) == (1, 0)


def test_contacts_by_year_group_leave_a_child_still_to_start_out(cast):
    starting, _child = _starting_family(cast.school)
    factories.ContactFactory(school=cast.school, family=starting.family, staff=cast.pastoral)
    contacts = Contact.objects.filter(school=cast.school)
    assert figures.balance_by_year_group(contacts, cast.school) == []


def test_on_their_start_date_they_are_ordinary_pupils(login, cast, time_machine):
    _starting_family(cast.school)
    time_machine.move_to(dt.datetime(2027, 8, 18, 8, 0, tzinfo=dt.UTC), tick=False)
    client = login(cast.headteacher)
    assert client.get(reverse("dashboards:dashboard")).context["total"] == 1
    assert "Starting on" not in login(cast.pastoral).get(reverse("families:family-list")).text
    assert Child.objects.on_roll().count() == 1
