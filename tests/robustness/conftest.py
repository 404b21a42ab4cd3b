"""Robustness (Trust 9 and 10): a family with a child, two parents and a planned meeting, the
form payloads that save, and the hypothesis profile for the hostile-input tests."""

import datetime
import html
import os
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings

from bench.contact_form import good_news_call
from families.models import ChildParent
from tests import factories

# Bounded so the folder stays quick on a busy two-core machine; ROBUSTNESS_EXAMPLES=200 for a
# deeper run before a release.
settings.register_profile(
    "robustness",
    max_examples=int(os.environ.get("ROBUSTNESS_EXAMPLES", "4")),
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
settings.load_profile("robustness")


@dataclass
class World:
    school_family: object
    family: object
    child: object
    mum: object
    dad: object
    meeting: object


def make_world(cast) -> World:
    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Rowan")
    family = school_family.family
    group = factories.ClassGroupFactory(school=cast.school)
    group.staff.add(cast.teacher)
    child = factories.ChildFactory(
        school=cast.school, family=family, class_group=group, first_name="Robin"
    )
    mum = factories.ParentCarerFactory(family=family, first_name="Morven", last_name="Rowan")
    dad = factories.ParentCarerFactory(family=family, first_name="Duncan", last_name="Rowan")
    factories.ChildParentFactory(child=child, parent=mum, relationship="mother")
    factories.ChildParentFactory(
        child=child, parent=dad, relationship=ChildParent.Relationship.FATHER
    )
    meeting = factories.MeetingFactory(
        school=cast.school,
        family=family,
        chair=cast.pastoral,
        starts_at=_days_ahead(30, 9),
    )
    meeting.children.add(child)
    for parent in (mum, dad):
        meeting.invitations.create(parent=parent)
    return World(school_family, family, child, mum, dad, meeting)


def _days_ahead(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, 0), tzinfo=timezone.get_current_timezone()
    )


@pytest.fixture
def world(cast, compass_defaults):
    return make_world(cast)


def contact_data(world, staff, **overrides) -> dict:
    chosen = {"parents": [world.mum.pk], "children": [world.child.pk], **overrides}
    return good_news_call(staff=staff.pk, **chosen)


def meeting_data(cast, world, *, days=20, start="10:00", end="11:00", **overrides) -> dict:
    data = {
        "kind": "solution_oriented",
        "purpose": "How mornings can go more smoothly for Robin.",
        "date": (timezone.localdate() + datetime.timedelta(days=days)).isoformat(),
        "start_time": start,
        "end_time": end,
        "place_kind": "school_room",
        "place_details": "The family room",
        "chair": cast.pastoral.pk,
        "child_view_how": "trusted_adult",
        "confidentiality": "school",
        "invited": [world.mum.pk, world.dad.pk],
        "children": [world.child.pk],
    }
    data.update(overrides)
    return data


def placement_data(**overrides) -> dict:
    data = {
        "communication": "3",
        "access": "2",
        "attitude": "4",
        "evidence": "Dad came to the class assembly and stayed to chat.",
        "level": "enhanced",
    }
    data.update(overrides)
    return data


def complaint_data(cast, world, **overrides) -> dict:
    data = {
        "family": world.family.pk,
        "raised_by": world.mum.pk,
        "raised_by_name": "",
        "about": "Felt not listened to at the parents' evening.",
        "received_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "received_how": "in_person",
        "point_of_contact": cast.teacher.pk,
        "what_would_help": "A proper conversation with the class teacher.",
        "school_can_offer": "A call this week and a meeting if wanted.",
        "first_response_at": "",
    }
    data.update(overrides)
    return data


def step_data(cast, **overrides) -> dict:
    data = {
        "what": "Phone home on Friday with how the week went.",
        "owner_kind": "staff",
        "owner_staff": cast.teacher.pk,
        "due_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
    }
    data.update(overrides)
    return data


def url(name, *args):
    return reverse(name, args=args)


TOKEN = re.compile(r'name="form_token" value="([0-9a-f-]{36})"')
FORMS = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL)
ACTION = re.compile(r'\baction="([^"]*)"')


def token_for_form(client, page_url: str, post_url: str) -> str:
    """The one-time token of the form on `page_url` that posts to `post_url` (a form without
    an action posts to its own page)."""
    page = client.get(page_url)
    assert page.status_code == 200
    found = []
    for attrs, body in FORMS.findall(page.content.decode()):
        action = ACTION.search(attrs)
        target = html.unescape(action.group(1)) if action else page_url
        if target.split("#")[0] == post_url:
            found += TOKEN.findall(body)
    assert len(found) == 1, f"the form posting to {post_url} carries one one-time token"
    return found[0]
