"""Demo meetings for the guidance's cases, in every state: planned with preparation part-done,
held with action points (some overdue) and a follow-up, reviewed with scaling progress, and
one cancelled.

Idempotent: each meeting is found by its family and purpose before it is made. Dates are
relative to today. Families come from demo.families; a case that is missing is skipped.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo import schools as demo_schools
from families.models import ParentCarer, SchoolFamily
from meetings import services
from meetings.models import ActionPoint, Meeting, MeetingParent

try:
    from demo.family_cases import CASES
except ImportError:  # the families demo has not landed: nothing to attach meetings to
    CASES = {}

CASTLEBRAE, NORTHFIELD = "castlebrae", "northfield"


def _day(days: int, hour: int = 15, minute: int = 30) -> datetime.datetime:
    """A local time `days` from today (negative: in the past), moved off the weekend: to the
    Monday after for a meeting ahead, the Friday before for one already held."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    if day.weekday() >= 5:
        day += datetime.timedelta(days=7 - day.weekday() if days >= 0 else 4 - day.weekday())
    naive = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(naive)


def _users(key: str) -> dict:
    User = get_user_model()
    return {
        suffix: User.objects.filter(username=f"{key}.{suffix}").first()
        for suffix in ("teacher", "pastoral", "head")
    }


def _school_family(schools, key: str, case: str) -> SchoolFamily | None:
    name = CASES.get(case)
    if not name or key not in schools:
        return None
    return (
        SchoolFamily.objects.filter(school=schools[key], family__name=name)
        .select_related("family", "school")
        .first()
    )


def _meeting(sf: SchoolFamily, *, chair, purpose: str, staff=(), invite=None, **fields) -> Meeting:
    """The meeting for this family and purpose, made once (past meetings too, so not through
    meeting_schedule, which refuses a date in the past)."""
    existing = Meeting.objects.filter(school=sf.school, family=sf.family, purpose=purpose).first()
    if existing is not None:
        return existing
    meeting = Meeting(school=sf.school, family=sf.family, chair=chair, purpose=purpose, **fields)
    meeting.created_by = chair
    meeting.full_clean()
    meeting.save()
    meeting.children.set(sf.family.children.filter(school=sf.school, left_on__isnull=True))
    meeting.staff.set([u for u in staff if u and u.pk != chair.pk])
    parents = list(ParentCarer.objects.filter(family=sf.family).order_by("pk"))
    for parent in parents:
        invited = invite is None or invite(parent)
        MeetingParent.objects.create(
            meeting=meeting,
            parent=parent,
            response=MeetingParent.Response.ATTENDING if invited else "not_invited",
            not_invited_reason="" if invited else "Kept informed through their own worker.",
            attended=invited if meeting.status != Meeting.Status.PLANNED else None,
        )
    return meeting


def _said(meeting: Meeting, section: str, rows, by) -> None:
    # Lines of held meetings are written as they were on the day, past the record's lock (the
    # services refuse new lines once a record is a day old), so they are created directly.
    for party, words in rows:
        meeting.contributions.create(section=section, party=party, words=words, recorded_by=by)


def _step(meeting: Meeting, what: str, days: int, status: str = "open", **owner) -> ActionPoint:
    point = ActionPoint(
        meeting=meeting,
        what=what,
        due_on=timezone.localdate() + datetime.timedelta(days=days),
        status=status,
        **owner,
    )
    return services.action_point_save(action_point=point)


def _fresh(meeting: Meeting) -> bool:
    """Whether this meeting's record still has to be written (so a second run adds nothing)."""
    return not meeting.contributions.exists()


