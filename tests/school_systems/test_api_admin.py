"""OneRoster sources in admin: the client secret is written once and never shown again, the
schedule is checked, and "Pull now" (as a dry run first) reports counts or the problem."""

import pytest
from django.contrib.auth.models import Permission
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone

import audit
import school_systems.admin_sources  # noqa: F401 (registers RosterSource, as admin.py will)
from audit.models import AccessLog
from families.models import Child
from portal.access import IMPORT_PERMS
from school_systems.models import RosterImport, RosterSource
from tests import factories
from tests.school_systems.oneroster_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    SCHOOL,
)

pytestmark = pytest.mark.django_db
ADD = "admin:school_systems_rostersource_add"
LIST = "admin:school_systems_rostersource_changelist"


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.ONEROSTER_PAGE_SIZE = 3
    settings.ONEROSTER_BACKOFF_SECONDS = 0


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def source(cast, oneroster):
    return RosterSource.objects.create(
        school=cast.school,
        base_url=oneroster.base_url,
        token_url=oneroster.token_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        org_sourced_id=SCHOOL,
    )


def _form(server, school, **changes):
    return {
        "school": school.pk,
        "base_url": server.base_url,
        "token_url": server.token_url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "org_sourced_id": SCHOOL,
        "every_hours": 24,
        "active": "on",
        **changes,
    }


def _change(source):
    return reverse("admin:school_systems_rostersource_change", args=[source.pk])


def test_a_source_is_set_up_and_its_secret_never_shown_again(login, superuser, cast, oneroster):
    client = login(superuser)
    assert client.get(reverse(ADD)).status_code == 200
    response = client.post(reverse(ADD), _form(oneroster, cast.school))
    assert response.status_code == 302
    source = RosterSource.objects.get()
    assert source.client_secret == CLIENT_SECRET
    page = client.get(_change(source)).content.decode()
    assert "Client secret" in page
    assert CLIENT_SECRET not in page
    assert CLIENT_SECRET not in client.get(reverse(LIST)).content.decode()


def test_a_secret_left_empty_is_kept_and_a_new_one_replaces_it(login, superuser, source, oneroster):
    client = login(superuser)
    form = _form(oneroster, source.school, client_secret="", every_hours=12)
    assert client.post(_change(source), form).status_code == 302
    source.refresh_from_db()
    assert (source.client_secret, source.every_hours) == (CLIENT_SECRET, 12)
    form["client_secret"] = "a-new-secret"
    client.post(_change(source), form)
    source.refresh_from_db()
    assert source.client_secret == "a-new-secret"


def test_a_new_source_needs_its_secret(login, superuser, cast, oneroster):
    response = login(superuser).post(reverse(ADD), _form(oneroster, cast.school, client_secret=""))
    assert "Enter the client secret the school system gave." in response.content.decode()
    assert not RosterSource.objects.exists()


@pytest.mark.parametrize("hours", [0, 169])
def test_every_hours_must_be_between_1_and_168(login, superuser, cast, oneroster, hours):
    response = login(superuser).post(reverse(ADD), _form(oneroster, cast.school, every_hours=hours))
    assert "Pull every 1 to 168 hours" in response.content.decode()
    assert not RosterSource.objects.exists()


def test_an_address_without_https_is_refused(login, superuser, cast, oneroster):
    form = _form(oneroster, cast.school, token_url="http://xporter.example/token")
    response = login(superuser).post(reverse(ADD), form)
    assert "Use an https:// address" in response.content.decode()
    assert not RosterSource.objects.exists()


def _act(client, action, source):
    return client.post(
        reverse(LIST), {"action": action, "_selected_action": [source.pk]}, follow=True
    )


def test_pull_now_as_a_dry_run_reports_counts_and_saves_nothing(login, superuser, source):
    page = _act(login(superuser), "pull_dry_run", source).content.decode()
    assert "Riverside Primary: Dry run of 3 row(s), nothing saved: no problems." in page
    assert "Children: 3 would be created" in page
    assert not Child.objects.exists()
    row = RosterImport.objects.get()
    assert (row.started_by, row.who) == (superuser, "Pull now in admin by root")
    log = AccessLog.objects.get(action=audit.IMPORT)
    assert (log.user, log.object_id) == (superuser, row.pk)


