"""Point 17 (and 16's subject list): the headteacher names the school's subjects and its
designated teacher for looked-after children, who then works with every looked-after child's
family — a family's sight, not the pastoral team's (portal.access.sees_looked_after_children)."""

import pytest
from django.urls import reverse

from families.models import Contact, SchoolFamily, Tone
from families.services import contact_log
from portal import access
from portal.models import StaffAccessChange
from tests import factories
from tests.families.conftest import make_family


def _lists_url(cast):
    return reverse("school-lists", args=[cast.school.pk])


@pytest.fixture
def designated(cast):
    """A class teacher who teaches none of the looked-after child's classes."""
    user = factories.UserFactory(username="dt", first_name="Dana", last_name="Teague")
    factories.MembershipFactory(user=user, school=cast.school, job_title="Maths teacher")
    return user


@pytest.fixture
def looked_after(cast):
    fam = make_family(cast, name="Kai's family")
    fam.child.looked_after = True
    fam.child.save()
    return fam


def test_headteacher_names_the_designated_teacher_and_the_subjects(cast, login, designated):
    client = login(cast.headteacher)
    assert client.get(_lists_url(cast)).status_code == 200
    response = client.post(
        _lists_url(cast),
        {"subjects": " History \n\nOutdoor  learning\n", "designated_teacher": designated.pk},
    )
    assert response.status_code == 302
    cast.school.refresh_from_db()
    assert cast.school.designated_teacher == designated
    assert cast.school.subjects == "History\nOutdoor learning"
    change = StaffAccessChange.objects.get(school=cast.school)
    assert "Designated teacher" in change.what and change.after == "Dana Teague"
    team = client.get(reverse("school-team", args=[cast.school.pk])).text
    assert "Designated teacher for looked-after children: <strong>Dana Teague</strong>" in team


def test_a_subject_longer_than_a_contact_holds_is_refused(cast, login):
    response = login(cast.headteacher).post(_lists_url(cast), {"subjects": "x" * 81})
    assert response.status_code == 200
    assert "Keep each subject to 80 characters" in response.text


@pytest.mark.parametrize("role", ["teacher", "pastoral", "authority_officer"])
def test_only_the_headteacher_sets_the_lists(cast, login, role):
    assert login(getattr(cast, role)).get(_lists_url(cast)).status_code == 403


def test_another_schools_lists_are_404(cast, login):
    assert login(cast.outsider_headteacher).get(_lists_url(cast)).status_code == 404


def test_someone_outside_the_school_cannot_be_named(cast, login):
    response = login(cast.headteacher).post(
        _lists_url(cast), {"subjects": "", "designated_teacher": cast.outsider_teacher.pk}
    )
    assert response.status_code == 200
    cast.school.refresh_from_db()
    assert cast.school.designated_teacher is None


def test_the_designated_teacher_sees_a_looked_after_childs_family(
    cast, login, designated, looked_after
):
    other = make_family(cast, name="Other family")
    url = reverse("families:family-detail", args=[looked_after.family.pk])
    client = login(designated)
    assert client.get(url).status_code == 404  # not named yet: like any colleague
    cast.school.designated_teacher = designated
    cast.school.save()
    client = login(designated)
    page = client.get(url)
    assert page.status_code == 200
    assert client.get(reverse("families:family-detail", args=[other.family.pk])).status_code == 404
    assert access.sees_looked_after_children(designated, cast.school)
    visible = SchoolFamily.objects.visible_to(designated, cast.school)
    assert list(visible.values_list("family_id", flat=True)) == [looked_after.family.pk]


def test_pastoral_confidential_contacts_stay_with_the_pastoral_team(
    cast, login, designated, looked_after
):
    cast.school.designated_teacher = designated
    cast.school.save()
    for level, words in (("school", "Kai enjoyed the trip."), ("pastoral", "A court hearing.")):
        contact_log(
            school=cast.school,
            family=looked_after.family,
            staff=cast.pastoral,
            parents=[looked_after.mum],
            tone=Tone.NEUTRAL,
            confidentiality=level,
            confidentiality_reason="" if level == "school" else "Sensitive family matter.",
            summary=words,
        )
    page = login(designated).get(reverse("families:family-detail", args=[looked_after.family.pk]))
    assert "Kai enjoyed the trip." in page.text
    assert "A court hearing." not in page.text
    assert Contact.objects.readable_by(designated, cast.school).count() == 1


def test_the_designated_teacher_is_named_on_a_looked_after_childs_page_only(
    cast, login, designated, looked_after
):
    cast.school.designated_teacher = designated
    cast.school.save()
    client = login(cast.pastoral)
    page = client.get(reverse("families:family-detail", args=[looked_after.family.pk])).text
    assert "designated teacher for looked-after children is <strong>Dana Teague</strong>" in page
    other = make_family(cast, name="Other family")
    page = client.get(reverse("families:family-detail", args=[other.family.pk])).text
    assert 'data-testid="designated-teacher"' not in page


def test_pastoral_and_headteacher_are_not_widened_or_narrowed(cast, looked_after):
    cast.school.designated_teacher = cast.pastoral
    cast.school.save()
    assert access.is_designated_teacher(cast.pastoral, cast.school)
    assert not access.sees_looked_after_children(cast.pastoral, cast.school)  # sees all anyway
    assert SchoolFamily.objects.visible_to(cast.pastoral, cast.school).count() == 1


def test_an_authority_officer_named_gains_nothing(cast, looked_after):
    cast.school.designated_teacher = cast.authority_officer
    cast.school.save()
    assert not access.sees_looked_after_children(cast.authority_officer, cast.school)
    assert not SchoolFamily.objects.visible_to(cast.authority_officer, cast.school).exists()
