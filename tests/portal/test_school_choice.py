"""Someone with roles at two or more schools chooses where to work; never "not linked"."""

from django.urls import reverse

from portal.middleware import SESSION_KEY
from portal.models import Membership, Role
from tests import factories


def _also_pastoral_at_other_school(cast):
    factories.MembershipFactory(
        user=cast.teacher, school=cast.other_school, role=Role.PASTORAL, job_title="Guidance"
    )
    return cast.teacher


def _choose(client, school, next_url="/"):
    return client.post(reverse("school-switch"), {"school": school.pk, "next": next_url})


def test_teacher_with_two_schools_lands_on_the_chooser_not_the_not_linked_message(login, cast):
    client = login(_also_pastoral_at_other_school(cast))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("school-switch"))
    page = client.get(response.url).content.decode()
    assert "Choose a school" in page
    assert "not linked to a school" not in page
    # Each school with the person's role there.
    assert "Riverside Primary" in page and "Class teacher" in page
    assert "Hillside Academy" in page and "Guidance" in page


def test_choosing_a_school_keeps_it_and_goes_to_its_home(login, cast):
    client = login(_also_pastoral_at_other_school(cast))
    response = _choose(client, cast.other_school)
    assert response.status_code == 302
    assert response.url == "/"
    assert client.session[SESSION_KEY] == cast.other_school.pk
    home = client.get(response.url)
    assert home.status_code == 200
    assert "Guidance at Hillside Academy" in home.content.decode()


def test_header_offers_switch_school_back_to_the_chooser(login, cast):
    client = login(_also_pastoral_at_other_school(cast))
    _choose(client, cast.other_school)
    page = client.get(reverse("home")).content.decode()
    assert "Switch school" in page
    assert f'href="{reverse("school-switch")}"' in page
    chooser = client.get(reverse("school-switch")).content.decode()
    assert f'value="{cast.other_school.pk}" checked' in chooser  # the current one
    _choose(client, cast.school)
    assert "Class teacher at Riverside Primary" in client.get("/").content.decode()


def test_choosing_a_school_that_is_not_theirs_is_refused_and_not_kept(login, cast):
    client = login(_also_pastoral_at_other_school(cast))
    third = factories.SchoolFactory(name="Brookside High", authority=cast.school.authority)
    response = _choose(client, third)
    assert response.status_code == 404
    assert SESSION_KEY not in client.session
    # Nor does it linger: the person is still asked to choose one of their own.
    assert client.get(reverse("home")).url.startswith(reverse("school-switch"))


def test_a_choice_that_is_no_longer_theirs_sends_them_back_to_the_chooser(login, cast):
    client = login(_also_pastoral_at_other_school(cast))
    third = factories.SchoolFactory(name="Brookside High", authority=cast.school.authority)
    ended = factories.MembershipFactory(user=cast.teacher, school=third, role=Role.STAFF)
    _choose(client, third)
    Membership.objects.filter(pk=ended.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("school-switch"))
    assert SESSION_KEY not in client.session
    page = client.get(response.url).content.decode()
    assert f'value="{third.pk}"' not in page
    assert f'value="{cast.other_school.pk}"' in page


def test_one_school_left_after_a_role_ends_is_chosen_for_them(login, cast):
    client = login(_also_pastoral_at_other_school(cast))
    _choose(client, cast.other_school)
    Membership.objects.filter(user=cast.teacher, school=cast.other_school).delete()
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "Class teacher at Riverside Primary" in page.content.decode()
    assert "Switch school" not in page.content.decode()


def test_user_with_one_school_is_not_asked_to_choose(login, cast):
    response = login(cast.teacher).get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Class teacher at Riverside Primary" in body
    assert "Switch school" not in body


def test_user_with_no_school_is_still_told_so(login, db):
    response = login(factories.UserFactory()).get(reverse("home"))
    assert response.status_code == 200
    assert "not linked to a school yet" in response.content.decode()


def test_the_chooser_does_not_widen_access_to_the_other_schools_families(login, cast):
    """Family pages follow the school being worked in: another school's family is a 404 until
    the person switches to it, even where their role there would let them see it."""
    family = factories.SchoolFamilyFactory(school=cast.other_school).family
    client = login(_also_pastoral_at_other_school(cast))
    _choose(client, cast.school)
    url = reverse("families:family-detail", args=[family.pk])
    assert client.get(url).status_code == 404
    _choose(client, cast.other_school)
    assert client.get(url).status_code == 200


def test_authority_officer_with_a_school_role_chooses_between_authority_and_school(login, cast):
    officer = cast.authority_officer
    factories.MembershipFactory(user=officer, school=cast.other_school, role=Role.STAFF)
    client = login(officer)
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("school-switch"))
    page = client.get(response.url).content.decode()
    assert "Riverside Council" in page and "Authority officer" in page
    assert "Hillside Academy" in page and "Teacher or support staff" in page
    _choose(client, cast.school)
    home = client.get("/").content.decode()
    assert "Open the authority dashboard" in home


def test_the_chooser_reads_a_fixed_number_of_queries(login, cast, django_assert_max_num_queries):
    user = _also_pastoral_at_other_school(cast)
    for n in range(3):
        school = factories.SchoolFactory(name=f"School {n}", authority=cast.school.authority)
        factories.MembershipFactory(user=user, school=school, role=Role.STAFF)
    client = login(user)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("school-switch"))
    assert page.content.decode().count('name="school"') == 5
