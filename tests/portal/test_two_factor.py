"""Two-factor sign-in: set-up with a QR code, verification, codes used once, and the roles
that must use it before any other page (admin included)."""

import base64
import datetime as dt
import time

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
ENFORCER = "portal.security.TwoFactorRequiredMiddleware"


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _code(device) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _sign_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _device(user, confirmed=True):
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=confirmed)


@pytest.mark.parametrize("role", ["pastoral", "headteacher", "authority_officer", "admin"])
def test_required_roles_are_sent_to_set_up_before_any_page(client, cast, role):
    _sign_in(client, getattr(cast, role).username)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp-setup"))


def test_admin_is_behind_the_same_two_factor(client, cast):
    _sign_in(client, "admin")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp-setup"))


def test_a_teacher_may_work_without_two_factor(client, cast):
    _sign_in(client, "teacher")
    assert client.get(reverse("home")).status_code == 200


def test_a_teacher_may_still_turn_it_on(client, cast, frozen):
    _sign_in(client, "teacher")
    page = client.get(reverse("otp-setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=cast.teacher)
    client.post(reverse("otp-setup"), {"code": _code(device)})
    device.refresh_from_db()
    assert device.confirmed


def test_setup_page_shows_an_inline_qr_code_and_the_key(client, cast):
    _sign_in(client, "headteacher")
    response = client.get(reverse("otp-setup"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body
    assert "style=" not in body
    assert "<script>" not in body
    device = TOTPDevice.objects.get(user=cast.headteacher, confirmed=False)
    assert base64.b32encode(device.bin_key).decode()[:4] in body


def test_setting_up_with_the_right_code_opens_the_portal(client, cast, frozen):
    _sign_in(client, "headteacher")
    client.get(reverse("otp-setup"))
    device = TOTPDevice.objects.get(user=cast.headteacher)
    response = client.post(
        reverse("otp-setup"), {"code": _code(device), "next": reverse("school-switch")}
    )
    assert response.status_code == 302
    assert response.url == reverse("school-switch")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_explained_and_nothing_is_turned_on(client, cast, frozen):
    _sign_in(client, "headteacher")
    client.get(reverse("otp-setup"))
    response = client.post(reverse("otp-setup"), {"code": "12345x"})
    assert response.status_code == 200
    assert "Enter the six digits" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.headteacher, confirmed=True).exists()


def test_with_an_authenticator_the_code_is_asked_after_the_password(client, cast, frozen):
    device = _device(cast.headteacher)
    _sign_in(client, "headteacher")
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("otp-verify"))
    verified = client.post(reverse("otp-verify"), {"code": _code(device), "next": "/"})
    assert verified.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_at_sign_in_is_refused(client, cast, frozen):
    _device(cast.headteacher)
    _sign_in(client, "headteacher")
    response = client.post(reverse("otp-verify"), {"code": "000000"})
    assert response.status_code == 200
    assert "did not work" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_code_works_only_once(client, cast, frozen):
    device = _device(cast.headteacher)
    code = _code(device)
    _sign_in(client, "headteacher")
    assert client.post(reverse("otp-verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    _sign_in(client, "headteacher")
    reused = client.post(reverse("otp-verify"), {"code": code})
    assert reused.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_wrong_codes_in_a_row_slow_down_guessing(client, cast, frozen):
    device = _device(cast.headteacher)
    _sign_in(client, "headteacher")
    for _ in range(3):
        client.post(reverse("otp-verify"), {"code": "000000"})
    response = client.post(reverse("otp-verify"), {"code": _code(device)})
    assert "Too many wrong codes" in response.content.decode()
    frozen.shift(dt.timedelta(seconds=30))
    assert client.post(reverse("otp-verify"), {"code": _code(device)}).status_code == 302


def test_an_unverified_session_cannot_replace_the_authenticator(client, cast):
    _device(cast.headteacher)
    _sign_in(client, "headteacher")
    response = client.get(reverse("otp-setup"))
    assert response.status_code == 302
    assert response.url == reverse("otp-verify")
    assert TOTPDevice.objects.filter(user=cast.headteacher).count() == 1


def test_signing_out_works_before_the_code(client, cast):
    _sign_in(client, "headteacher")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_an_outside_next_address_is_ignored(client, cast, frozen):
    device = _device(cast.headteacher)
    _sign_in(client, "headteacher")
    response = client.post(
        reverse("otp-verify"), {"code": _code(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_two_factor_pages_need_sign_in(client, db):
    for name in ["otp-setup", "otp-verify"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_two_factor_pages_refuse_other_methods(login, cast):
    client = login(cast.teacher)
    for name in ["otp-setup", "otp-verify"]:
        assert client.put(reverse(name)).status_code == 405


def test_the_login_fixture_gives_a_verified_session(login, cast):
    client = login(cast.headteacher)
    client.get(reverse("home"))
    assert client.get(reverse("home")).status_code == 200
    teacher_client = login(cast.teacher)
    assert teacher_client.get(reverse("home")).status_code == 200


def test_the_requirement_can_be_switched_off_for_development(client, cast, settings):
    settings.TWO_FACTOR_REQUIRED = False
    _sign_in(client, "headteacher")
    assert client.get(reverse("home")).status_code == 200


def test_production_refuses_to_start_without_required_two_factor(settings):
    from portal.checks import check_login_security

    settings.DEBUG = False
    assert check_login_security(None) == []
    settings.TWO_FACTOR_REQUIRED = False
    assert [error.id for error in check_login_security(None)] == ["portal.E010"]
    settings.TWO_FACTOR_REQUIRED = True
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != ENFORCER]
    assert [error.id for error in check_login_security(None)] == ["portal.E010"]


def test_the_signed_in_user_reaches_the_page_loaded_and_marked_as_verified_or_not(
    login, cast, frozen
):
    from django.test import Client
    from django.utils.functional import LazyObject

    # Confirmed with a code: the page's user is the user itself (not a lazy wrapper whose
    # every attribute read costs a proxy call), already marked as verified.
    verified = login(cast.headteacher).get(reverse("home"))
    user = verified.wsgi_request.user
    assert not isinstance(user, LazyObject)
    assert user.pk == cast.headteacher.pk and user.is_verified()
    # Signed in with the password only: the same, marked as not verified.
    client = Client()
    _sign_in(client, "teacher")
    unverified = client.get(reverse("home"))
    assert unverified.status_code == 200
    assert not isinstance(unverified.wsgi_request.user, LazyObject)
    assert unverified.wsgi_request.user.is_verified() is False
    client.logout()
    anonymous = client.get(reverse("login")).wsgi_request.user
    assert not anonymous.is_authenticated and anonymous.is_verified() is False
