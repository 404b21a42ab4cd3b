"""The council's OpenID provider for the tests: a second Django process (tests/single_sign_on/
provider, django-oauth-toolkit with OpenID Connect) started on 127.0.0.1 at a free port, and a
browser (requests.Session) that walks the sign-in over real HTTP between it and the portal's
live_server. The portal answers at localhost and the provider at 127.0.0.1, so their cookies
stay apart as two sites' would."""

from __future__ import annotations

import html
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from tests.single_sign_on.provider import serve

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Provider:
    url: str  # http://127.0.0.1:PORT
    folder: Path

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def set_mode(self, mode: str) -> None:
        """What the provider's next id_token looks like (provider/validator.py)."""
        (self.folder / "mode").write_text(mode)

    def register(self, portal: str) -> None:
        """The portal's callback and signed-out page, as the council would register them."""
        with sqlite3.connect(self.folder / "db") as db:
            db.execute(
                "UPDATE oauth2_provider_application SET redirect_uris = ?,"
                " post_logout_redirect_uris = ?",
                [f"{portal}/sso/oidc/callback/", f"{portal}/sso/signed-out/"],
            )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    log = (folder / "server.log").open("wb")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    process = subprocess.Popen(  # noqa: S603 (our own test server)
        [
            sys.executable,
            "-m",
            "tests.single_sign_on.provider.serve",
            str(folder),
            str(port),
            "http://localhost/sso/oidc/callback/",  # each test's portal registers its own
            "http://localhost/sso/signed-out/",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(
                    "The test OpenID provider stopped:\n" + (folder / "server.log").read_text()
                )
            try:
                if requests.get(f"{url}/o/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("The test OpenID provider did not answer within 60 seconds.")
            time.sleep(0.2)
        yield Provider(url=url, folder=folder)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def oidc(settings, provider):
    """The portal's settings pointing at the test provider, single sign-on on."""
    provider.set_mode("normal")
    settings.SSO_OIDC_ENABLED = True
    settings.SSO_OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = serve.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = serve.CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.issuer}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.issuer}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.issuer}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.issuer}/.well-known/jwks.json"
    settings.SSO_OIDC_END_SESSION_ENDPOINT = f"{provider.issuer}/logout/"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "single_sign_on.oidc.CouncilOIDCBackend",
    ]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "single_sign_on.signout.ProviderSignOutMiddleware"]
    # Plain HTTP on loopback: the cookies must travel without TLS.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return provider


@pytest.fixture
def portal(oidc, transactional_db, settings, monkeypatch):
    """The portal on loopback, started after the settings above apply (pytest-django's
    session-wide live_server builds its middleware first), registered at the provider."""
    from django.db import connections
    from pytest_django.live_server_helper import LiveServer

    for alias in connections:
        monkeypatch.setitem(connections.settings[alias], "CONN_MAX_AGE", 0)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    live = LiveServer("localhost")
    oidc.register(live.url)
    yield live
    live.stop()


class Browser:
    """A person's browser: one cookie jar, redirects followed one by one."""

    def __init__(self, portal: str):
        self.portal = portal
        self.session = requests.Session()
        self.callbacks: list[str] = []  # every portal callback URL the provider sent us to

    def go(self, url: str, *, stop_at_callback: bool = False, data=None) -> requests.Response:
        method = "POST" if data is not None else "GET"
        for _ in range(20):
            response = self.session.request(
                method, url, data=data, allow_redirects=False, timeout=20
            )
            if response.status_code not in (301, 302, 303):
                return response
            url = urljoin(url, response.headers["Location"])
            method, data = "GET", None
            if "/sso/oidc/callback/" in url:
                self.callbacks.append(url)
                if stop_at_callback:
                    return response
        raise AssertionError("Too many redirects")

    def portal_session_key(self) -> str | None:
        for cookie in self.session.cookies:
            if cookie.name == "sessionid" and "localhost" in cookie.domain:
                return cookie.value
        return None

    def csrf(self, text: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)

    def sign_in(self, username: str, *, stop_at_callback: bool = False) -> requests.Response:
        """From the portal's sign-in page, through the council's sign-in, and back."""
        page = self.go(f"{self.portal}/accounts/login/")
        assert page.status_code == 200
        link = re.search(
            r'href="([^"]*/sso/oidc/start/[^"]*)"[^>]*>Sign in with your council account<',
            page.text,
        )
        assert link, "the sign-in page offers the council's sign-in"
        at_provider = self.go(urljoin(page.url, html.unescape(link.group(1))))
        assert "Council identity provider" in at_provider.text
        return self.go(
            at_provider.url,
            data={
                "csrfmiddlewaretoken": self.csrf(at_provider.text),
                "username": username,
                "password": serve.PASSWORD,
                "next": re.search(r'name="next" value="([^"]*)"', at_provider.text)
                .group(1)
                .replace("&amp;", "&"),
            },
            stop_at_callback=stop_at_callback,
        )


def session_user_id(browser: Browser) -> str | None:
    """Who the portal's session (in the database) says is signed in, if anyone."""
    from django.contrib.sessions.backends.db import SessionStore

    key = browser.portal_session_key()
    if not key:
        return None
    return SessionStore(session_key=key).get("_auth_user_id")
