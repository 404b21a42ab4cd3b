"""Trust 9, the signing-in forms: hostile usernames, passwords and e-mail addresses get a plain
answer (or the lock-out page), never a 500, and never come back unescaped."""

from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.robustness.hostile import check_response, counts, hostile


@given(username=hostile, password=hostile)
def test_login_form(client, cast, username, password):
    before = counts()
    response = client.post(reverse("login"), {"username": username, "password": password})
    check_response(client, response, before=before)


@given(email=st.one_of(hostile, hostile.map(lambda v: f"{v}@example.org")))
def test_password_reset_form(client, cast, email):
    before = counts()
    response = client.post(reverse("password_reset"), {"email": email})
    check_response(client, response, before=before)


@given(token=hostile)
def test_two_factor_code_form(client, cast, token):
    client.force_login(cast.pastoral)
    before = counts()
    data = {"code": token, "next": token}
    response = client.post(reverse("otp-verify"), data)
    check_response(client, response, before=before)


@given(new1=hostile, new2=hostile)
def test_password_reset_confirm_form(client, cast, new1, new2):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = cast.teacher
    user.refresh_from_db()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    page = client.get(reverse("password_reset_confirm", args=[uid, token]))
    assert page.status_code in (200, 302)
    form_url = page.url if page.status_code == 302 else page.request["PATH_INFO"]
    before = counts()
    response = client.post(form_url, {"new_password1": new1, "new_password2": new2})
    check_response(client, response, before=before)


@given(username=hostile)
def test_unlock_request_form(client, cast, username):
    before = counts()
    response = client.post(reverse("unlock-request"), {"username": username})
    check_response(client, response, before=before)


@given(username=hostile, code=hostile)
def test_unlock_by_code_form(client, cast, username, code):
    before = counts()
    response = client.post(reverse("unlock-by-code"), {"username": username, "code": code})
    check_response(client, response, before=before)


@given(token=hostile.filter(lambda t: t and "/" not in t and t.strip() == t))
def test_unlock_link(client, cast, token):
    before = counts()
    try:
        url = reverse("unlock-confirm", args=[token])
    except NoReverseMatch:
        return  # not a path the site has
    for method in (client.get, client.post):
        check_response(client, method(url), before=before)