def test_pull_now_imports(login, superuser, source):
    page = _act(login(superuser), "pull_now", source).content.decode()
    assert "Children: 3 were created" in page
    assert Child.objects.count() == 3


def test_pull_now_shows_the_problem_in_plain_words(login, superuser, source, oneroster):
    oneroster.refuse_credentials = True
    page = _act(login(superuser), "pull_now", source).content.decode()
    assert "refused the portal&#x27;s client id or secret (401). Nothing was saved." in page
    assert "Traceback" not in page
    assert not Child.objects.exists()


def test_staff_who_may_not_import_into_the_school_cannot_pull(login, cast, source):
    user = factories.UserFactory(username="setup", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="school_systems"))
    response = _act(login(user), "pull_now", source)
    assert response.status_code == 403
    assert not RosterImport.objects.exists()


def _office(cast, *, perms=("view", "change", "add", "delete")):
    """Office staff of the own school with the import permissions and the given permissions on
    sources."""
    user = factories.UserFactory(username="office", is_staff=True)
    factories.MembershipFactory(user=user, school=cast.school, role="staff")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="school_systems",
            codename__in=[f"{p}_rostersource" for p in perms],
        ),
        *Permission.objects.filter(
            content_type__app_label="families",
            codename__in=[perm.split(".")[1] for perm in IMPORT_PERMS],
        ),
    )
    return user


def test_staff_see_and_change_only_their_own_schools_sources(login, cast, source, oneroster):
    other = RosterSource.objects.create(
        school=cast.other_school,
        base_url=oneroster.base_url,
        token_url=oneroster.token_url,
        client_id="theirs",
        client_secret="their-secret",
    )
    client = login(_office(cast))
    listing = client.get(reverse(LIST)).content.decode()
    assert str(cast.school) in listing and str(cast.other_school) not in listing
    assert client.get(_change(other)).status_code == 302  # admin's "no such object" redirect
    moved = client.post(_change(other), _form(oneroster, cast.other_school, client_id="x"))
    other.refresh_from_db()
    assert moved.status_code in (302, 403) and other.client_id == "theirs"
    add = client.get(reverse(ADD)).content.decode()
    assert str(cast.school) in add and str(cast.other_school) not in add
    refused = client.post(reverse(ADD), _form(oneroster, cast.other_school))
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert RosterSource.objects.filter(school=cast.other_school).count() == 1


def test_the_secret_is_not_shown_to_those_who_may_only_view(login, cast, source):
    client = login(_office(cast, perms=("view",)))
    page = client.get(_change(source)).content.decode()
    assert page.count(source.client_id) >= 1
    assert CLIENT_SECRET not in page


def test_a_new_server_address_asks_for_the_secret_again(login, superuser, source, oneroster):
    client = login(superuser)
    elsewhere = "https://elsewhere.example/oauth/token"
    page = client.post(
        _change(source), _form(oneroster, source.school, token_url=elsewhere, client_secret="")
    )
    assert "enter the client secret again" in page.content.decode()
    source.refresh_from_db()
    assert source.token_url == oneroster.token_url and source.client_secret == CLIENT_SECRET


def test_staff_with_the_import_permissions_at_the_school_can_pull(login, cast, source):
    user = factories.UserFactory(username="office", is_staff=True)
    factories.MembershipFactory(user=user, school=cast.school, role="staff")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="school_systems"),
        *Permission.objects.filter(
            content_type__app_label="families",
            codename__in=[perm.split(".")[1] for perm in IMPORT_PERMS],
        ),
    )
    page = _act(login(user), "pull_dry_run", source).content.decode()
    assert "Children: 3 would be created" in page


def test_saving_a_source_wakes_the_schedule_where_a_worker_can_wait(
    login, superuser, cast, oneroster, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        login(superuser).post(reverse(ADD), _form(oneroster, cast.school))
    (wake,) = default_task_backend.results
    assert wake.task.name == "roster_pulls_due"
    assert wake.task.run_after > timezone.now()