def _planned_transition(schools, users) -> None:
    sf = _school_family(schools, CASTLEBRAE, "starting_school")
    if sf is None:
        return
    meeting = _meeting(
        sf,
        chair=users["pastoral"],
        staff=[users["teacher"]],
        purpose="To plan together how Ellie starts P1: her medical needs, how she learns best, "
        "and who does what in the first weeks.",
        kind=Meeting.Kind.TRANSITION,
        starts_at=_day(5, 9, 30),
        duration_minutes=60,
        place_kind=Meeting.Place.SCHOOL_ROOM,
        place_details="The family room, ground floor",
        child_view_how=Meeting.ChildView.TRUSTED_ADULT,
        supporter_name="",
        prep_told_why=True,
        prep_told_who=True,
        prep_told_when=True,
        prep_told_how_long=True,
        prep_invited_to_add=True,
        parent_items="Shona would like to talk about how the school nurse will be involved.",
    )
    if not meeting.agencies.exists():
        services.agency_add(
            meeting=meeting,
            name="Anne Gallacher",
            organisation="Riverbank Health Visiting",
            kind="health",
            role="Health visitor",
        )
        services.agency_add(
            meeting=meeting,
            name="Dr Ravi Menon",
            organisation="Riverbank Educational Psychology",
            kind="educational_psychology",
        )


def _held_bereavement(schools, users) -> None:
    sf = _school_family(schools, CASTLEBRAE, "bereavement")
    if sf is None:
        return
    meeting = _meeting(
        sf,
        chair=users["pastoral"],
        staff=[users["teacher"]],
        purpose="To agree with Lorna how school can best support Kai after his grandad died.",
        kind=Meeting.Kind.SOLUTION_ORIENTED,
        starts_at=_day(-20, 18, 0),
        duration_minutes=45,
        place_kind=Meeting.Place.HOME,
        place_details="At home, as Lorna asked",
        child_view_how=Meeting.ChildView.WRITTEN,
        confidentiality="pastoral",
        confidentiality_reason="Family bereavement; Lorna agreed Kai's teachers may be told.",
        status=Meeting.Status.HELD,
        held_at=_day(-20, 18, 45),
        summary="We talked about how Kai is doing since his grandad died. Lorna and school both "
        "see that the quiet corner helps. We agreed three small steps and will meet again.",
        review_on=timezone.localdate() + datetime.timedelta(days=25),
        **{f: True for f in services.PREPARATION_FIELDS if f != "interpreter_booked"},
    )
    if not _fresh(meeting):
        return
    lorna = sf.family.parents.first()
    kai = sf.family.children.first()
    by = users["pastoral"]
    _said(
        meeting,
        "best_hopes",
        [("Lorna (Mum)", "That Kai feels OK about coming to school."), ("Kai", "Play football.")],
        by,
    )
    _said(
        meeting,
        "strengths",
        [
            ("Lorna (Mum)", "Kai is kind and looks after his little cousins."),
            ("Mrs Lindsay (teacher)", "Kai's drawings are the best in the class."),
        ],
        by,
    )
    _said(
        meeting,
        "exceptions",
        [("Lorna (Mum)", "He is brighter on days he has football at lunch.")],
        by,
    )
    for party, score, higher in [
        ("Lorna (Mum)", 4, "Kai talks about his day at teatime."),
        ("Kai", 5, "I don't feel sad in the morning."),
        ("School", 4, "Kai uses the quiet corner when he needs it, without asking."),
    ]:
        meeting.scaling.create(party=party, score=score, one_point_higher=higher)
    _step(
        meeting,
        "Tell Kai's teachers he may use the quiet corner without asking",
        -15,
        "done",
        owner_kind="staff",
        owner_staff=users["teacher"],
    )
    _step(
        meeting,
        "Phone Lorna on Fridays with one good thing from the week",
        -6,
        owner_kind="staff",
        owner_staff=users["teacher"],
    )
    _step(
        meeting,
        "Refer to the bereavement support service (with Lorna's agreement)",
        -3,
        owner_kind="staff",
        owner_staff=users["pastoral"],
    )
    if lorna:
        _step(
            meeting,
            "Let school know about any hard dates coming up",
            10,
            "in_progress",
            owner_kind="parent",
            owner_parent=lorna,
        )
    if kai:
        _step(
            meeting,
            "Draw a picture of a good day to show Mrs Lindsay",
            4,
            owner_kind="child",
            owner_child=kai,
        )
    follow_up = services.follow_up_schedule(meeting=meeting, owner=users["pastoral"])
    follow_up.due_on = timezone.localdate() - datetime.timedelta(days=2)
    follow_up.save(update_fields=["due_on"])


