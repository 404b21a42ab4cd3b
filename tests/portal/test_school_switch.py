from django.urls import reverse

from portal.middleware import SESSION_KEY
from portal.models import Role
from tests import factories


def _two_school_teacher(cast):
    factories.MembershipFactory(user=cast.teacher, school=cast.other_school, role=Role.PASTORAL)
    return cast.teacher


def test_user_with_one_school_works_in_it_without_choosing(login, cast):
    response = login(cast.teacher).get(reverse("home"))
    assert response.status_code == 200
    assert "Riverside Primary" in response.content.decode()
    assert "Switch school" not in response.content.decode()


def test_user_with_two_schools_is_asked_to_choose_first(login, cast):
    client = login(_two_school_teacher(cast))
    response = client.get(reverse("school-team", args=[cast.school.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("school-switch"))
    page = client.get(response.url).content.decode()
    assert "Riverside Primary" in page and "Hillside Academy" in page


def test_choice_is_kept_in_session_and_shown_in_header(login, cast):
    client = login(_two_school_teacher(cast))
    response = client.post(
        reverse("school-switch"), {"school": cast.other_school.pk, "next": "/"}, follow=True
    )
    assert client.session[SESSION_KEY] == cast.other_school.pk
    header = response.content.decode()
    assert 'data-testid="current-school"' in header
    assert "Hillside Academy" in header
    assert "Pastoral or guidance" in header  # the role at the chosen school


def test_cannot_switch_to_a_school_without_membership(login, cast):
    client = login(cast.teacher)
    response = client.post(reverse("school-switch"), {"school": cast.other_school.pk})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_switch_ignores_next_urls_to_other_sites(login, cast):
    client = login(_two_school_teacher(cast))
    response = client.post(
        reverse("school-switch"), {"school": cast.school.pk, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_rejects_nonsense_school_id(login, cast):
    client = login(_two_school_teacher(cast))
    response = client.post(reverse("school-switch"), {"school": "'; drop table"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "choose one of your schools" in response.content.decode()


def test_school_switch_rejects_other_methods(login, cast):
    assert login(cast.teacher).put(reverse("school-switch")).status_code == 405


def test_anonymous_user_cannot_switch(client, cast):
    response = client.get(reverse("school-switch"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
