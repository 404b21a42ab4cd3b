"""The data the authorisation matrix runs against: the same records at the cast's school ("own")
and at the other school ("other"), each school's records carrying its own marker string, plus
a third school of the own school's authority sharing the own family (a brother or sister
there), whose records carry a third marker. Built once per test function."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from consent.models import Consent
from families.importer import ImportResult, RowError
from families.models import ChildParent, Contact, ImportRun
from family_voice import services
from meetings.models import Meeting
from portal.access import ADMINISTRATORS_GROUP
from portal.models import Role
from tests import factories
from tests.conftest import otp_verify_session

OWN_MARKER = "ZZMARKER-OWN-SCHOOL"
OTHER_MARKER = "ZZMARKER-OTHER-SCHOOL"
SIBLING_MARKER = "ZZMARKER-SIBLING-SCHOOL"
MARKERS = (OWN_MARKER, OTHER_MARKER, SIBLING_MARKER)

# The confidentiality variants of contacts and meetings. "named_teacher": named level with the
# teacher named (a contact) or attending (a meeting); "named_other": named level, teacher not.
LEVELS = ("school", "pastoral", "named_teacher", "named_other")

# Every role of the matrix. Outsiders hold the same role at the other school. Administrators
# have no school (they manage accounts in Django admin), so there is no outsider administrator.
INSIDERS = ("teacher", "pastoral", "headteacher", "authority_officer", "admin")
OUTSIDERS = (
    "outsider_teacher",
    "outsider_pastoral",
    "outsider_headteacher",
    "outsider_authority_officer",
)
ROLES = ("anonymous", *INSIDERS, *OUTSIDERS)
# What an administrator manages in admin (as in the demo data: accounts and schools only).
ADMIN_MODELS = ["user", "group", "authority", "school", "classgroup", "membership"]


@dataclass
class Side:
    """One school's records, each carrying `marker`."""

    school: object
    marker: str
    family: object = None
    school_family: object = None
    child: object = None
    parent: object = None
    contacts: dict = field(default_factory=dict)
    meetings: dict = field(default_factory=dict)
    agency: object = None
    contribution: object = None
    scaling: object = None
    step: object = None
    review: object = None  # a meeting reviewing meetings["school"], whose steps it goes through
    follow_up: object = None
    # A teacher's role an administrator gave, awaiting the headteacher's confirmation.
    pending: object = None
    complaints: dict = field(default_factory=dict)
    hold: object = None  # a legal hold on the family (privacy)
    erasure_run: object = None  # an erasure at the school, with one logged row (privacy)
    placement: object = None
    placements: dict = field(default_factory=dict)
    import_run: object = None  # a finished dry run of a CSV import (families.ImportRun)
    # Families with no pupil in the teacher's class: one the teacher meets at a meeting, one
    # whose agreed step the teacher owns (with a pastoral-level note), and one they never meet.
    met_family: object = None
    step_family: object = None
    untaught_family: object = None
    met_note: object = None  # a pastoral-level note of met_family
    consent: object = None  # a consent to share given by the parent (consent.Consent)
    parent_link: object = None  # a link made by pastoral staff for the parent (family_voice)
    twin: Side | None = None  # the other side, for URLs that mix two schools' ids
    sibling: Side | None = None  # the records of the own family at a third school


@dataclass
class World:
    cast: object
    own: Side
    other: Side
    sibling: Side
    clients: dict


