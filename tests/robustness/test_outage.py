"""When the database is away, on either database: when the database's answers fail as a stopped
server or a lock timeout makes them fail, every saving form answers 503 with the portal's own
message and the user's words, nothing is saved, reading pages say the service is busy, and a
failure in the session or a middleware is the busy page too, never a 500.
(test_outage_postgres.py does it with PostgreSQL really stopped and a table really locked.)"""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client
from django.utils.html import escape

from portal import access
from portal.lib import outage
from portal.settings import serves_requests
from tests.robustness.conftest import contact_data, url
from tests.robustness.outage import (
    FORM_COMES_BACK,
    SAVING_FORMS,
    TYPED,
    failing_database,
    failing_sql,
    form_came_back,
    kept_and_not_saved,
    saving_case,
    state,
)

# The saves run outside a test transaction, as in production: the form comes back itself.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("name", SAVING_FORMS)
def test_each_submission_saves_when_the_database_is_there(name, cast, world, login):
    """So that "nothing was saved" below means something."""
    case = saving_case(name, cast, world)
    client = login(getattr(cast, case.user))
    before = state(case)
    response = client.post(case.post_url, case.data)
    assert response.status_code == 302
    assert state(case) != before


@pytest.mark.parametrize("name", SAVING_FORMS)
def test_a_locked_table_keeps_every_forms_text_and_saves_nothing(
    name, cast, world, login, monkeypatch
):
    case = saving_case(name, cast, world)
    client = login(getattr(cast, case.user))
    before = state(case)
    failing_sql(monkeypatch, SAVING_FORMS[name][0])
    response = client.post(case.post_url, case.data)
    monkeypatch.undo()
    kept_and_not_saved(response)
    assert state(case) == before


@pytest.mark.parametrize("name", FORM_COMES_BACK)
def test_when_only_writing_is_blocked_the_form_itself_comes_back(
    name, cast, world, login, monkeypatch
):
    case = saving_case(name, cast, world)
    client = login(getattr(cast, case.user))
    before = state(case)
    failing_sql(monkeypatch, SAVING_FORMS[name][0], writes_only=True)
    response = client.post(case.post_url, case.data)
    monkeypatch.undo()
    form_came_back(response)
    assert state(case) == before


@pytest.mark.parametrize(
    ("name", "history"),
    [
        ("strengths", "families_historicalfamily"),
        ("parent-preferences", "families_historicalparentcarer"),
    ],
)
def test_a_save_that_fails_halfway_leaves_nothing_saved(
    name, history, cast, world, login, monkeypatch
):
    """The record is updated, then writing its history fails: none of it stays, as the
    message says."""
    case = saving_case(name, cast, world)
    client = login(getattr(cast, case.user))
    before = state(case)
    failing_sql(monkeypatch, history, writes_only=True)
    response = client.post(case.post_url, case.data)
    monkeypatch.undo()
    form_came_back(response)
    assert state(case) == before


def test_the_contact_form_comes_back_itself_with_the_text_in_its_field(
    cast, world, login, monkeypatch
):
    client = login(cast.teacher)
    failing_sql(monkeypatch, "families_contact")
    response = client.post(
        url("families:contact-add", world.family.pk),
        contact_data(world, cast.teacher, summary=TYPED),
    )
    monkeypatch.undo()
    page = kept_and_not_saved(response)
    assert response.context["form"]["summary"].value() == TYPED  # the real form, filled in
    assert 'name="summary"' in page
    assert response["Retry-After"]


def test_with_the_database_stopped_a_form_shows_the_text_back_to_copy(
    cast, world, login, monkeypatch
):
    client = login(cast.teacher)
    failing_database(monkeypatch)
    response = client.post(
        url("families:contact-add", world.family.pk),
        contact_data(world, cast.teacher, summary=TYPED),
    )
    monkeypatch.undo()
    page = kept_and_not_saved(response)
    assert "Nothing you typed is lost" in page
    assert f">{escape(TYPED)}</textarea>" in page
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"]


def test_with_the_database_stopped_a_reading_page_says_the_service_is_busy(
    cast, world, login, monkeypatch
):
    client = login(cast.teacher)
    failing_database(monkeypatch)
    for page_url in [url("home"), url("families:family-detail", world.family.pk)]:
        response = client.get(page_url)
        page = response.content.decode()
        assert response.status_code == 503
        assert "The portal is busy just now" in page
        assert "Traceback" not in page
    monkeypatch.undo()
    assert client.get(url("home")).status_code == 200  # back when the database is


def test_a_failing_session_lookup_is_the_busy_page_not_a_500(cast, world, login, monkeypatch):
    client = login(cast.teacher)

    def load(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", load)
    response = client.get(url("families:family-detail", world.family.pk))
    assert response.status_code == 503
    assert "The portal is busy just now" in response.content.decode()
    response = client.post(
        url("families:contact-add", world.family.pk),
        contact_data(world, cast.teacher, summary=TYPED),
    )
    kept_and_not_saved(response)


def test_a_failing_school_lookup_in_a_later_middleware_is_the_busy_page(
    cast, world, login, monkeypatch
):
    client = login(cast.teacher)
    client.raise_request_exception = False  # as in production: the 500 handler answers

    def memberships(user):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(access, "memberships", memberships)
    response = client.post(
        url("families:contact-add", world.family.pk),
        contact_data(world, cast.teacher, summary=TYPED),
    )
    kept_and_not_saved(response)


def test_a_forged_post_gets_no_text_echoed_back(cast, world, monkeypatch):
    """A page on another site posting into the portal, with a signed-in user's cookie, while
    the database is down: the session cannot be read to check the form, so nothing comes back."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.teacher)
    failing_database(monkeypatch)
    response = client.post(url("families:contact-add", world.family.pk), {"summary": TYPED})
    page = response.content.decode()
    assert response.status_code == 503
    assert escape(TYPED) not in page and TYPED not in page
    assert "Nothing has been saved" in page


def test_passwords_and_codes_are_never_shown_back(client, monkeypatch):
    failing_database(monkeypatch)
    response = client.post(
        url("login"),
        {"username": "headteacher", "password": "correct horse battery staple"},
    )
    page = response.content.decode()
    assert response.status_code == 503
    assert "correct horse" not in page


def test_the_busy_page_is_made_without_the_database(rf, django_assert_num_queries):
    request = rf.post("/families/1/contacts/add/", {"summary": TYPED})
    request._dont_enforce_csrf_checks = True
    with django_assert_num_queries(0):
        response = outage.busy_response(request, OperationalError("gone"))
    assert response.status_code == 503
    assert escape(TYPED) in response.content.decode()


def test_only_processes_that_serve_requests_wait_briefly():
    assert serves_requests(["/srv/compass/.venv/bin/gunicorn", "portal.wsgi"])
    assert serves_requests(["/srv/compass/.venv/bin/pytest"])
    assert serves_requests(["manage.py", "runserver"])
    # Migrations, the nightly jobs and the task worker may run long.
    assert not serves_requests(["manage.py", "migrate"])
    assert not serves_requests(["/srv/compass/manage.py", "db_worker"])
    assert not serves_requests(["manage.py"])
