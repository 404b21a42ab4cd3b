"""Trust 9: random and hostile text, dates, numbers and choices thrown at every POST form of the
portal. The answer is always a clear message or a success (never a 500), text always comes back
escaped, and after a rejected submission the database is unchanged.

One hypothesis test per form; a few fields are replaced at once in an otherwise valid
submission, so each example reaches the field's own validation (not just "this is required").
Examples share the test's database, so each one compares counts before and after itself."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from compass.models import CompassRegion
from dashboards.filters import QUESTIONS
from families.services import contact_log
from meetings import services as meeting_services
from tests import factories
from tests.robustness.conftest import (
    complaint_data,
    contact_data,
    meeting_data,
    placement_data,
    step_data,
    url,
)
from tests.robustness.hostile import (
    SCRIPT,
    check_response,
    counts,
    hostile,
    snapshot,
    with_values,
)


@dataclass
class Case:
    user: str
    post_url: str
    data: dict
    row: object = None
    headers: dict = field(default_factory=dict)
    follow_get: str = ""  # a page that shows what the POST remembered (searches)


def _contact(cast, world):
    return contact_log(
        school=cast.school,
        family=world.family,
        staff=cast.teacher,
        parents=[world.mum],
        summary="Chatted at the gate.",
    )


def _complaint(cast, world):
    return factories.ComplaintFactory(
        school=cast.school,
        family=world.family,
        point_of_contact=cast.teacher,
        received_at=timezone.now() - datetime.timedelta(days=1),
    )


def _follow_up(cast, world):
    factories.ActionPointFactory(meeting=world.meeting, owner_staff=cast.pastoral)
    return meeting_services.follow_up_schedule(meeting=world.meeting, owner=cast.pastoral)


def _case(name, cast, world) -> Case:  # noqa: C901 - one branch per form, read as a table
    fam, meeting = world.family, world.meeting
    if name == "contact-add":
        return Case(
            "teacher", url("families:contact-add", fam.pk), contact_data(world, cast.teacher)
        )
    if name == "contact-edit":
        contact = _contact(cast, world)
        return Case(
            "teacher",
            url("families:contact-edit", contact.pk),
            contact_data(world, cast.teacher),
            row=contact,
        )
    if name == "parent-preferences":
        data = {
            "preferred_channel": "phone",
            "phone": "01234 567890",
            "email": "morven@example.org",
            "language": "English",
            "reading": "",
            "good_times": "After 3pm",
            "good_places": "",
            "work_pattern": "",
            "transport_needs": "",
            "mobility_needs": "",
            "dates_to_avoid": "",
            "household": "",
        }
        return Case(
            "teacher",
            url("families:parent-preferences", fam.pk, world.mum.pk),
            data,
            row=world.mum,
        )
    if name == "key-contact":
        return Case(
            "pastoral",
            url("families:family-key-contact", fam.pk),
            {"key_contact": cast.teacher.pk},
            row=world.school_family,
        )
    if name == "strengths":
        return Case(
            "teacher",
            url("families:family-strengths", fam.pk),
            {"strengths": "Loves football.", "exceptions": "Mornings with gran go well."},
            row=fam,
        )
    if name == "family-search":
        return Case(
            "teacher",
            url("families:family-search"),
            {"q": "Rowan", "filters": "tone=positive"},
            follow_get=url("families:family-list"),
        )
    if name == "placement-add":
        data = placement_data(next=url("families:family-detail", fam.pk))
        return Case("teacher", url("compass:placement-add", fam.pk), data)
    if name == "self-evaluation":
        regions = CompassRegion.objects.filter(school=None)
        data = {"target_year": timezone.localdate().year + 3}
        data |= {f"answer_{key}": "Some reflection." for key, _q, _p in QUESTIONS}
        shares = [100] + [0] * (regions.count() - 1)
        data |= {f"target_{r.key}": s for r, s in zip(regions, shares, strict=True)}
        return Case("headteacher", url("dashboards:selfevaluation"), data)
    if name == "meeting-add":
        return Case("pastoral", url("meetings:meeting-add", fam.pk), meeting_data(cast, world))
    if name == "meeting-edit":
        local = timezone.localtime(meeting.starts_at)
        data = meeting_data(cast, world, date=local.date().isoformat(), start="09:00", end="09:45")
        return Case("pastoral", url("meetings:meeting-edit", meeting.pk), data, row=meeting)
    if name == "preparation":
        return Case(
            "pastoral",
            url("meetings:preparation-toggle", meeting.pk),
            {"item": "prep_told_why", "done": "1"},
            row=meeting,
        )
    if name == "agency-add":
        data = {"name": "Sam", "organisation": "Health visiting", "kind": "other", "role": ""}
        return Case("pastoral", url("meetings:agency-add", meeting.pk), data)
    if name == "meeting-cancel":
        return Case(
            "pastoral",
            url("meetings:meeting-cancel", meeting.pk),
            {"reason": "Mum is unwell."},
            row=meeting,
        )
    if name == "contribution-add":
        return Case(
            "pastoral",
            url("meetings:contribution-add", meeting.pk, "best_hopes"),
            {"best_hopes-party": "Mum", "best_hopes-words": "Calmer mornings."},
            headers={"HX-Request": "true"},
        )
    if name == "scaling-add":
        data = {
            "person": f"parent-{world.mum.pk}",
            "score": "4",
            "one_point_higher": "Out the door by 8.",
        }
        return Case("pastoral", url("meetings:scaling-add", meeting.pk), data)
    if name == "action-add":
        return Case("pastoral", url("meetings:action-add", meeting.pk), step_data(cast))
    if name == "action-edit":
        point = factories.ActionPointFactory(meeting=meeting, owner_staff=cast.pastoral)
        data = step_data(cast, status="open", progress_note="Going well.")
        return Case("pastoral", url("meetings:action-edit", point.pk), data, row=point)
    if name == "meeting-record":
        # It has started: a meeting cannot be marked held before then.
        meeting.starts_at = timezone.now() - datetime.timedelta(minutes=5)
        meeting.save(update_fields=["starts_at"])
        data = {"summary": "We agreed three small steps.", "review_on": ""}
        return Case("pastoral", url("meetings:meeting-record", meeting.pk), data, row=meeting)
    if name == "follow-up-schedule":
        return Case(
            "pastoral", url("meetings:follow-up-schedule", meeting.pk), {"channel": "phone"}
        )
    if name == "follow-up-log":
        follow_up = _follow_up(cast, world)
        data = {"parents": [world.mum.pk], "summary": "Rang mum.", "tone": "positive"}
        for point in follow_up.action_points.all():
            data |= {f"status_{point.pk}": "open", f"note_{point.pk}": ""}
        return Case("pastoral", url("meetings:follow-up-log", follow_up.pk), data, row=follow_up)
    if name == "complaint-add":
        return Case("pastoral", url("complaints:complaint-add"), complaint_data(cast, world))
    if name == "complaint-edit":
        complaint = _complaint(cast, world)
        data = complaint_data(cast, world, status="open", outcome="")
        data["received_at"] = timezone.localtime(complaint.received_at).strftime("%Y-%m-%dT%H:%M")
        return Case("pastoral", url("complaints:complaint-edit", complaint.pk), data, row=complaint)
    if name == "complaint-reply":
        complaint = _complaint(cast, world)
        now = timezone.localtime()
        data = {
            "first_response_at": now.strftime("%Y-%m-%dT%H:%M"),
            "reply": "Thank you for telling us.",
            "replied_on": now.date().isoformat(),
            "apology_given": "",
            "apology": "",
        }
        return Case(
            "pastoral", url("complaints:complaint-reply", complaint.pk), data, row=complaint
        )
    if name == "complaint-search":
        return Case(
            "pastoral",
            url("complaints:complaint-search"),
            {"q": "listened", "status": "open", "mine": "1"},
            follow_get=url("complaints:complaint-list"),
        )
    if name == "school-switch":
        return Case("teacher", url("school-switch"), {"school": cast.school.pk, "next": "/"})
    raise AssertionError(name)


FORMS = [
    "contact-add",
    "contact-edit",
    "parent-preferences",
    "key-contact",
    "strengths",
    "family-search",
    "placement-add",
    "self-evaluation",
    "meeting-add",
    "meeting-edit",
    "preparation",
    "agency-add",
    "meeting-cancel",
    "contribution-add",
    "scaling-add",
    "action-add",
    "action-edit",
    "meeting-record",
    "follow-up-schedule",
    "follow-up-log",
    "complaint-add",
    "complaint-edit",
    "complaint-reply",
    "complaint-search",
    "school-switch",
]


@pytest.mark.parametrize("name", FORMS)
@given(data=st.data())
def test_hostile_values_in_every_form(name, cast, world, login, data):
    if not hasattr(world, "cases"):
        world.cases = {}
    if name not in world.cases:  # built once per test, not per example
        world.cases[name] = _case(name, cast, world)
    case = world.cases[name]
    client = login(getattr(cast, case.user))
    fields = sorted({*case.data, "unexpected_field"})
    changes = data.draw(
        st.dictionaries(st.sampled_from(fields), hostile, min_size=1, max_size=3),
        label="changes",
    )
    before, row_before = counts(), snapshot(case.row)
    response = client.post(case.post_url, with_values(case.data, changes), headers=case.headers)
    check_response(
        client,
        response,
        before=before,
        row=case.row,
        row_before=row_before,
        sent="".join(changes.values()),
    )
    if case.follow_get:
        shown = client.get(case.follow_get)
        check_response(client, shown, before=counts(), row=None, row_before=None)


# Hypothesis samples; these sweep. Each field in turn gets a NUL byte with markup around it (a
# classic PostgreSQL 500: "A string literal cannot contain NUL"), then every field at once gets
# each of a few values that have broken forms before.
NUL_AND_SCRIPT = f"Robin\x00{SCRIPT}"
# A number past 64 bits in every field (ids of choices included) overflowed SQLite's INTEGER.
ALL_AT_ONCE = [
    "\x00",
    "2026-02-30",
    "-99999999999999999999\u202e" + "x" * 3000,
    "99999999999999999999",
    str(10**400),
]


@pytest.mark.parametrize("name", FORMS)
def test_each_field_in_turn_and_all_at_once(name, cast, world, login):
    case = _case(name, cast, world)
    client = login(getattr(cast, case.user))

    def send(changes):
        before, row_before = counts(), snapshot(case.row)
        response = client.post(case.post_url, with_values(case.data, changes), headers=case.headers)
        check_response(
            client,
            response,
            before=before,
            row=case.row,
            row_before=row_before,
            sent="".join(changes.values()),
        )
        if case.follow_get:
            check_response(client, client.get(case.follow_get), before=counts())

    for name_ in sorted(case.data):
        send({name_: NUL_AND_SCRIPT})
    for value in ALL_AT_ONCE:
        send(dict.fromkeys(case.data, value))


def test_a_next_that_is_not_a_path_is_ignored_not_a_500(cast, world, login):
    """Found by the search above: redirect() took "home" or "'; DROP …" for a view name."""
    client = login(cast.teacher)
    for next_ in ["home", "'; DROP TABLE families_contact; --", "javascript:alert(1)"]:
        switched = client.post(url("school-switch"), {"school": cast.school.pk, "next": next_})
        assert switched.status_code == 302 and switched.url == url("home")
        placed = client.post(
            url("compass:placement-add", world.family.pk), placement_data(next=next_)
        )
        assert placed.status_code == 302
        assert placed.url == url("compass:family-compass", world.family.pk)
