"""Pages and downloads holding children's data are sent `Cache-Control: no-store`, so they do
not stay in a shared computer's browser cache or a proxy; the login page and static files are
left as they were (static files keep their long cache)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from tests.families.conftest import make_family


def _no_store(response):
    cache = response.get("Cache-Control", "")
    return "no-store" in cache and "private" in cache and response.get("Pragma") == "no-cache"


@pytest.fixture
def setup(cast):
    family = make_family(cast, teacher=cast.teacher)
    meeting = factories.MeetingFactory(
        school=cast.school, family=family.family, chair=cast.pastoral
    )
    meeting.children.add(family.child)
    meeting.invitations.create(parent=family.mum)
    meeting.status = "held"  # recorded, so that its summary may be downloaded
    meeting.save(update_fields=["status"])
    return family, meeting


def test_a_family_page_and_its_downloads_are_not_stored(cast, login, setup):
    family, meeting = setup
    client = login(cast.pastoral)
    for name, pk in [
        ("families:family-detail", family.family.pk),
        ("families:family-export-csv", family.family.pk),
        ("meetings:meeting-ics", meeting.pk),
        ("meetings:meeting-summary-pdf", meeting.pk),
    ]:
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 200, name
        assert _no_store(response), (name, response.get("Cache-Control"))


def test_a_subject_access_copy_is_not_stored(cast, login, setup):
    family, _meeting = setup
    client = login(cast.headteacher)
    response = client.get(reverse("privacy:subject-access-json", args=[family.mum.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert _no_store(response)


def test_refusals_and_error_pages_to_signed_in_users_are_not_stored_either(cast, login, setup):
    family, _meeting = setup
    client = login(cast.outsider_teacher)
    response = client.get(reverse("families:family-detail", args=[family.family.pk]))
    assert response.status_code == 404
    assert _no_store(response)


def test_the_login_page_still_works_and_signing_in_is_not_stored(client, cast):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    cast.teacher.set_password("a long enough passphrase 42")
    cast.teacher.save()
    response = client.post(
        reverse("login"), {"username": "teacher", "password": "a long enough passphrase 42"}
    )
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200 and _no_store(home)


def test_static_files_keep_their_long_cache_for_signed_in_users(cast, login, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = next(
        p.name
        for p in (tmp_path / "dist").iterdir()
        if re.fullmatch(r"portal\.[0-9a-f]{12}\.css", p.name)
    )
    response = login(cast.teacher).get(f"/static/dist/{hashed}")
    assert response.status_code == 200
    cache = response["Cache-Control"]
    assert "immutable" in cache and "no-store" not in cache
