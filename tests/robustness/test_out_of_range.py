"""No 500 from any input. Numbers past what the database holds (page numbers,
ids in URLs and in choice fields, numeric settings) get a 404 or a plain message, on SQLite and
PostgreSQL alike; a contact with no history rows has a history page."""

from __future__ import annotations

import importlib

import pytest
from django import forms
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from complaints.models import Complaint
from families.models import Contact
from families.services import contact_log
from meetings.models import Meeting
from portal.lib.limits import BIGINT_MAX, IdConverter, parse_id
from privacy.models import RetentionPolicy
from tests.robustness.conftest import complaint_data, contact_data, meeting_data, url

PAST_BIGINT = str(BIGINT_MAX + 1)  # 9223372036854775808: one past a 64-bit integer
HUGE = "99999999999999999999"
PAGES = [str(10**30), PAST_BIGINT, "-5", "0", "abc", "1e9", "٣", str(10**400)]


def _patterns(resolver=None, namespace=""):
    """(name, pattern) of the portal's own URL patterns (Django's admin and accounts aside)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) in ("admin/", "accounts/"):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def test_every_id_in_a_portal_url_uses_the_bounded_converter():
    unbounded = [
        name
        for name, pattern in _patterns()
        for converter in pattern.pattern.converters.values()
        if isinstance(converter, IntConverter)
    ]
    assert unbounded == []
    with_ids = [
        name
        for name, pattern in _patterns()
        if any(isinstance(c, IdConverter) for c in pattern.pattern.converters.values())
    ]
    assert "families:family-detail" in with_ids and "meetings:scaling-remove" in with_ids


def _huge_kwargs(pattern) -> dict:
    kwargs = {}
    for name, converter in pattern.pattern.converters.items():
        kwargs[name] = HUGE if isinstance(converter, IdConverter) else "best_hopes"
    return kwargs


@pytest.mark.parametrize("user", ["headteacher", "pastoral"])
def test_an_id_too_large_for_the_database_is_a_404_on_every_url(cast, world, login, user):
    client = login(getattr(cast, user))
    checked = 0
    for name, pattern in _patterns():
        kwargs = _huge_kwargs(pattern)
        if HUGE not in kwargs.values():
            continue
        path = reverse(name, kwargs=kwargs)
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 404, (name, method.__name__, response.status_code)
        checked += 1
    assert checked > 40


def test_the_largest_id_a_database_holds_is_still_a_plain_404(cast, world, login):
    client = login(cast.headteacher)
    for name in ("families:family-detail", "compass:family-compass", "privacy:family"):
        kwarg = "family_pk" if name.startswith("compass") else "pk"
        response = client.get(reverse(name, kwargs={kwarg: BIGINT_MAX}))
        assert response.status_code == 404, name


LISTS = [
    "families:family-list",
    "meetings:meeting-list",
    "complaints:complaint-list",
    "dashboards:my-contacts",
]


@pytest.mark.parametrize("name", LISTS)
def test_any_page_number_shows_a_page(cast, world, login, name):
    client = login(cast.headteacher)
    for page in PAGES:
        response = client.get(reverse(name), {"page": page})
        assert response.status_code == 200, (page, response.status_code)


def test_a_page_number_past_the_end_shows_the_last_page_of_families(cast, world, login):
    response = login(cast.headteacher).get(reverse("families:family-list"), {"page": 10**30})
    assert response.status_code == 200
    assert "Family Rowan" in response.content.decode()


def test_query_string_ids_too_large_are_ignored_or_404(cast, world, login):
    client = login(cast.pastoral)
    add = url("families:contact-add", world.family.pk)
    assert client.get(add, {"completes": HUGE}).status_code == 404
    meeting_add = url("meetings:meeting-add", world.family.pk)
    assert client.get(meeting_add, {"previous": HUGE, "complaint": HUGE}).status_code == 200


def test_parse_id_takes_only_ids_a_database_can_hold():
    assert parse_id("42") == 42
    assert parse_id(str(BIGINT_MAX)) == BIGINT_MAX
    for raw in [PAST_BIGINT, HUGE, "-1", "", None, "abc", "٣", "1e9", " ", "4 2"]:
        assert parse_id(raw) is None, raw


def test_ids_too_large_in_a_contacts_choices_are_an_invalid_choice(cast, world, login):
    client = login(cast.teacher)
    add = url("families:contact-add", world.family.pk)
    for field in ("parents", "children", "named_staff"):
        for value in (HUGE, PAST_BIGINT, str(-(10**30))):
            data = contact_data(world, cast.teacher, **{field: [value]})
            response = client.post(add, data)
            assert response.status_code == 200, (field, value)
            assert response.context["form"].errors[field], (field, value)
    staff = {**contact_data(world, cast.teacher), "staff": HUGE}
    response = client.post(add, staff)
    assert response.status_code == 200 and response.context["form"].errors["staff"]
    assert not Contact.objects.exists()


def test_ids_too_large_in_a_meetings_attendees_are_an_invalid_choice(cast, world, login):
    client = login(cast.pastoral)
    add = url("meetings:meeting-add", world.family.pk)
    before = Meeting.objects.count()
    for field in ("invited", "staff", "children"):
        response = client.post(add, meeting_data(cast, world, **{field: [HUGE]}))
        assert response.status_code == 200, field
        assert response.context["form"].errors[field], field
    response = client.post(add, meeting_data(cast, world, chair=HUGE))
    assert response.status_code == 200 and response.context["form"].errors["chair"]
    assert Meeting.objects.count() == before


def test_ids_too_large_in_a_complaint_are_an_invalid_choice(cast, world, login):
    client = login(cast.pastoral)
    for field in ("family", "raised_by", "point_of_contact"):
        response = client.post(
            url("complaints:complaint-add"), complaint_data(cast, world, **{field: HUGE})
        )
        assert response.status_code == 200, field
        assert response.context["form"].errors[field], field
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("years", [str(10**400), str(10**30), PAST_BIGINT, "40000", "-1"])
def test_retention_years_out_of_range_get_a_message_and_change_nothing(cast, world, login, years):
    client = login(cast.headteacher)
    data = {"routine_years": years, "protection_years": years, "notes": ""}
    response = client.post(reverse("privacy:retention"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["routine_years"] and form.errors["protection_years"]
    assert "Ensure this value is" in response.content.decode()
    assert not RetentionPolicy.objects.exclude(routine_years=2).exists()


def test_a_scaling_score_past_a_small_integer_gets_a_message(cast, world, login):
    client = login(cast.pastoral)
    response = client.post(
        url("meetings:scaling-add", world.meeting.pk),
        {"party": "Mum", "score": "40000", "one_point_higher": "Out the door by 8."},
    )
    assert response.status_code < 500
    assert not world.meeting.scaling.exists()


FORM_MODULES = [
    "families.forms",
    "meetings.forms",
    "complaints.forms",
    "privacy.forms",
    "compass.forms",
    "dashboards.filters",
    "portal.forms",
    "portal.two_factor",
]


def _form_classes():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module_name
            ):
                yield value


def test_every_number_field_on_a_portal_form_has_a_maximum():
    unbounded = [
        f"{form.__name__}.{name}"
        for form in _form_classes()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.IntegerField)
        and field.max_value is None
        and not any(getattr(v, "code", "") == "max_value" for v in field.validators)
    ]
    assert unbounded == []


def test_every_record_choice_on_a_portal_form_checks_the_id_range():
    from portal.lib.limits import IdChoiceField, IdMultipleChoiceField

    unsafe = [
        f"{form.__name__}.{name}"
        for form in _form_classes()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, IdChoiceField | IdMultipleChoiceField)
    ]
    assert unsafe == []


def test_every_small_number_column_is_bounded_on_the_form_side_too():
    """A PositiveSmallIntegerField is a smallint on PostgreSQL: its form field stops at 32767."""
    from portal.lib.limits import bounded_formfield

    ours = {"families", "meetings", "compass", "portal", "privacy", "guidance", "audit", "scale"}
    for model in apps.get_models():
        if model._meta.app_label not in ours:
            continue
        for db_field in model._meta.get_fields():
            if type(db_field).__name__ == "PositiveSmallIntegerField" and not db_field.choices:
                field = bounded_formfield(db_field)
                assert field.max_value is not None and field.max_value <= 32767, db_field


def test_a_contact_with_no_history_rows_shows_its_history_page(cast, world, login):
    """Contacts made in bulk (950 of the demo's 970) have no history rows."""
    contact = contact_log(
        school=cast.school,
        family=world.family,
        staff=cast.teacher,
        parents=[world.mum],
        summary="Chatted at the gate about the class trip.",
    )
    contact.history.all().delete()
    response = login(cast.teacher).get(url("families:contact-history", contact.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No changes recorded" in page
    assert "Chatted at the gate about the class trip." in page


def test_a_contact_with_one_history_row_shows_it_as_logged(cast, world, login):
    contact = contact_log(
        school=cast.school,
        family=world.family,
        staff=cast.teacher,
        parents=[world.mum],
        summary="Chatted at the gate.",
    )
    response = login(cast.teacher).get(url("families:contact-history", contact.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Logged" in page and "No changes recorded" not in page