def _side(school, marker, *, teacher, pastoral, headteacher, family=None, parent=None) -> Side:
    """A family with a pupil in `teacher`'s class, contacts and meetings at every
    confidentiality level, a meeting's record, and two complaints; all text carries `marker`."""
    side = Side(school=school, marker=marker)
    class_group = factories.ClassGroupFactory(school=school, name=f"P4 {marker}")
    class_group.staff.add(teacher)
    if family is None:
        side.school_family = factories.SchoolFamilyFactory(
            school=school, family__name=f"Family {marker}", family__strengths=f"Kind {marker}"
        )
        side.family = side.school_family.family
    else:
        side.school_family = factories.SchoolFamilyFactory(school=school, family=family)
        side.family = family
    side.child = factories.ChildFactory(
        school=school,
        family=side.family,
        class_group=class_group,
        first_name=f"Robin {marker}",
        last_name=marker,
    )
    # Parents belong to the family, not to a school: a shared family keeps its own parent.
    side.parent = parent or factories.ParentCarerFactory(
        family=side.family, first_name=f"Morven {marker}", last_name=marker
    )
    factories.ChildParentFactory(
        child=side.child, parent=side.parent, relationship=ChildParent.Relationship.MOTHER
    )
    for level in LEVELS:
        side.contacts[level] = _contact(side, level, author=pastoral, named=teacher)
        side.meetings[level] = _meeting(side, level, chair=pastoral, attending=teacher)
    side.contacts["by_teacher"] = _contact(side, "school", author=teacher, named=teacher)
    meeting = side.meetings["school"]
    meeting.summary = f"We agreed small steps {marker}"
    meeting.save(update_fields=["summary"])
    # Recorded, so that the family's summary may be opened (before, it is a 409 for all).
    Meeting.objects.filter(pk__in=[meeting.pk, side.meetings["named_other"].pk]).update(
        status=Meeting.Status.HELD, held_at=timezone.now()
    )
    meeting.refresh_from_db()
    side.agency = factories.AgencyAttendeeFactory(meeting=meeting, name=f"Jo {marker}")
    side.contribution = factories.ContributionFactory(
        meeting=meeting, words=f"Robin helps at home {marker}"
    )
    side.scaling = factories.ScalingAnswerFactory(
        meeting=meeting, one_point_higher=f"Goes in at the gate {marker}"
    )
    side.step = factories.ActionPointFactory(
        meeting=meeting, owner_staff=teacher, what=f"Phone home on Friday {marker}"
    )
    side.follow_up = factories.FollowUpFactory(meeting=meeting, owner=pastoral)
    side.review = _meeting(side, "school", chair=pastoral, attending=teacher)
    side.review.previous = meeting
    side.review.save(update_fields=["previous"])
    for key, person in (("poc_teacher", teacher), ("poc_pastoral", pastoral)):
        side.complaints[key] = factories.ComplaintFactory(
            school=school,
            family=side.family,
            raised_by=side.parent,
            raised_by_name=f"Morven {marker}",
            about=f"The homework club {marker}",
            point_of_contact=person,
        )
    side.placement = factories.PlacementFactory(
        school_family=side.school_family, placed_by=pastoral, evidence=f"Two calls {marker}"
    )
    # A placement at each confidentiality level, written by the pastoral lead (the newest is
    # the family's "Now", so its words show on the family page's compass too).
    for level in LEVELS:
        side.placements[level] = factories.PlacementFactory(
            school_family=side.school_family,
            placed_by=pastoral,
            evidence=f"A {level} placement {marker}",
            confidentiality="named" if level.startswith("named") else level,
            confidentiality_reason="" if level == "school" else f"Bereavement {marker}",
            named_staff=[teacher] if level == "named_teacher" else [],
        )
    factories.SelfEvaluationFactory(
        school=school, recorded_by=headteacher, answers={"view_of_parents": f"As {marker}"}
    )
    side.hold = factories.LegalHoldFactory(
        school=school, family=side.family, set_by=headteacher, reason=f"A claim {marker}"
    )
    side.consent = Consent.objects.create(
        school=school,
        family=side.family,
        given_by_parent=side.parent,
        given_by_name=f"Morven {marker}",
        categories=["attendance"],
        organisation=f"Health centre {marker}",
        recorded_by=pastoral,
    )
    side.parent_link = services.link_create(
        school=school, parent=side.parent, purpose="compass", created_by=pastoral
    ).link
    side.import_run = _import_run(school, marker)
    side.erasure_run = factories.ErasureRunFactory(
        school=school, started_by=f"manage.py ({marker})", erased=1
    )
    factories.ErasureLogFactory(run=side.erasure_run, school=school)
    _families_met(side, teacher=teacher, pastoral=pastoral)
    return side


def _families_met(side: Side, *, teacher, pastoral) -> None:
    """Three families none of whose children the teacher teaches (see Side)."""
    families = []
    for name in ("Met", "Step", "Untaught"):
        school_family = factories.SchoolFamilyFactory(
            school=side.school, family__name=f"{name} family {side.marker}"
        )
        factories.ChildFactory(
            school=side.school, family=school_family.family, first_name=f"Sky {side.marker}"
        )
        families.append(school_family.family)
    side.met_family, side.step_family, side.untaught_family = families
    met = factories.MeetingFactory(
        school=side.school, family=side.met_family, chair=pastoral, purpose=f"Met {side.marker}"
    )
    met.staff.add(teacher)
    stepped = factories.MeetingFactory(
        school=side.school, family=side.step_family, chair=pastoral, purpose=f"Step {side.marker}"
    )
    factories.ActionPointFactory(
        meeting=stepped, owner_staff=teacher, what=f"Ring on Monday {side.marker}"
    )
    parent = factories.ParentCarerFactory(family=side.met_family, last_name=side.marker)
    side.met_note = factories.ContactFactory(
        school=side.school,
        family=side.met_family,
        staff=pastoral,
        summary=f"A pastoral note of a met family {side.marker}",
        confidentiality="pastoral",
        confidentiality_reason=f"Bereavement {side.marker}",
    )
    side.met_note.parents.add(parent)