def _held_siblings_apart(schools, users) -> None:
    sf = _school_family(schools, CASTLEBRAE, "siblings_apart")
    if sf is None:
        return
    meeting = _meeting(
        sf,
        chair=users["pastoral"],
        staff=[users["teacher"]],
        purpose="Team around Lily: keeping her close to Jay and settled at school while she "
        "lives with her foster carer.",
        kind=Meeting.Kind.MULTI_AGENCY,
        starts_at=_day(-12, 13, 30),
        duration_minutes=60,
        place_kind=Meeting.Place.SCHOOL_ROOM,
        place_details="The family room, ground floor",
        child_view_how=Meeting.ChildView.TRUSTED_ADULT,
        supporter_name="Kim Reilly",
        supporter_relationship="Family support worker, supporting Nicola",
        confidentiality="pastoral",
        confidentiality_reason="Looked-after child; care arrangements are discussed.",
        status=Meeting.Status.HELD,
        held_at=_day(-12, 14, 30),
        summary="Lily is settled with Sandra and loves her weekends at Gran's with Jay. Nicola "
        "wants to hear about Lily's progress. We agreed how news reaches everyone.",
        review_on=timezone.localdate() + datetime.timedelta(days=40),
        **{f: True for f in services.PREPARATION_FIELDS if f != "interpreter_booked"},
    )
    if not _fresh(meeting):
        return
    by = users["pastoral"]
    _said(meeting, "strengths", [("Sandra (foster carer)", "Lily reads to me every night.")], by)
    _said(meeting, "exceptions", [("Mrs Lindsay (teacher)", "Mondays after Gran's go well.")], by)
    for party, score, higher in [
        ("Nicola (Mum)", 5, "I hear about Lily's week without having to ask."),
        ("Sandra (foster carer)", 7, "Lily talks about school at teatime."),
    ]:
        meeting.scaling.create(party=party, score=score, one_point_higher=higher)
    meeting.agencies.create(
        name="Claire Fyfe",
        organisation="Riverbank Council social work",
        kind="social_work",
        role="Lily's social worker",
    )
    _step(
        meeting,
        "Send Nicola the same fortnightly update as Sandra",
        -2,
        owner_kind="staff",
        owner_staff=users["teacher"],
    )
    _step(
        meeting,
        "Check the contact arrangements for the holidays",
        14,
        owner_kind="agency",
        owner_agency="Claire Fyfe, Riverbank Council social work",
    )


