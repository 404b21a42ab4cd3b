""" "Why not invited" is asked per adult: each parent or carer left out has their own reason,
never one reason copied to all."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from meetings.models import Meeting, MeetingParent
from portal.lib import conflicts
from tests import factories

NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def gran(household):
    gran = factories.ParentCarerFactory(
        family=household.family, first_name="Isla", last_name="Rowan"
    )
    factories.ChildParentFactory(child=household.child, parent=gran, relationship="kinship_carer")
    return gran


def _plan(cast, **overrides):
    data = {
        "kind": "solution_oriented",
        "purpose": "How mornings can go more smoothly for Robin.",
        "date": "2026-11-24",
        "start_time": "15:30",
        "end_time": "16:15",
        "place_kind": "school_room",
        "chair": cast.pastoral.pk,
        "child_view_how": "trusted_adult",
        "confidentiality": "school",
    }
    data.update(overrides)
    return data


def _add_url(household):
    return reverse("meetings:meeting-add", args=[household.family.pk])


def test_the_form_asks_why_for_each_adult_by_name(cast, login, household, gran):
    page = login(cast.pastoral).get(_add_url(household))
    for parent in (household.mum, household.dad, gran):
        assert f"If {parent.full_name} is not invited: why not" in page.text
    assert 'name="not_invited_reason"' not in page.text


def test_each_adult_left_out_keeps_their_own_reason(cast, login, household, gran):
    response = login(cast.pastoral).post(
        _add_url(household),
        _plan(
            cast,
            invited=[household.mum.pk],
            children=[household.child.pk],
            **{
                f"not_invited_reason_{household.dad.pk}": "He asked us to talk to Mum.",
                f"not_invited_reason_{gran.pk}": "Gran is told by Mum afterwards.",
            },
        ),
    )
    assert response.status_code == 302
    reasons = dict(
        MeetingParent.objects.filter(response="not_invited").values_list(
            "parent_id", "not_invited_reason"
        )
    )
    assert reasons == {
        household.dad.pk: "He asked us to talk to Mum.",
        gran.pk: "Gran is told by Mum afterwards.",
    }


def test_a_missing_reason_is_asked_beside_that_adult_only(cast, login, household, gran):
    response = login(cast.pastoral).post(
        _add_url(household),
        _plan(
            cast,
            invited=[household.mum.pk],
            children=[household.child.pk],
            **{f"not_invited_reason_{household.dad.pk}": "He asked us to talk to Mum."},
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"not_invited_reason_{gran.pk}"] == [
        "Every parent and carer is usually invited. Say why Isla Rowan is not invited."
    ]
    assert f"not_invited_reason_{household.dad.pk}" not in form.errors
    assert not Meeting.objects.exists()


def test_editing_shows_each_reason_and_changes_one(cast, login, household, gran):
    client = login(cast.pastoral)
    client.post(
        _add_url(household),
        _plan(
            cast,
            invited=[household.mum.pk],
            children=[household.child.pk],
            **{
                f"not_invited_reason_{household.dad.pk}": "He asked us to talk to Mum.",
                f"not_invited_reason_{gran.pk}": "Gran is told by Mum afterwards.",
            },
        ),
    )
    meeting = Meeting.objects.get()
    edit = reverse("meetings:meeting-edit", args=[meeting.pk])
    form = client.get(edit).context["form"]
    assert form.initial[f"not_invited_reason_{gran.pk}"] == "Gran is told by Mum afterwards."
    data = _plan(
        cast,
        invited=[household.mum.pk, household.dad.pk],
        children=[household.child.pk],
        **{f"not_invited_reason_{gran.pk}": "Gran is away that week."},
    )
    data[conflicts.FIELD] = form[conflicts.FIELD].value()
    assert client.post(edit, data).status_code == 302
    responses = {i.parent_id: (i.response, i.not_invited_reason) for i in meeting.invitations.all()}
    assert responses[household.dad.pk] == ("invited", "")
    assert responses[gran.pk] == ("not_invited", "Gran is away that week.")
