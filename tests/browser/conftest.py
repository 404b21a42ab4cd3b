"""Browser fixtures: Debian's Chromium driven by Playwright against a live server on the test
database, signing in through the real login form (and the two-factor step where a role needs it).

Each test gets a fresh browser context. A journey saves a screenshot to test-artifacts/; when a
test fails, the page's HTML and a full-page screenshot are kept there too.
"""

import json
import urllib.request
from pathlib import Path

import pytest

from tests.browser import checks
from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture
def _playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread while it is open, which Django's
    ORM reads as async code; it is opened per test so no other test runs beside that loop."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/browser-deps.sh (apt-get install chromium)"
        )
    from django.db import connections

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Django's connections are context-local: inside Playwright's loop this thread gets a second
    # one. Close each where it was opened, or the test database cannot be dropped at the end.
    connections.close_all()
    with sync_api.sync_playwright() as pw:
        yield pw
        connections.close_all()
    connections.close_all()


@pytest.fixture
def chromium(_playwright):
    """A headless Chromium (Playwright gives it a fresh throwaway profile)."""
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def server(transactional_db, settings, monkeypatch):
    """A live server started after the test settings apply (pytest-django's session-wide one
    builds its middleware first, so it would still redirect to HTTPS)."""
    from django.db import connections
    from pytest_django.live_server_helper import LiveServer

    # Browser keep-alive threads would otherwise hold their database connection open past the
    # test (CONN_MAX_AGE), and the test database could not be dropped at the end.
    for alias in connections:
        monkeypatch.setitem(connections.settings[alias], "CONN_MAX_AGE", 0)

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    live = LiveServer("localhost")
    # The first request imports the URLconf and views (seconds): a running portal is warm, so
    # warm this one before any page is measured.
    with urllib.request.urlopen(f"{live.url}/accounts/login/") as response:  # noqa: S310
        response.read()
    yield live
    live.stop()


@pytest.fixture
def browser_context(chromium, server):
    context = chromium.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(request, browser_context):
    """A page in a fresh context; on failure its HTML and a screenshot go to test-artifacts/."""
    pg = browser_context.new_page()
    errors = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors
    yield pg
    if getattr(request.node, "browser_failed", False):
        stem = ARTIFACTS / f"failed-{request.node.name}"
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            pg.screenshot(path=f"{stem}.png", full_page=True)
            Path(f"{stem}.html").write_text(pg.content(), encoding="utf-8")
        except Exception as exc:  # the page may have crashed; keep what we can
            Path(f"{stem}.txt").write_text(f"{pg.url}\n{exc}", encoding="utf-8")


@pytest.fixture
def screenshot(page):
    """Saves the page as test-artifacts/<name>.png."""

    def _shot(name):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _shot


def authenticator(user):
    """The user's confirmed TOTP device (one is made, as if set up earlier, if there is none)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Browser test app", confirmed=True)
    return device


def totp_now(device) -> str:
    """The six-digit code the authenticator app would show now."""
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


@pytest.fixture
def sign_in(page, transactional_db):
    """Signs a user in through the login form, and the two-factor form if the role needs it."""
    from portal.access import needs_two_factor

    def _sign_in(user):
        user._portal_memberships = None
        device = authenticator(user) if needs_two_factor(user) else None
        page.goto("/accounts/login/")
        checks.page_is_sound(page)
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if device is not None and "/accounts/two-factor/verify/" in page.url:
            checks.page_is_sound(page)
            page.get_by_label("Six-digit code").fill(totp_now(device))
            page.get_by_role("button", name="Confirm").click()
            page.wait_for_load_state()
        assert "/accounts/" not in page.url, f"still signing in at {page.url}"
        return page

    return _sign_in


def pytest_terminal_summary(terminalreporter):
    """Reports the light-page measurements taken during the run (LCP, CLS, JS weight)."""
    if checks.MEASUREMENTS:
        terminalreporter.section("light pages: LCP ms, CLS, JavaScript gzip bytes")
        for row in checks.MEASUREMENTS:
            terminalreporter.write_line(json.dumps(row))
