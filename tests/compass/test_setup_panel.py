"""Getting started: a new school's senior and pastoral staff are walked through set-up on the
home page; each step ticks itself from the school's data."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories


def _panel(client) -> str | None:
    html = client.get(reverse("home")).content.decode()
    if 'data-testid="setup-panel"' not in html:
        return None
    start = html.index('data-testid="setup-panel"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("role", ["headteacher", "pastoral"])
def test_a_new_school_shows_the_three_steps_to_its_senior_and_pastoral_staff(cast, login, role):
    panel = _panel(login(getattr(cast, role)))
    assert "Getting started at Riverside Primary" in panel
    assert "0 of 3 done" in panel
    assert "Import pupils and families" in panel
    assert "Choose a key contact for each family" in panel
    assert "Place the first relationships on the compass" in panel
    assert "No families yet." in panel
    assert "Once families are imported." in panel
    # A headteacher cannot import; the step says who can.
    assert "Your portal administrator imports the file" in panel


@pytest.mark.parametrize("role", ["teacher", "authority_officer"])
def test_other_roles_do_not_see_the_checklist(cast, login, role):
    assert _panel(login(getattr(cast, role))) is None


def test_the_outsiders_school_has_its_own_checklist(cast, login):
    factories.SchoolFamilyFactory(school=cast.school)
    panel = _panel(login(cast.outsider_headteacher))
    assert "Hillside Academy" in panel
    assert "No families yet." in panel


def test_someone_who_may_import_gets_the_link_to_the_importer(cast, login):
    perms = Permission.objects.filter(
        content_type__app_label="families",
        codename__in=[
            f"{a}_{m}" for a in ("add", "change") for m in ("child", "parentcarer", "family")
        ],
    )
    cast.headteacher.user_permissions.add(*perms)
    panel = _panel(login(cast.headteacher))
    assert reverse("admin:families_child_import") in panel


def test_steps_tick_themselves_as_the_school_sets_up(cast, login, compass_defaults):
    first = factories.SchoolFamilyFactory(school=cast.school)
    second = factories.SchoolFamilyFactory(school=cast.school, key_contact=cast.teacher)
    client = login(cast.headteacher)
    panel = _panel(client)
    assert "1 of 3 done" in panel
    assert "2 families in the portal." in panel
    assert "1 of 2 families have a key contact." in panel
    assert reverse("families:family-list") in panel

    first.key_contact = cast.pastoral
    first.save()
    assert "2 of 3 done" in _panel(client)

    factories.PlacementFactory(school_family=second)
    assert _panel(client) is None  # all done: the checklist goes away


def test_the_checklist_costs_a_fixed_number_of_queries(
    cast, login, compass_defaults, django_assert_max_num_queries
):
    for _ in range(3):
        factories.SchoolFamilyFactory(school=cast.school)
    client = login(cast.headteacher)
    client.get(reverse("home"))
    with django_assert_max_num_queries(40) as before:
        client.get(reverse("home"))
    for _ in range(3):
        factories.SchoolFamilyFactory(school=cast.school, key_contact=cast.teacher)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse("home"))


def test_once_set_up_the_checklist_counts_nothing(cast, login, compass_defaults, monkeypatch):
    from django.db.models import QuerySet

    family = factories.SchoolFamilyFactory(school=cast.school, key_contact=cast.teacher)
    factories.PlacementFactory(school_family=family)
    counted = []
    real = QuerySet.aggregate
    monkeypatch.setattr(
        QuerySet, "aggregate", lambda qs, *a, **k: counted.extend(k) or real(qs, *a, **k)
    )
    client = login(cast.headteacher)
    assert _panel(client) is None
    assert "with_key_contact" not in counted  # one read of three EXISTS said all was done
    # A family still without a key contact brings the checklist back, counted.
    factories.SchoolFamilyFactory(school=cast.school)
    assert "1 of 2 families have a key contact." in _panel(client)
    assert "with_key_contact" in counted
