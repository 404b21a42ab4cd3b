"""Shared fixtures: the fixed cast of users at two schools of one authority."""

import time
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from whitenoise.base import WhiteNoise

from portal import compiled
from portal.access import ADMINISTRATORS_GROUP
from portal.models import Role
from portal.security import LOGIN_AT_SESSION_KEY, SEEN_AT_SESSION_KEY
from tests import factories

# Every compiled read also builds its query afresh and checks the kept SQL would send the same.
compiled.VERIFY = True

# A compiled read sent as `EXECUTE compiled_...(values)` shows in the queries a test captures
# as the SQL it stands for, so a test can still say which table a page read.
compiled.show_statements_as_sql()


# Each test's client loads the middleware afresh, and WhiteNoise's then looks at every
# collected static file (some 760, 35-40 ms here): here a directory is looked at
# once per process, and later clients take what was found. A test that collects into a
# directory of its own (tmp_path) has it looked at as usual.
_static_found: dict = {}
_look_at_directory = WhiteNoise.update_files_dictionary


def _look_at_directory_once(self, root, prefix):
    key = (
        root,
        prefix,
        self.max_age,
        self.allow_all_origins,
        self.charset,
        self.index_file,
        self.add_headers_function,
        self.immutable_file_test,
    )
    found = _static_found.get(key)
    if found is None:
        kept, self.files = self.files, {}
        try:
            _look_at_directory(self, root, prefix)
            found = _static_found[key] = self.files
        finally:
            self.files = kept
    self.files.update(found)


WhiteNoise.update_files_dictionary = _look_at_directory_once


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Test-only speed-ups and isolation (kept out of settings.py)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


@dataclass
class Cast:
    """One school's people: a user per role, plus an outsider of each role at another school."""

    school: object
    other_school: object
    teacher: object
    pastoral: object
    headteacher: object
    authority_officer: object
    admin: object
    outsider_teacher: object
    outsider_pastoral: object
    outsider_headteacher: object
    outsider_authority_officer: object

    @property
    def outsider(self):
        return self.outsider_teacher


def _member(username, school, role, **kwargs):
    user = factories.UserFactory(username=username, first_name=username.split("_")[0].title())
    factories.MembershipFactory(user=user, school=school, role=role, **kwargs)
    return user


@pytest.fixture
def cast(db):
    authority = factories.AuthorityFactory(name="Riverside Council")
    other_authority = factories.AuthorityFactory(name="Hillside Council")
    school = factories.SchoolFactory(name="Riverside Primary", authority=authority)
    other = factories.SchoolFactory(name="Hillside Academy", authority=other_authority)
    admins, _ = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    admin = factories.UserFactory(username="admin", first_name="Ada", is_staff=True)
    admin.groups.add(admins)
    return Cast(
        school=school,
        other_school=other,
        teacher=_member("teacher", school, Role.STAFF, job_title="Class teacher"),
        pastoral=_member("pastoral", school, Role.PASTORAL, job_title="Guidance teacher"),
        headteacher=_member("headteacher", school, Role.HEADTEACHER, job_title="Headteacher"),
        authority_officer=_member("authority_officer", school, Role.AUTHORITY),
        admin=admin,
        outsider_teacher=_member("outsider_teacher", other, Role.STAFF),
        outsider_pastoral=_member("outsider_pastoral", other, Role.PASTORAL),
        outsider_headteacher=_member("outsider_headteacher", other, Role.HEADTEACHER),
        outsider_authority_officer=_member("outsider_authority_officer", other, Role.AUTHORITY),
    )


@pytest.fixture
def login(client):
    """Sign the test client in as a user and return the client. Users who must use two-factor
    sign-in get an authenticator and a session that has confirmed a code, as after a real
    sign-in."""

    def _login(user):
        client.force_login(user)
        otp_verify_session(client, user)
        # As after a real sign-in, the session was just saved: the next request need not save it.
        session = client.session
        session[LOGIN_AT_SESSION_KEY] = session[SEEN_AT_SESSION_KEY] = time.time()
        session.save()
        return client

    return _login


def otp_verify_session(client, user):
    """Marks the client's session as two-factor verified for `user`, if the user needs it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.access import needs_two_factor

    user._portal_memberships = None  # roles may have changed since the user was loaded
    if not needs_two_factor(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def compass_defaults(db):
    """The default compass regions and lever steps (tests run without data migrations)."""
    from compass.services import defaults_install

    defaults_install()


@pytest.fixture
def phrase_defaults(db):
    """The authority's default phrases to reconsider (seeded by a data migration, which a
    flushed database no longer holds)."""
    from guidance.services import phrase_defaults_install

    phrase_defaults_install()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: counters kept there (e.g. the throttle on parents'
    links tried at random) never carry over from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
