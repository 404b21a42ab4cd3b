"""The home page asks every panel's `waiting` reads in one query, and draws only the panels
whose reads find something (portal.shell.HomePanel)."""

import re

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.schools import logins
from families.models import SchoolFamily
from family_voice.summary import DISPUTES_SHOWN_FOR
from portal import shell
from reaching_out.sections import NEEDING_SHOWN_FOR
from tests import factories


def _key_contact_panel(asked):
    def render(request):
        asked.append(request.user)
        return None  # asked, and has nothing to show after all

    return shell.HomePanel(
        template="unused.html",
        render=render,
        order=99,
        waiting=lambda *, user, school, **moments: [
            SchoolFamily.objects.filter(school=school, key_contact=user)
        ],
    )


def test_a_panel_whose_reads_find_nothing_is_not_asked_and_is_asked_once_they_do(
    login, cast, monkeypatch
):
    asked = []
    panel = _key_contact_panel(asked)
    monkeypatch.setattr(shell, "_panels", [*shell._panels, panel])
    # Key contact for a family at another school only: nothing here.
    factories.SchoolFamilyFactory(school=cast.other_school, key_contact=cast.pastoral)
    client = login(cast.pastoral)
    assert client.get(reverse("home")).status_code == 200
    assert asked == []
    factories.SchoolFamilyFactory(school=cast.school, key_contact=cast.pastoral)
    client.get(reverse("home"))
    assert asked == [cast.pastoral]


def test_all_the_panels_waiting_reads_are_one_query_however_many_panels(login, cast, monkeypatch):
    client = login(cast.teacher)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    extra = [_key_contact_panel([]) for _ in range(5)]
    monkeypatch.setattr(shell, "_panels", [*shell._panels, *extra])
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("home"))
    assert len(after.captured_queries) == len(before.captured_queries)
    waiting = [q["sql"] for q in after.captured_queries if "waiting_" in q["sql"]]
    assert len(waiting) == 1
    # Every registered panel's reads, and the five new ones, in that one query.
    asking = [p for p in shell._panels if p.waiting is not None]
    assert waiting[0].count("waiting_") >= len(asking)


def test_the_panels_about_the_last_fortnight_look_no_further_back_than_recent():
    # Their `waiting` reads use the shell's `recent`: a longer window would miss what shows.
    assert DISPUTES_SHOWN_FOR <= shell.RECENT
    assert NEEDING_SHOWN_FOR <= shell.RECENT


def _panels_drawn(client) -> str:
    html = client.get(reverse("home")).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)
    return re.sub(r'nonce="[^"]*"', "", main)


def test_every_demo_login_sees_the_same_home_page_as_when_every_panel_is_asked(
    client, db, monkeypatch, time_machine
):
    call_command("load_demo", quiet_logins=True)
    # Still, so that "received 2 days, 3 hours ago" reads the same in both drawings.
    time_machine.move_to(timezone.now(), tick=False)
    from django.contrib.auth import get_user_model

    from tests.conftest import otp_verify_session

    users = (
        get_user_model()
        .objects.filter(
            username__in=[row["username"] for row in logins()], memberships__isnull=False
        )
        .distinct()
    )
    quiet_seen, drawn_seen = set(), set()
    real = shell._quiet_panels

    def watching(request):
        quiet = real(request)
        quiet_seen.update(p.template for p in quiet)
        asking = {p.template for p in shell._panels if p.waiting is not None}
        drawn_seen.update(asking - {p.template for p in quiet})
        return quiet

    checked = 0
    for user in users:
        client.force_login(user)
        otp_verify_session(client, user)
        if client.get(reverse("home")).status_code != 200:
            continue  # someone who must choose a school first
        monkeypatch.setattr(shell, "_quiet_panels", watching)
        with_waiting = _panels_drawn(client)
        monkeypatch.setattr(shell, "_quiet_panels", lambda request: set())
        every_panel = _panels_drawn(client)
        monkeypatch.setattr(shell, "_quiet_panels", real)
        assert with_waiting == every_panel, user.username
        checked += 1
        client.logout()
    assert checked >= 6
    # Not a test of nothing: some panels were left out for someone, and some panels that ask
    # first were found to have something.
    assert quiet_seen
    assert drawn_seen


def test_panels_that_give_no_reads_are_all_asked(login, cast, monkeypatch):
    asked = []
    panel = shell.HomePanel(
        template="unused.html",
        render=lambda request: asked.append(request.user) and None,
        order=99,
        waiting=lambda **moments: [],
    )
    monkeypatch.setattr(shell, "_panels", [panel])
    assert login(cast.teacher).get(reverse("home")).status_code == 200
    assert asked == [cast.teacher]
