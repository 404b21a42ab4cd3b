"""The dashboards as their own app: every address is the one it always was, and the models that
moved between apps kept their tables (so no row moved and no table was renamed)."""

import pytest
from django.apps import apps
from django.urls import resolve, reverse

PATHS = [
    ("dashboards:dashboard", {}, "/compass/dashboard/"),
    ("dashboards:dashboard-movement", {}, "/compass/dashboard/movement/"),
    ("dashboards:dashboard-contacts", {}, "/compass/dashboard/contacts/"),
    ("dashboards:dashboard-attention", {}, "/compass/dashboard/attention/"),
    (
        "dashboards:dashboard-attention-list",
        {"which": "no_positive"},
        "/compass/dashboard/attention/no_positive/",
    ),
    ("dashboards:dashboard-patterns", {}, "/compass/dashboard/patterns/"),
    ("dashboards:dashboard-csv", {"table": "regions"}, "/compass/dashboard/regions.csv"),
    ("dashboards:my-contacts", {}, "/compass/my-contacts/"),
    ("dashboards:authority", {}, "/compass/authority/"),
    ("dashboards:authority-csv", {"table": "contacts"}, "/compass/authority/contacts.csv"),
    ("dashboards:selfevaluation", {}, "/compass/self-evaluation/"),
    ("compass:placement-reviews", {}, "/compass/reviews/"),
]


@pytest.mark.parametrize(("name", "kwargs", "path"), PATHS, ids=[p[0] for p in PATHS])
def test_each_dashboard_page_keeps_its_address(name, kwargs, path):
    assert reverse(name, kwargs=kwargs) == path
    assert resolve(path).view_name == name


@pytest.mark.parametrize(
    ("label", "table"),
    [
        ("dashboards.SelfEvaluation", "compass_selfevaluation"),
        ("dashboards.RegionTarget", "compass_regiontarget"),
        ("families.ContactMonthRollup", "scale_contactmonthrollup"),
        ("families.ContactRollupRun", "scale_contactrolluprun"),
    ],
)
def test_moved_models_keep_their_tables(label, table):
    assert apps.get_model(label)._meta.db_table == table


def test_scale_and_compass_keep_none_of_the_moved_models():
    assert not list(apps.get_app_config("scale").get_models())
    names = {m.__name__ for m in apps.get_app_config("compass").get_models()}
    assert not names & {"SelfEvaluation", "RegionTarget"}
