import pytest
from django.urls import reverse


def _url(school):
    return reverse("school-team", args=[school.pk])


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_family_roles_see_their_school_team(login, cast, role):
    response = login(getattr(cast, role)).get(_url(cast.school))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Guidance teacher" in body  # the pastoral colleague's job title
    assert "Headteacher" in body


def test_authority_officer_gets_403_on_the_team_page(login, cast):
    assert login(cast.authority_officer).get(_url(cast.school)).status_code == 403


@pytest.mark.parametrize(
    "role", ["outsider_teacher", "outsider_pastoral", "outsider_headteacher", "admin"]
)
def test_users_of_another_school_get_404(login, cast, role):
    assert login(getattr(cast, role)).get(_url(cast.school)).status_code == 404


def test_nonexistent_school_is_404(login, cast):
    assert login(cast.teacher).get("/schools/999999/team/").status_code == 404


def test_anonymous_user_goes_to_login(client, cast):
    response = client.get(_url(cast.school))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_post_is_not_allowed(login, cast):
    assert login(cast.teacher).post(_url(cast.school)).status_code == 405


def test_team_page_queries_do_not_grow_with_staff(login, cast, django_assert_max_num_queries):
    from portal.models import Role
    from tests import factories

    client = login(cast.headteacher)
    client.get(_url(cast.school))
    for _ in range(2):
        factories.MembershipFactory(school=cast.school, role=Role.STAFF)
    with django_assert_max_num_queries(8):
        small = client.get(_url(cast.school))
    for _ in range(20):
        factories.MembershipFactory(school=cast.school, role=Role.STAFF)
    with django_assert_max_num_queries(8):
        large = client.get(_url(cast.school))
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count("<tr>") == small.content.decode().count("<tr>") + 20
