from django.urls import reverse

from tests.factories import PASSWORD


def test_login_page_is_styled_and_labelled(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'for="id_username"' in body
    assert "Skip to main content" in body


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_teacher_signs_in_and_sees_school_and_role(client, cast):
    response = client.post(
        reverse("login"), {"username": "teacher", "password": PASSWORD}, follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Riverside Primary" in body
    assert "Teacher or support staff" in body


def test_wrong_password_and_unknown_user_get_the_same_message(client, cast):
    wrong = client.post(reverse("login"), {"username": "teacher", "password": "nope-nope-nope"})
    unknown = client.post(reverse("login"), {"username": "nobody", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert "did not match an account" in wrong.content.decode()


def test_logout_needs_post(login, cast):
    client = login(cast.teacher)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
