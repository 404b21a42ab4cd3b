from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.schools import DEMO_PASSWORD, logins
from portal.models import Membership, Role, School


def _row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"auth", "portal", "families", "compass", "dashboards", "meetings"}
    }


def test_loading_demo_data_twice_changes_nothing(db):
    call_command("load_demo", quiet_logins=True)
    first = _row_counts()
    call_command("load_demo", quiet_logins=True)
    assert _row_counts() == first
    assert first["portal.School"] == 2


def test_demo_has_one_login_per_role_for_each_of_two_schools_of_one_authority(db):
    call_command("load_demo", quiet_logins=True)
    schools = School.objects.all()
    assert schools.count() == 2
    assert len({s.authority_id for s in schools}) == 1
    for school in schools:
        roles = set(Membership.objects.filter(school=school).values_list("role", flat=True))
        assert roles == {Role.STAFF, Role.PASTORAL, Role.HEADTEACHER, Role.AUTHORITY}
    User = get_user_model()
    for row in logins():
        assert User.objects.get(username=row["username"]).check_password(DEMO_PASSWORD)
    assert (
        User.objects.filter(username__endswith=".admin", groups__name="Administrators").count() == 2
    )


def test_load_demo_prints_the_logins(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "castlebrae.teacher" in out and "northfield.head" in out
    assert DEMO_PASSWORD in out


def test_demo_castlebrae_has_a_valid_letterhead_and_northfield_shows_the_hint(db):
    call_command("load_demo", quiet_logins=True)
    castlebrae = School.objects.get(name="Castlebrae Primary School")
    castlebrae.full_clean()
    assert castlebrae.letterhead_missing == []
    assert School.objects.get(name="Northfield High School").letterhead_missing