def _reviewed_exclusions(schools, users) -> None:
    sf = _school_family(schools, NORTHFIELD, "exclusions")
    if sf is None:
        return
    common = {
        "chair": users["pastoral"],
        "staff": [users["head"]],
        "place_kind": Meeting.Place.SCHOOL_ROOM,
        "place_details": "Pastoral base meeting room",
        "child_attending": True,
        "child_view_how": Meeting.ChildView.PART,
        "supporter_name": "Mrs Agnes Docherty",
        "supporter_relationship": "Ryan's gran, supporting Karen",
        **{f: True for f in services.PREPARATION_FIELDS if f != "interpreter_booked"},
    }
    first = _meeting(
        sf,
        purpose="Ryan's return after his exclusion: what helps him stay in class.",
        kind=Meeting.Kind.RETURN_AFTER_EXCLUSION,
        starts_at=_day(-70, 16, 0),
        duration_minutes=60,
        status=Meeting.Status.HELD,
        held_at=_day(-70, 17, 0),
        summary="Ryan came back to school. Mum, Dad and school agreed Ryan starts each day in "
        "the base and has a workshop slot twice a week.",
        review_on=timezone.localdate() - datetime.timedelta(days=10),
        **common,
    )
    if _fresh(first):
        _said(first, "best_hopes", [("Ryan", "Not get sent home again.")], users["pastoral"])
        _said(
            first,
            "strengths",
            [
                ("Karen (Mum)", "Ryan is great with his hands and helps at home."),
                ("Paul (Dad)", "He never misses football training."),
            ],
            users["pastoral"],
        )
        _said(first, "exceptions", [("Ryan", "Workshop days are fine.")], users["pastoral"])
        for party, score, higher in [
            ("Karen (Mum)", 3, "A week without a phone call about behaviour."),
            ("Paul (Dad)", 2, "Ryan tells me about school without being asked."),
            ("Ryan", 4, "Getting through maths without walking out."),
            ("School", 3, "Ryan asks for time out before things build up."),
        ]:
            first.scaling.create(party=party, score=score, one_point_higher=higher)
        _step(
            first,
            "Start each day in the base with Ms Nair",
            -60,
            "done",
            owner_kind="staff",
            owner_staff=users["pastoral"],
        )
        _step(
            first,
            "Send both parents the same weekly update",
            -50,
            "done",
            owner_kind="staff",
            owner_staff=users["teacher"],
        )
    review = _meeting(
        sf,
        purpose="Review of Ryan's return: how the last ten weeks have gone and what next.",
        kind=Meeting.Kind.SOLUTION_ORIENTED,
        starts_at=_day(-10, 16, 0),
        duration_minutes=45,
        status=Meeting.Status.HELD,
        held_at=_day(-10, 16, 45),
        previous=first,
        summary="Things are better: no exclusions since Ryan came back. Everyone moved up "
        "the scale. We agreed to keep the base start and add a work-experience taster.",
        review_on=timezone.localdate() + datetime.timedelta(days=50),
        **common,
    )
    if _fresh(review):
        Meeting.objects.filter(pk=first.pk).update(status=Meeting.Status.REVIEWED)
        _said(
            review,
            "strengths",
            [("Mr Reid (English)", "Ryan finished his first full essay this term.")],
            users["pastoral"],
        )
        _said(review, "best_hopes", [("Ryan", "A taster day at the college.")], users["pastoral"])
        for party, score, higher in [
            ("Karen (Mum)", 6, "Ryan gets himself up for school."),
            ("Paul (Dad)", 5, "We talk about a college course."),
            ("Ryan", 7, "Stay in maths every lesson."),
            ("School", 6, "Ryan helps a younger pupil in the workshop."),
        ]:
            review.scaling.create(party=party, score=score, one_point_higher=higher)
        _step(
            review,
            "Arrange a college taster day",
            21,
            owner_kind="agency",
            owner_agency="Riverbank College schools link",
        )
        _step(
            review,
            "Check in with Ryan every Monday in the base",
            7,
            "in_progress",
            owner_kind="staff",
            owner_staff=users["pastoral"],
        )


def _planned_and_cancelled_residential(schools, users) -> None:
    sf = _school_family(schools, NORTHFIELD, "residential")
    if sf is None:
        return
    _meeting(
        sf,
        chair=users["pastoral"],
        purpose="Jordan's review with Oakview and social work (first date).",
        kind=Meeting.Kind.MULTI_AGENCY,
        starts_at=_day(-14, 11, 0),
        duration_minutes=60,
        place_kind=Meeting.Place.COMMUNITY,
        place_details="Oakview children's house",
        status=Meeting.Status.CANCELLED,
        cancelled_reason="Marcus was ill; rearranged with everyone the same day.",
    )
    planned = _meeting(
        sf,
        chair=users["pastoral"],
        staff=[users["teacher"]],
        purpose="Jordan's review with Oakview and social work: art college plans and attendance.",
        kind=Meeting.Kind.MULTI_AGENCY,
        starts_at=_day(9, 11, 0),
        duration_minutes=60,
        place_kind=Meeting.Place.COMMUNITY,
        place_details="Oakview children's house",
        child_attending=True,
        child_view_how=Meeting.ChildView.IN_PERSON,
        confidentiality="pastoral",
        confidentiality_reason="Looked-after young person; care plan details are shared.",
        prep_told_why=True,
        prep_told_when=True,
        prep_child_view_gathered=True,
    )
    if not planned.agencies.exists():
        services.agency_add(
            meeting=planned,
            name="Claire Fyfe",
            organisation="Riverbank Council social work",
            kind="social_work",
            role="Jordan's social worker",
        )


@transaction.atomic
def load() -> None:
    schools = demo_schools.load()
    users = {key: _users(key) for key in (CASTLEBRAE, NORTHFIELD)}
    if not all(all(found.values()) for found in users.values()):
        return
    _planned_transition(schools, users[CASTLEBRAE])
    _held_bereavement(schools, users[CASTLEBRAE])
    _held_siblings_apart(schools, users[CASTLEBRAE])
    _reviewed_exclusions(schools, users[NORTHFIELD])
    _planned_and_cancelled_residential(schools, users[NORTHFIELD])
