"""When the database is away, against a real PostgreSQL: the server stopped mid-run, a server that
never answers, and a table held locked by another connection. Every saving form answers within a
few seconds with the portal's own message and the user's words, and nothing is saved.

The test's own connection is what stops: its backend is terminated and it is pointed at a
socket directory with no server in it (or at one that accepts and never answers), exactly what
libpq sees when the server is stopped. The shared test server keeps running for the other
xdist workers. CI runs the suite on PostgreSQL; on SQLite these are skipped (test_outage.py
covers the same answers there)."""

import shutil
import socket
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.utils.html import escape

from families.models import Contact
from tests.robustness.conftest import contact_data, url
from tests.robustness.outage import (
    FORM_COMES_BACK,
    SAVING_FORMS,
    TYPED,
    form_came_back,
    kept_and_not_saved,
    saving_case,
    state,
)

pytestmark = pytest.mark.django_db(transaction=True)

A_FEW_SECONDS = 4.0


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("stops and locks a real PostgreSQL")


@contextmanager
def _connections_made_with(**changes):
    """New connections of this test use `changes` (HOST, OPTIONS); the old ones come back
    after, for the database's clean-up."""
    saved = {key: connection.settings_dict[key] for key in changes}
    connection.close()
    connection.settings_dict.update(changes)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def _short_timeouts(lock="1s", statement="3s", connect=2) -> dict:
    options = dict(connection.settings_dict["OPTIONS"])
    options["options"] = f"-c lock_timeout={lock} -c statement_timeout={statement}"
    options["connect_timeout"] = connect
    return options


def _socket_dir() -> Path:
    # Short: a Unix socket's path may not pass 107 characters.
    return Path(tempfile.mkdtemp(prefix="pg-", dir="/tmp"))


def _port() -> int:
    return int(connection.settings_dict["PORT"] or 5432)


@contextmanager
def _postgres_stopped():
    """This test's database server goes away: its open connection is terminated and nothing
    answers where the server was."""
    empty = _socket_dir()
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    finally:
        other.close()
    saved = connection.settings_dict["HOST"]
    connection.settings_dict["HOST"] = str(empty)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["HOST"] = saved
        shutil.rmtree(empty)


@contextmanager
def _table_locked(table: str, mode="ACCESS EXCLUSIVE"):
    """Another connection holds the table locked until the block ends: ACCESS EXCLUSIVE as a
    long migration would (nothing may read it), SHARE as building an index does (reading goes
    on, writing waits)."""
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{table}" IN {mode} MODE')
        yield
    finally:
        other.rollback()
        other.close()


def _timed(send):
    began = time.monotonic()
    response = send()
    return response, time.monotonic() - began


def test_connections_carry_the_lock_statement_and_connect_timeouts():
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        lock = cursor.fetchone()[0]
        cursor.execute("SHOW statement_timeout")
        statement = cursor.fetchone()[0]
    assert lock == settings.DB_LOCK_TIMEOUT  # 5s unless DB_LOCK_TIMEOUT says otherwise
    assert statement == settings.DB_STATEMENT_TIMEOUT  # 15s likewise
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == settings.DB_CONNECT_TIMEOUT


@pytest.mark.parametrize("name", SAVING_FORMS)
def test_with_postgres_stopped_every_form_answers_at_once_with_the_text(name, cast, world, login):
    case = saving_case(name, cast, world)
    client = login(getattr(cast, case.user))
    before = state(case)
    with _postgres_stopped():
        response, took = _timed(lambda: client.post(case.post_url, case.data))
        reading, _ = _timed(lambda: client.get(url("families:family-detail", world.family.pk)))
    page = kept_and_not_saved(response)
    assert f">{escape(TYPED)}</textarea>" in page  # shown back, to copy
    assert took < A_FEW_SECONDS
    assert reading.status_code == 503
    assert "The portal is busy just now" in reading.content.decode()
    # The server is back: nothing was saved, and the portal works again.
    assert state(case) == before
    assert client.get(url("families:family-detail", world.family.pk)).status_code == 200


def test_a_server_that_never_answers_is_given_up_on_after_the_connect_timeout(cast, world, login):
    client = login(cast.teacher)
    hung = _socket_dir()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(hung / f".s.PGSQL.{_port()}"))
    listener.listen(8)  # accepts the connection, never says a word
    try:
        with _postgres_stopped(), _connections_made_with(HOST=str(hung), OPTIONS=_short_timeouts()):
            response, took = _timed(
                lambda: client.post(
                    url("families:contact-add", world.family.pk),
                    contact_data(world, cast.teacher, summary=TYPED),
                )
            )
    finally:
        listener.close()
        shutil.rmtree(hung)
    kept_and_not_saved(response)
    assert 2 <= took < 2 + A_FEW_SECONDS
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("name", SAVING_FORMS)
def test_with_its_table_locked_every_form_answers_within_seconds_with_the_text(
    name, cast, world, login
):
    case = saving_case(name, cast, world)
    client = login(getattr(cast, case.user))
    before = state(case)
    with (
        _connections_made_with(OPTIONS=_short_timeouts(lock="1s")),
        _table_locked(SAVING_FORMS[name][0]),
    ):
        response, took = _timed(lambda: client.post(case.post_url, case.data))
    kept_and_not_saved(response)
    assert took < A_FEW_SECONDS
    assert state(case) == before  # the lock is released: still nothing saved


@pytest.mark.parametrize("name", FORM_COMES_BACK)
def test_with_writing_to_its_table_blocked_the_form_itself_comes_back(name, cast, world, login):
    case = saving_case(name, cast, world)
    client = login(getattr(cast, case.user))
    before = state(case)
    with (
        _connections_made_with(OPTIONS=_short_timeouts(lock="1s")),
        _table_locked(SAVING_FORMS[name][0], mode="SHARE"),
    ):
        response, took = _timed(lambda: client.post(case.post_url, case.data))
    form_came_back(response)
    assert took < A_FEW_SECONDS
    assert state(case) == before


def test_a_locked_contact_table_gives_the_form_back_itself(cast, world, login):
    client = login(cast.teacher)
    with (
        _connections_made_with(OPTIONS=_short_timeouts(lock="1s")),
        _table_locked("families_contact"),
    ):
        response = client.post(
            url("families:contact-add", world.family.pk),
            contact_data(world, cast.teacher, summary=TYPED),
        )
    kept_and_not_saved(response)
    assert response.context["form"]["summary"].value() == TYPED
    # Once the lock is gone the same words save.
    sent = client.post(
        url("families:contact-add", world.family.pk),
        contact_data(world, cast.teacher, summary=TYPED),
    )
    assert sent.status_code == 302
    assert Contact.objects.get().summary == TYPED


def test_a_slow_statement_is_stopped_by_the_statement_timeout(cast, world, login, monkeypatch):
    from families.views import family as family_views

    real = family_views._current_children

    def slow(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(30)")
        return real(*args, **kwargs)

    monkeypatch.setattr(family_views, "_current_children", slow)
    client = login(cast.teacher)
    with _connections_made_with(OPTIONS=_short_timeouts(statement="1s")):
        response, took = _timed(lambda: client.get(url("families:family-detail", world.family.pk)))
    assert response.status_code == 503
    assert "The portal is busy just now" in response.content.decode()
    assert took < A_FEW_SECONDS
