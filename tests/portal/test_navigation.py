import pytest
from django.urls import reverse


def _nav_labels(response):
    return [item["label"] for item in response.context["nav_items"]]


@pytest.mark.parametrize("role", ["teacher", "pastoral", "headteacher"])
def test_family_roles_get_the_team_link(login, cast, role):
    response = login(getattr(cast, role)).get(reverse("home"))
    assert "Our team" in _nav_labels(response)
    assert "Administration" not in response.content.decode()


def test_authority_officer_has_no_family_navigation(login, cast):
    response = login(cast.authority_officer).get(reverse("home"))
    labels = _nav_labels(response)
    assert "Our team" not in labels
    assert "Families" not in labels


def test_administrator_sees_administration_and_no_school_pages(login, cast):
    response = login(cast.admin).get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Administration" in body
    assert "Open administration" in body
    assert _nav_labels(response) == []


def test_user_without_a_school_is_told_what_to_do(login, db):
    from tests.factories import UserFactory

    response = login(UserFactory()).get(reverse("home"))
    assert "not linked to a school yet" in response.content.decode()


def test_home_marks_the_current_page_for_screen_readers(login, cast):
    body = login(cast.teacher).get(reverse("home")).content.decode()
    assert 'aria-current="page"' in body
    assert '<main id="main"' in body
    assert 'href="#main"' in body


@pytest.mark.parametrize(
    ("role", "hint"),
    [
        ("teacher", "log your last conversation"),
        ("pastoral", "record where the relationship is now"),
        ("headteacher", "choose a key contact for each family"),
        ("authority_officer", "never individual families"),
    ],
)
def test_home_tells_each_role_what_to_do_first(login, cast, role, hint):
    from portal import shell

    saved = list(shell._panels)
    shell._panels.clear()  # an empty school: no panel has anything to show
    try:
        body = login(getattr(cast, role)).get(reverse("home")).content.decode()
    finally:
        shell._panels.extend(saved)
    assert hint in body
