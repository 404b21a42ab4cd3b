"""Trust 9, the signing-in forms: hostile usernames, passwords and e-mail addresses get a plain
answer (or the lock-out page), never a 500, and never come back unescaped."""

from django.urls import reverse
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
    response = client.post(reverse("otp-verify"), {"otp_token": token, "token": token})
    check_response(client, response, before=before)