def _import_run(school, marker: str):
    """A finished dry run whose report and file quote the marker (a row with a problem)."""
    result = ImportResult(dry_run=True, all_or_nothing=False, rows=2)
    result.counts["children"]["created"] = 1
    result.errors.append(RowError(3, f"there is no class called “P9 {marker}”"))
    return ImportRun.objects.create(
        school=school,
        dry_run=True,
        file_name=f"{marker}.csv",
        content=f"pupil_id,pupil_first_name\nP1,Robin {marker}\n",
        status=ImportRun.Status.DONE,
        rows_total=2,
        rows_done=2,
        report=result.as_json(),
        finished_at=timezone.now(),
    )


def _contact(side: Side, level: str, *, author, named) -> Contact:
    confidentiality = "named" if level.startswith("named") else level
    contact = factories.ContactFactory(
        school=side.school,
        family=side.family,
        staff=author,
        summary=f"A {level} note {side.marker}",
        confidentiality=confidentiality,
        confidentiality_reason="" if level == "school" else f"Bereavement {side.marker}",
        follow_up_on=timezone.localdate() - datetime.timedelta(days=3),
        follow_up_owner=author,
    )
    contact.parents.add(side.parent)
    contact.children.add(side.child)
    if level == "named_teacher":
        contact.named_staff.add(named)
    return contact


def _meeting(side: Side, level: str, *, chair, attending):
    meeting = factories.MeetingFactory(
        school=side.school,
        family=side.family,
        chair=chair,
        purpose=f"A {level} meeting {side.marker}",
        confidentiality="named" if level.startswith("named") else level,
    )
    meeting.children.add(side.child)
    meeting.invitations.create(parent=side.parent)
    if level == "named_teacher":
        meeting.staff.add(attending)
    return meeting


def _client(user) -> Client:
    """A client signed in as `user`, two-factor confirmed (as the `login` fixture does)."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
        otp_verify_session(client, user)
    return client


def build(cast) -> World:
    admins = Group.objects.get(name=ADMINISTRATORS_GROUP)
    admins.permissions.set(
        Permission.objects.filter(
            content_type__model__in=ADMIN_MODELS, content_type__app_label__in=["auth", "portal"]
        )
    )
    own = _side(
        cast.school,
        OWN_MARKER,
        teacher=cast.teacher,
        pastoral=cast.pastoral,
        headteacher=cast.headteacher,
    )
    other = _side(
        cast.other_school,
        OTHER_MARKER,
        teacher=cast.outsider_teacher,
        pastoral=cast.outsider_pastoral,
        headteacher=cast.outsider_headteacher,
    )
    own.twin, other.twin = other, own
    # The administrator manages the own school (School.administrators); each school has a role
    # they gave waiting for its headteacher's confirmation.
    cast.school.administrators.add(cast.admin)
    for side in (own, other):
        side.pending = factories.MembershipFactory(
            user=factories.UserFactory(username=f"newcomer_{side.school.pk}"),
            school=side.school,
            role=Role.STAFF,
            confirmed_at=None,
            requested_by=cast.admin,
        )
    # A brother or sister at another school of the own authority: the same family, its own
    # school's contacts, meetings and complaints, which the own school must never see.
    sibling_school = factories.SchoolFactory(name="Riverside High", authority=cast.school.authority)
    sibling_staff = {
        role: factories.MembershipFactory(
            user=factories.UserFactory(username=f"sibling_{role}"), school=sibling_school, role=r
        ).user
        for role, r in (
            ("teacher", Role.STAFF),
            ("pastoral", Role.PASTORAL),
            ("headteacher", Role.HEADTEACHER),
        )
    }
    sibling = _side(
        sibling_school, SIBLING_MARKER, family=own.family, parent=own.parent, **sibling_staff
    )
    own.sibling = other.sibling = sibling
    users = {"anonymous": None} | {role: getattr(cast, role) for role in INSIDERS + OUTSIDERS}
    clients = {role: _client(user) for role, user in users.items()}
    return World(cast=cast, own=own, other=other, sibling=sibling, clients=clients)


def user_school_markers(role: str) -> tuple[str, ...]:
    """The markers a role may legitimately see: its own school's, if it works with families.
    (The sibling school's records are never shown at the own school.)"""
    if role in ("teacher", "pastoral", "headteacher"):
        return (OWN_MARKER,)
    if role in ("outsider_teacher", "outsider_pastoral", "outsider_headteacher"):
        return (OTHER_MARKER,)
    return ()
