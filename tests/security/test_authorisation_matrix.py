"""The authorisation matrix: every URL of the portal, every role, own and another school's objects.

HOW TO ADD A ROW (one line per URL, in the table of its app below):

    R("families:family-detail", family, "200 200 200 403 404"),
       route name                kwargs   teacher pastoral headteacher authority-officer admin

- route name: `app:name` as in `{% url %}` (an unnamed pattern: its route, e.g. "admin/login/").
- kwargs: a function of a school's records (`Side`, tests/security/matrix_world.py) giving the
  URL's kwargs, e.g. `family` = `lambda s: {"pk": s.family.pk}`; or a plain dict for URLs with no
  object of a school in them (dashboards, lists), or None.
- the five statuses are for a GET of the OWN school's object by teacher, pastoral, headteacher,
  authority officer and administrator (who has no school). Each is a status code, `login` (a
  302 to the login page) or `302` (a redirect anywhere else). Anonymous users expect `login`
  unless the row says `anonymous=...`.
- Derived, never written: with an object in the URL, another school's object is 404 for every
  signed-in role, and the own school's object is 404 for every outsider (the same roles at the
  other school); without one, outsiders expect what their role expects.
- method="FORM" (GET and POST) posts `data` too: refused roles expect their GET status, the
  others `post=` (200 form shown again, 400, or `302`); `post` may also be a five-status string
  when a role may read but not write. method="POST" (POST only) posts `data` and checks that a
  GET is 405. A refused POST must change nothing in the database.
  (On PostgreSQL, through pg_stat_xact_user_tables; every request is rolled back afterwards,
  so rows may POST valid data freely and all rows see the same records.)
- More rows per route are welcome for confidentiality levels and mixed ids (`variant=`).
  `scope="all"` marks an object open to its role at any school (admin pages), so the
  another-school 404 rule is not applied to it.
- Every response of the matrix to a signed-in user must carry `Cache-Control: no-store`
  (portal.middleware.NoStoreMiddleware), whatever its status.
- Every response of the matrix is searched for the marker strings planted in the records of
  the other school and of a third school sharing the own family: neither may appear anywhere.
- A new app: add its list (e.g. `PRIVACY_ROWS = [...]`) and put it in GROUPS. A new kind of
  record: create one in `matrix_world._side` (with `side.marker` in its text) and add a field
  for it to `Side`; the same function builds it at both schools.

The policy the rows encode: another school's record is a 404 for everyone, its existence never
confirmed; a role that may never open a kind of record (authority officers and administrators
for families, contacts, meetings, complaints) gets 403 for its own school's and 404 for any
other (an administrator has no school, so 404); a page with no record in its URL answers such a
role 403; within a school, confidentiality and who-teaches-whom hide a record with 404, and a
reader who may not change it gets 403 on the change.

A URL pattern with no row fails test_every_url_pattern_has_a_row. Django admin is one family:
every admin pattern is covered by the ADMIN_PREFIX rule and a representative set of admin pages
is requested in ADMIN_ROWS.
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bench.contact_form import good_news_call
from tests.security import matrix_world
from tests.security.matrix import REDIRECT, R, leaked, request, run_row, url_patterns
from tests.security.matrix_council_data import COUNCIL_DATA_ROWS
from tests.security.matrix_evenings import CALENDAR_ROWS, EVENINGS_ROWS
from tests.security.matrix_school_systems import SCHOOL_SYSTEMS_ROWS
from tests.security.matrix_single_sign_on import SINGLE_SIGN_ON_ROWS
from tests.security.matrix_world import OTHER_MARKER, OWN_MARKER, SIBLING_MARKER


def family(s):
    return {"pk": s.family.pk}


def family_pk(s):
    return {"family_pk": s.family.pk}


def contact(level):
    return lambda s: {"pk": s.contacts[level].pk}


def meeting(level="school"):
    return lambda s: {"pk": s.meetings[level].pk}


def complaint(key):
    return lambda s: {"pk": s.complaints[key].pk}


def pending(s):
    return {"pk": s.school.pk, "membership_pk": s.pending.pk}


def import_run(s):
    return {"pk": s.import_run.pk}


def sibling_contact(s):
    return {"pk": s.sibling.contacts["school"].pk}


def contact_data(s, *, parent=None) -> dict:
    """A valid new contact with the family of `s`, with `parent` (default: theirs)."""
    return good_news_call(
        parents=[(parent or s.parent).pk],
        staff=s.contacts["school"].staff_id,
        children=[s.child.pk],
    )


def step_data(s, *, child=None) -> dict:
    """A valid next step owned by a child of the family of `s` (default: the one here)."""
    return {
        "what": "Read together on Tuesdays.",
        "owner_kind": "child",
        "owner_child": (child or s.child).pk,
        "due_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
    }


def link(s):
    from families.models import ChildParent

    return {
        "pk": s.family.pk,
        "link_pk": ChildParent.objects.get(child=s.child, parent=s.parent).pk,
    }


def parent_of(s):
    return {"pk": s.family.pk, "parent_pk": s.parent.pk}


def parent_data(s) -> dict:
    return {
        "first_name": "Isobel",
        "last_name": "Grant",
        "language": "English",
        "relationship": "kinship_carer",
        "children": [s.child.pk],
    }


def child_data(s) -> dict:
    return {"first_name": "Skye", "last_name": "Grant", "date_of_birth": "2021-05-06"}


def link_data(s) -> dict:
    return {"relationship": "step_parent", "household": "Flat 2"}


def restriction_data(s) -> dict:
    from families.models import ChildParent

    return {
        "source": "court_order",
        "dated": "2026-01-05",
        "words": "School reports only.",
        "links": [ChildParent.objects.get(child=s.child, parent=s.parent).pk],
    }


FAMILY_READ = "200 200 200 403 404"  # whoever works with the family; authority officers never
FAMILY_WRITE = "403 200 200 403 404"  # key contact (none here), pastoral staff, headteacher
AUTHOR = "403 200 403 403 404"  # the record's author alone (pastoral here)
WITHDRAW = "403 200 200 403 404"  # the record's author (pastoral here), pastoral, headteacher
DASHBOARD = "403 200 200 403 403"
NOBODY = "404 404 404 404 404"
EVERYONE = "200 200 200 200 200"

PORTAL_ROWS = [
    R("home", None, EVERYONE),
    R("school-switch", None, EVERYONE, method="FORM", data={"school": "x"}),
    # Choosing one's own school is kept; the administrator has none to choose.
    R(
        "school-switch",
        None,
        EVERYONE,
        method="FORM",
        data=lambda s: {"school": s.school.pk, "next": "/"},
        post="302 302 302 302 404",
        variant="own school",
    ),
    # Another school's id is refused as if it did not exist, and nothing is kept.
    R(
        "school-switch",
        None,
        EVERYONE,
        method="FORM",
        data=lambda s: {"school": s.twin.school.pk},
        post=NOBODY,
        variant="another school",
    ),
    R("school-team", lambda s: {"pk": s.school.pk}, "200 200 200 403 404"),
    R("staff-access", lambda s: {"pk": s.school.pk}, "403 403 200 403 404"),
    # The headteacher's subjects and designated teacher (a subject too long: shown again).
    R(
        "school-lists",
        lambda s: {"pk": s.school.pk},
        "403 403 200 403 404",
        method="FORM",
        data={"subjects": "x" * 81},
    ),
    *(
        R(name, pending, "403 403 302 403 404", method="POST")
        for name in ("staff-access-confirm", "staff-access-decline")
    ),
    R("login", None, "302 302 302 302 302", anonymous=200, method="FORM"),
    R("otp-setup", None, EVERYONE, method="FORM"),
    # Already confirmed (or, for a teacher, nothing to confirm): sent on.
    R("otp-verify", None, "302 302 302 302 302", method="FORM"),
    R("logout", None, "login login login login login", method="POST"),
    R("password_change", None, EVERYONE, method="FORM"),
    R("password_change_done", None, EVERYONE),
    R("password_reset", None, EVERYONE, anonymous=200, method="FORM"),
    R("password_reset_done", None, EVERYONE, anonymous=200),
    R(
        "password_reset_confirm",
        {"uidb64": "MQ", "token": "set-password"},
        EVERYONE,
        anonymous=200,
    ),
    R("password_reset_complete", None, EVERYONE, anonymous=200),
    # Getting back in after a sign-in lock: open to anyone, the same answer for any username.
    R("unlock-request", None, EVERYONE, anonymous=200, method="FORM"),
    R("unlock-sent", None, EVERYONE, anonymous=200),
    R("unlock-by-code", None, EVERYONE, anonymous=200, method="FORM"),
    # An unknown, used or expired link: the page says so and a POST changes nothing.
    R("unlock-confirm", {"token": "not-a-real-link"}, EVERYONE, anonymous=200, method="FORM"),
]

FAMILIES_ROWS = [
    R("families:family-list", None, "200 200 200 403 403"),
    # The contact rhythm: whoever sees the dashboard reads it; the headteacher changes it.
    R(
        "families:contact-rhythm",
        None,
        DASHBOARD,
        method="FORM",
        post="403 403 302 403 403",
        data={"general_weeks": 12, "enhanced_weeks": 3, "intensive_weeks": 1},
    ),
    R("families:family-search", None, "302 302 302 403 403", method="POST", data={"q": ""}),
    R(
        "families:family-choose",
        None,
        "200 200 200 403 403",
        method="POST",
        data={"field": "family", "family_q": "ZZMARKER"},
    ),
    R(
        "families:child-before-start-add",
        None,
        "403 200 200 403 403",
        method="FORM",
        post="302",
        data={
            "first_name": "Leo",
            "last_name": "Grant",
            "date_of_birth": "2022-06-02",
            "coming_from": "Rowan Tree Nursery",
            "starts_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
            "relationship": "mother",
        },
    ),
    R("families:family-detail", family, FAMILY_READ),
    # Who-teaches-whom, and who meets the family: a teacher of none of its children opens the
    # family that they meet at a meeting or whose step they own, not one they never meet.
    *(
        R(
            "families:family-detail",
            lambda s, key=key: {"pk": getattr(s, key).pk},
            FAMILY_READ,
            variant=variant,
        )
        for key, variant in (
            ("met_family", "not taught, attends a meeting"),
            ("step_family", "not taught, owns a step"),
        )
    ),
    R(
        "families:family-detail",
        lambda s: {"pk": s.untaught_family.pk},
        "404 200 200 403 404",
        variant="not taught, never met",
    ),
    R(  # meeting the family opens it as far as each record's confidentiality allows
        "families:contact-history",
        lambda s: {"pk": s.met_note.pk},
        "404 200 200 403 404",
        variant="pastoral note of a family met at a meeting",
    ),
    R("families:family-export-csv", family, FAMILY_READ),
    R("families:family-print", family, FAMILY_READ),
    R("families:family-strengths", family, FAMILY_WRITE, method="FORM"),
    R("families:family-key-contact", family, FAMILY_WRITE, method="FORM"),
    R(
        "families:parent-preferences",
        lambda s: {"pk": s.family.pk, "parent_pk": s.parent.pk},
        FAMILY_WRITE,
        method="FORM",
    ),
    R(
        "families:parent-preferences",
        lambda s: {"pk": s.family.pk, "parent_pk": s.twin.parent.pk},
        "403 404 404 403 404",
        method="FORM",
        variant="another school's parent",
    ),
    # Keeping the family up to date: teachers only where the school allows (off here), and
    # never a restriction.
    R("families:parent-add", family, FAMILY_WRITE, method="FORM"),
    R(
        "families:parent-add",
        family,
        FAMILY_WRITE,
        method="FORM",
        data=parent_data,
        post=REDIRECT,
        variant="valid",
    ),
    R("families:child-add", family, FAMILY_WRITE, method="FORM"),
    R(
        "families:child-add",
        family,
        FAMILY_WRITE,
        method="FORM",
        data=child_data,
        post=REDIRECT,
        variant="valid",
    ),
    R("families:link-edit", link, FAMILY_WRITE, method="FORM", data=link_data, post=REDIRECT),
    R(
        "families:link-edit",
        lambda s: {"pk": s.family.pk, "link_pk": link(s.twin)["link_pk"]},
        "403 404 404 403 404",
        method="FORM",
        variant="another school's link",
    ),
    R("families:restriction-add", parent_of, FAMILY_WRITE, method="FORM"),
    R(
        "families:restriction-add",
        parent_of,
        FAMILY_WRITE,
        method="FORM",
        data=restriction_data,
        post=REDIRECT,
        variant="valid",
    ),
    R(
        "families:restriction-add",
        lambda s: {"pk": s.family.pk, "parent_pk": s.twin.parent.pk},
        "403 404 404 403 404",
        method="FORM",
        variant="another school's parent",
    ),
    R("families:restriction-lift", parent_of, FAMILY_WRITE, method="FORM"),
    R(
        "families:restriction-lift",
        lambda s: {"pk": s.family.pk, "parent_pk": s.twin.parent.pk},
        "403 404 404 403 404",
        method="FORM",
        variant="another school's parent",
    ),
    R("families:contact-add", family, FAMILY_READ, method="FORM"),
    R("families:contact-add", family, "404 404 404 403 404", query="?completes=0", variant="no"),
    R(
        "families:contact-add",
        family,
        FAMILY_READ,
        query=lambda s: f"?completes={s.contacts['school'].pk}",
        variant="completing a follow-up",
    ),
    R(
        "families:contact-add",
        family,
        "404 404 404 403 404",
        query=lambda s: f"?completes={s.twin.contacts['school'].pk}",
        variant="completing another school's follow-up",
    ),
    R("families:contact-add", family, FAMILY_READ, method="FORM", data=contact_data, post=REDIRECT),
    R(
        "families:contact-add",
        family,
        FAMILY_READ,
        method="FORM",
        data=lambda s: contact_data(s, parent=s.twin.parent),
        writes=False,
        variant="with another school's parent",
    ),
    # Editing is for the author alone, in the first day; after that corrections are amendments.
    R("families:contact-edit", contact("school"), AUTHOR, method="FORM", variant="school"),
    R(
        "families:contact-edit",
        contact("by_teacher"),
        "200 403 403 403 404",
        method="FORM",
        variant="own",
    ),
    R("families:contact-edit", contact("pastoral"), "404 200 403 403 404", variant="pastoral"),
    R("families:contact-edit", contact("named_teacher"), "403 200 404 403 404", variant="named"),
    R("families:contact-edit", contact("named_other"), "404 200 404 403 404", variant="unnamed"),
    R("families:contact-edit", sibling_contact, NOBODY, variant="sibling school"),
    R("families:contact-history", contact("school"), FAMILY_READ, variant="school"),
    R("families:contact-history", contact("pastoral"), "404 200 200 403 404", variant="pastoral"),
    R("families:contact-history", contact("named_teacher"), "200 200 404 403 404", variant="named"),
    R("families:contact-history", contact("named_other"), "404 200 404 403 404", variant="unnamed"),
    R("families:contact-history", sibling_contact, NOBODY, variant="sibling school"),
    # Withdrawing or amending: the author, pastoral staff and the headteacher (never deleting).
    *(
        row
        for name in ("families:contact-withdraw", "families:contact-amend")
        for row in (
            R(name, contact("school"), WITHDRAW, method="FORM", variant="pastoral's"),
            R(name, contact("by_teacher"), FAMILY_READ, method="FORM", variant="own"),
            R(name, contact("named_other"), "404 200 404 403 404", variant="unnamed"),
            R(name, sibling_contact, NOBODY, variant="sibling school"),
        )
    ),
]

COMPASS_ROWS = [
    R("compass:family-compass", family_pk, FAMILY_READ),
    R("compass:placement-add", family_pk, FAMILY_READ, method="FORM"),
    R("compass:placement-withdraw", lambda s: {"pk": s.placement.pk}, WITHDRAW, method="FORM"),
    # The full list behind the home page's "Review placement".
    R("compass:placement-reviews", None, "200 200 200 403 403"),
]

DASHBOARDS_ROWS = [
    R("dashboards:dashboard", None, DASHBOARD),
    R("dashboards:dashboard-movement", None, DASHBOARD),
    R("dashboards:dashboard-contacts", None, DASHBOARD),
    R("dashboards:dashboard-attention", None, DASHBOARD),
    R("dashboards:dashboard-patterns", None, DASHBOARD),
    R("dashboards:dashboard-csv", {"table": "mine"}, "200 200 200 403 403", variant="mine"),
    *(
        R("dashboards:dashboard-csv", {"table": table}, DASHBOARD, variant=table)
        for table in (
            "regions",
            "moved-away",
            "staff",
            "no-positive",
            "due-contact",
            "review-due",
            "follow-ups",
        )
    ),
    R("dashboards:dashboard-csv", {"table": "nonsense"}, "403 404 404 403 403", variant="unknown"),
    # The full lists behind "Needing attention".
    *(
        R("dashboards:dashboard-attention-list", {"which": which}, DASHBOARD, variant=which)
        for which in ("no_positive", "due_contact", "review_due")
    ),
    R(
        "dashboards:dashboard-attention-list",
        {"which": "nonsense"},
        "403 404 404 403 403",
        variant="unknown",
    ),
    R("dashboards:my-contacts", None, "200 200 200 403 403"),
    R("dashboards:authority", None, "403 403 403 200 403"),
    R("dashboards:authority-csv", {"table": "regions"}, "403 403 403 200 403", variant="regions"),
    R("dashboards:authority-csv", {"table": "contacts"}, "403 403 403 200 403", variant="contacts"),
    R("dashboards:selfevaluation", None, DASHBOARD, method="FORM", post="403 403 200 403 403"),
]

MEETING_POSTS = {  # valid data for the POST-only meeting views
    "preparation-toggle": {"item": "prep_told_why", "done": "1"},
    "meeting-cancel": {"reason": "The family asked to move it."},
    "scaling-add": lambda s: {
        "person": f"parent-{s.parent.pk}",
        "score": "5",
        "one_point_higher": "A calmer morning.",
    },
    "follow-up-schedule": {"channel": "phone"},
}
MEETING_WRITE = "403 302 302 403 404"  # the chair (pastoral), attendees, pastoral, headteacher

MEETINGS_ROWS = [
    R("meetings:meeting-list", None, "200 200 200 403 403"),
    R("meetings:meeting-add", family_pk, FAMILY_READ, method="FORM"),
    R(  # another school's meeting as the one reviewed, and its complaint: ignored, never shown
        "meetings:meeting-add",
        family_pk,
        FAMILY_READ,
        query=lambda s: (
            f"?previous={s.twin.meetings['school'].pk}"
            f"&complaint={s.twin.complaints['poc_teacher'].pk}"
        ),
        variant="another school's previous meeting",
    ),
    # A meeting already held, recorded afterwards: whoever works with the family.
    R("meetings:meeting-add-held", family_pk, FAMILY_READ, method="FORM"),
    R(
        "meetings:meeting-add-held",
        family_pk,
        FAMILY_READ,
        method="FORM",
        data=lambda s: {
            "kind": "informal",
            "purpose": "Mum came in after the school run.",
            "children": [s.child.pk],
            "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "start_time": "08:50",
            "end_time": "09:20",
            "place_kind": "school_room",
            "chair": s.contacts["school"].staff_id,
            "staff_present": [s.contacts["school"].staff_id],
            "parents_present": [s.parent.pk],
            "summary": "We agreed the side gate.",
            "confidentiality": "school",
        },
        post="302",
        variant="valid",
    ),
    # Who attended and who was given the summary: those who may change the meeting.
    R("meetings:meeting-attendance", meeting(), FAMILY_WRITE, method="FORM"),
    R(
        "meetings:meeting-attendance",
        meeting("named_other"),
        "404 200 404 403 404",
        variant="named",
    ),
    R("meetings:summary-sent-add", meeting(), FAMILY_WRITE, method="FORM"),
    R(  # not recorded yet: no summary to send (409), as for opening it
        "meetings:summary-sent-add",
        meeting("pastoral"),
        "404 409 409 403 404",
        method="FORM",
        variant="planned",
    ),
    R("meetings:meeting-detail", meeting(), FAMILY_READ, variant="school"),
    R("meetings:meeting-detail", meeting("pastoral"), "404 200 200 403 404", variant="pastoral"),
    R("meetings:meeting-detail", meeting("named_teacher"), "200 200 404 403 404", variant="named"),
    R("meetings:meeting-detail", meeting("named_other"), "404 200 404 403 404", variant="unnamed"),
    R("meetings:meeting-plan", meeting(), FAMILY_READ),
    R("meetings:meeting-plan", meeting("pastoral"), "404 200 200 403 404", variant="pastoral"),
    R("meetings:meeting-plan", meeting("named_other"), "404 200 404 403 404", variant="unnamed"),
    R("meetings:meeting-ics", meeting(), FAMILY_READ),
    R("meetings:meeting-letter", meeting(), FAMILY_READ),
    R("meetings:meeting-summary", meeting(), FAMILY_READ),
    R("meetings:meeting-summary", meeting("named_other"), "404 200 404 403 404", variant="named"),
    R("meetings:meeting-summary-pdf", meeting(), FAMILY_READ),
    R("meetings:meeting-edit", meeting(), FAMILY_WRITE, method="FORM"),
    R("meetings:meeting-edit", meeting("named_teacher"), "200 200 404 403 404", variant="named"),
    *(
        R(f"meetings:{name}", meeting(), MEETING_WRITE, method="POST", data=data)
        for name, data in MEETING_POSTS.items()
    ),
    R(
        "meetings:agency-remove",
        lambda s: {"pk": s.meetings["school"].pk, "agency_pk": s.agency.pk},
        MEETING_WRITE,
        method="POST",
    ),
    R(
        "meetings:agency-remove",
        lambda s: {"pk": s.meetings["school"].pk, "agency_pk": s.twin.agency.pk},
        "403 404 404 403 404",
        method="POST",
        variant="another school's agency",
    ),
    R(
        "meetings:contribution-add",
        lambda s: {"pk": s.meetings["school"].pk, "section": "strengths"},
        MEETING_WRITE,
        method="POST",
        data={"strengths-party": "Mum", "strengths-words": "Robin reads to his sister."},
    ),
    R(
        "meetings:contribution-remove",
        lambda s: {"pk": s.meetings["school"].pk, "item_pk": s.contribution.pk},
        MEETING_WRITE,
        method="POST",
    ),
    R(
        "meetings:contribution-remove",
        lambda s: {"pk": s.meetings["school"].pk, "item_pk": s.twin.contribution.pk},
        "403 404 404 403 404",
        method="POST",
        variant="another school's contribution",
    ),
    R(
        "meetings:scaling-remove",
        lambda s: {"pk": s.meetings["school"].pk, "item_pk": s.scaling.pk},
        MEETING_WRITE,
        method="POST",
    ),
    R("meetings:action-add", meeting(), "403 400 400 403 404", method="POST"),
    R("meetings:action-add", meeting(), MEETING_WRITE, method="POST", data=step_data),
    R(
        "meetings:action-add",
        meeting(),
        "403 400 400 403 404",
        method="POST",
        data=lambda s: step_data(s, child=s.sibling.child),
        writes=False,
        variant="owned by a brother or sister at another school",
    ),
    R("meetings:action-edit", lambda s: {"pk": s.step.pk}, FAMILY_READ, method="FORM", post=400),
    R("meetings:meeting-record", meeting(), MEETING_WRITE, method="POST"),
    R(
        "meetings:last-step-update",
        lambda s: {"pk": s.review.pk, "step_pk": s.step.pk},
        MEETING_WRITE,
        method="POST",
        data=lambda s: {f"step-{s.step.pk}-status": "in_progress"},
    ),
    R(
        "meetings:last-step-update",
        lambda s: {"pk": s.review.pk, "step_pk": s.twin.step.pk},
        "403 404 404 403 404",
        method="POST",
        variant="another school's step",
    ),
    R("meetings:agency-add", meeting(), "403 400 400 403 404", method="POST"),
    R(
        "meetings:follow-up-log",
        lambda s: {"pk": s.follow_up.pk},
        FAMILY_WRITE,
        method="FORM",
        post=400,
    ),
    R("complaints:complaint-list", None, "200 200 200 403 403"),
    R("complaints:complaint-search", None, "302 302 302 403 403", method="POST", data={"q": "x"}),
    R("complaints:complaint-add", None, "403 200 200 403 403", method="FORM"),
    R(
        "complaints:complaint-add",
        lambda s: {},
        "403 200 200 403 403",
        query=lambda s: f"?family={s.twin.family.pk}",
        scope="all",
        variant="another school's family",
    ),
    R("complaints:complaint-overview", None, "403 403 200 403 403"),
    R("complaints:complaint-detail", complaint("poc_teacher"), FAMILY_READ, variant="teacher's"),
    R("complaints:complaint-detail", complaint("poc_pastoral"), FAMILY_WRITE, variant="pastoral's"),
    R("complaints:complaint-edit", complaint("poc_teacher"), FAMILY_WRITE, method="FORM"),
    R("complaints:complaint-reply", complaint("poc_teacher"), FAMILY_READ, method="FORM"),
    R(
        "complaints:complaint-reply",
        complaint("poc_pastoral"),
        FAMILY_WRITE,
        method="FORM",
        variant="pastoral's",
    ),
    # Withdrawing (never deleting) and amending: see may_withdraw_record and the trust views.
    R("meetings:meeting-withdraw", meeting(), WITHDRAW, method="FORM"),
    R("meetings:meeting-amend", meeting(), WITHDRAW, method="FORM"),
    R("meetings:meeting-amend", meeting("pastoral"), "404 200 200 403 404", variant="pastoral"),
    R("meetings:action-withdraw", lambda s: {"pk": s.step.pk}, WITHDRAW, method="FORM"),
    R("complaints:complaint-withdraw", complaint("poc_teacher"), WITHDRAW, method="FORM"),
]

AUDIT_ROWS = [
    R("audit:family-audit", family, "403 403 200 403 404"),
]

# Data protection: the headteacher (and the school's data protection leads, not a matrix role);
# only the headteacher changes the retention policy or a legal hold.
DATA_PROTECTION = "403 403 200 403 404"
PRIVACY_ROWS = [
    R("privacy:retention", None, "403 403 200 403 403", method="FORM", data={"routine_years": ""}),
    # Erasing past retention: the headteacher only; with nothing past retention in the matrix's
    # world, the headteacher's POST is refused next to the field (400) and erases nothing.
    R(
        "privacy:erase",
        None,
        "403 403 200 403 403",
        method="FORM",
        data={"families": "0"},
        post=400,
    ),
    R("privacy:erasure", lambda s: {"pk": s.erasure_run.pk}, DATA_PROTECTION),
    R("privacy:family", family, DATA_PROTECTION),
    # POST only: the headteacher's empty reason is refused (400); lifting goes back to the page.
    R("privacy:hold-set", family, "403 403 400 403 404", method="POST", data={"reason": ""}),
    R(
        "privacy:hold-lift",
        lambda s: {"pk": s.hold.pk},
        "403 403 302 403 404",
        method="POST",
        data={"lift_reason": ""},
    ),
    R("privacy:subject-access", lambda s: {"pk": s.parent.pk}, DATA_PROTECTION),
    R("privacy:subject-access-json", lambda s: {"pk": s.parent.pk}, DATA_PROTECTION),
    R("privacy:subject-access-print", lambda s: {"pk": s.parent.pk}, DATA_PROTECTION),
]

# Respectful-language hints while typing: staff who write about families, no object involved.
GUIDANCE_ROWS = [
    R(
        "guidance:hint-check",
        None,
        "200 200 200 403 403",
        method="POST",
        data={"hint_field": "summary", "summary": "A friendly chat at the gate"},
    ),
]

# Django admin: one family of URLs. Only the administrator (is_staff) gets in; everyone else is
# sent to the admin login, which refuses them. Family records are not an administrator's.
ADMIN_PREFIX = "admin/"
ADMIN_IN = "302 302 302 302 200"  # others: to /admin/login/, which then refuses them (403)
ADMIN_ROWS = [
    R("admin:index", None, ADMIN_IN, anonymous=REDIRECT),
    R("admin/login/", None, "403 403 403 403 302"),
    R("admin:portal_school_changelist", None, ADMIN_IN),
    R("admin:auth_user_changelist", None, ADMIN_IN),
    R("admin:portal_school_change", lambda s: {"object_id": s.school.pk}, ADMIN_IN, scope="all"),
    R("admin:portal_membership_changelist", None, ADMIN_IN),
    R("admin:auth_group_changelist", None, ADMIN_IN),
    # CSV import runs: for superusers and staff granted the import permissions (not a role of
    # the matrix; tests/families/test_import_background.py covers them, and other schools' 404).
    R("admin:families_importrun_list", None, "302 302 302 302 403"),
    R("admin:families_importrun_detail", import_run, "302 302 302 302 403", scope="all"),
    R(
        "admin:families_importrun_confirm",
        import_run,
        "302 302 302 302 403",
        method="POST",
        scope="all",
    ),
    *(
        R(f"admin:{name}", None, "302 302 302 302 403")
        for name in (
            "families_child_import",
            "families_family_changelist",
            "families_contact_changelist",
            "families_child_changelist",
            "families_parentcarer_changelist",
            "audit_accesslog_changelist",
            "compass_placement_changelist",
        )
    ),
]

# Consent to share: recorded and withdrawn by pastoral staff and the headteacher.
CONSENT_ROWS = [
    R("consent:consent-add", family_pk, FAMILY_WRITE, method="FORM", data={}),
    R(
        "consent:consent-withdraw",
        lambda s: {"pk": s.consent.pk},
        FAMILY_WRITE,
        method="FORM",
        data={"reason": ""},
    ),
]


def home_school_note(s, level="school"):
    """A parent's note to pastoral staff, at a confidentiality level (made on first use)."""
    from families.models import Contact
    from family_voice.models import HomeSchoolNote

    notes = s.__dict__.setdefault("_home_school_notes", {})
    if level not in notes:
        staff = s.contacts["school"].staff
        words = f"A note from home {s.marker}"
        contact = Contact.objects.create(
            school=s.school,
            family=s.family,
            staff=staff,
            channel=Contact.Channel.LINK,
            initiated_by=Contact.InitiatedBy.FAMILY,
            summary=words,
            confidentiality=level,
            confidentiality_reason="" if level == "school" else f"A worry {s.marker}",
        )
        contact.parents.add(s.parent)
        notes[level] = HomeSchoolNote.objects.create(
            school=s.school,
            family=s.family,
            parent=s.parent,
            written_by=HomeSchoolNote.From.PARENT,
            staff=staff,
            words=words,
            contact=contact,
            tell_after=timezone.now(),
        )
    return notes[level]


def parent_views(s, level="school"):
    """A parent's views before a meeting at a confidentiality level, asking for another time
    (made on first use)."""
    from family_voice.models import ParentViews

    made = s.__dict__.setdefault("_parent_views", {})
    if level not in made:
        made[level] = ParentViews.objects.create(
            school=s.school,
            family=s.family,
            parent=s.parent,
            meeting=s.meetings[level],
            best_hopes=f"Calmer mornings {s.marker}",
            time_suits="no",
            other_times=f"Any morning {s.marker}",
        )
    return made[level]


def preference_change(s):
    """A change a parent asked for to their own details, waiting (made on first use)."""
    from family_voice.models import PreferenceChange

    if "_preference_change" not in s.__dict__:
        s._preference_change = PreferenceChange.objects.create(
            school=s.school,
            family=s.family,
            parent=s.parent,
            link=s.parent_link,
            proposed={"good_times": f"After three {s.marker}", "phone": "07700 900123"},
            note=f"Texts are best {s.marker}",
        )
    return s._preference_change


# Parents' links: made by whoever works with the family, stopped by whoever made it, pastoral
# staff and the headteacher. The parent's pages open with a link, not a login: a link that was
# changed opens nothing, for anyone, signed in or not (tests/family_voice has the working ones).
FAMILY_VOICE_ROWS = [
    R("family_voice:link-add", family_pk, FAMILY_READ, method="FORM", data={}),
    R(
        "family_voice:link-stop",
        lambda s: {"pk": s.parent_link.pk},
        "403 302 302 403 404",
        method="POST",
        data={},
    ),
    R("family_voice:open", {"token": "not-a-link"}, "404 404 404 404 404", anonymous=404),
    R(
        "family_voice:open",
        {"token": "not-a-link"},
        "404 404 404 404 404",
        anonymous=404,
        method="FORM",
        data={"communication": "2", "access": "3", "attitude": "2"},
        variant="a parent's answer through a link that does not work",
    ),
    R(
        "family_voice:check",
        {"token": "not-a-link"},
        "404 404 404 404 404",
        anonymous=404,
        method="POST",
        data={"birth_date": "2016-09-14"},
    ),
    R(
        "family_voice:language",
        {"token": "not-a-link"},
        "404 404 404 404 404",
        anonymous=404,
        method="POST",
        data={"language": "pl"},
    ),
    R("family_voice:views-differ", None, DASHBOARD),
    R("family_voice:summary-pdf", {"token": "not-a-link"}, "404 404 404 404 404", anonymous=404),
    R(
        "family_voice:note",
        {"token": "not-a-link"},
        "404 404 404 404 404",
        anonymous=404,
        method="FORM",
        data={"words": "Hello"},
    ),
    R(
        "family_voice:note-reply",
        family_pk,
        "302 302 302 403 404",
        method="POST",
        data=lambda s: {"parent": home_school_note(s).parent_id, "words": "We will ring you."},
    ),
    R(
        "family_voice:note-reply",
        family_pk,
        "200 200 200 403 404",
        method="POST",
        data={},
        variant="nothing written",
        writes=False,
    ),
    R(
        "family_voice:note-confidential",
        lambda s: {"pk": home_school_note(s).pk},
        "403 302 302 403 404",
        method="POST",
        data={"level": "pastoral", "reason": "A worry at home"},
    ),
    R(
        "family_voice:note-confidential",
        lambda s: {"pk": home_school_note(s, "pastoral").pk},
        "404 302 302 403 404",
        method="POST",
        data={"level": "named", "reason": "A worry at home"},
        variant="kept to the pastoral team",
    ),
    # A parent's request for another time, dealt with by those who may change the meeting.
    R(
        "family_voice:views-time-done",
        lambda s: {"pk": parent_views(s).pk},
        MEETING_WRITE,
        method="POST",
    ),
    R(
        "family_voice:views-time-done",
        lambda s: {"pk": parent_views(s, "pastoral").pk},
        "404 302 302 403 404",
        method="POST",
        variant="a meeting kept to the pastoral team",
    ),
    # A parent's change to their own details: the key contact (none here), pastoral staff and
    # the headteacher, who may edit the family's parents, see it side by side and decide it.
    R("family_voice:preference-review", lambda s: {"pk": preference_change(s).pk}, FAMILY_WRITE),
    R(
        "family_voice:preference-accept",
        lambda s: {"pk": preference_change(s).pk},
        "403 302 302 403 404",
        method="POST",
        data={},
    ),
    R(
        "family_voice:preference-decline",
        lambda s: {"pk": preference_change(s).pk},
        "403 302 302 403 404",
        method="POST",
        data={"reason": "Phoned: the old number is right."},
    ),
    R(
        "family_voice:preference-decline",
        lambda s: {"pk": preference_change(s).pk},
        "403 400 400 403 404",
        method="POST",
        data={"reason": ""},
        variant="no reason",
    ),
]


def outbox_message(s, state="failed"):
    """A message to the family's parent written by pastoral staff, in `state` (made on first
    use): a failure, so it may be tried another way; a call to make; a letter."""
    from django.utils import timezone

    from reaching_out.models import Message

    made = s.__dict__.setdefault("_outbox_messages", {})
    if state not in made:
        pastoral = s.contacts["school"].staff
        made[state] = Message.objects.create(
            school=s.school,
            family=s.family,
            parent=s.parent,
            kind="good_news",
            channel={"to_call": "call", "to_print": "letter"}.get(state, "email"),
            subject=f"Good news {s.marker}",
            body=f"Robin helped a classmate {s.marker}",
            to="morven@example.org",
            sent_by=pastoral,
            send_after=timezone.now(),
            state=state,
            failure="The e-mail server refused the address." if state == "failed" else "",
        )
    return made[state]


def letter_batch(s):
    from reaching_out import services

    if "_letter_batch" not in s.__dict__:
        letter = outbox_message(s, "to_print")
        s._letter_batch = services.letters_print(
            school=s.school, by=letter.sent_by, messages=[letter]
        )
    return s._letter_batch


def channel_stop(s):
    from reaching_out.models import ChannelStop

    if "_channel_stop" not in s.__dict__:
        s._channel_stop = ChannelStop.objects.create(parent=s.parent, channel="email", how="link")
    return s._channel_stop


def stop_token(s):
    from reaching_out.services import stop_url

    return {"token": stop_url(s.parent, "email").rstrip("/").rsplit("/", 1)[-1]}


OUTBOX = "200 200 200 403 403"  # whoever works with families; the page shows what is theirs
MESSAGE = "404 200 200 403 404"  # its writer (pastoral here) and those who run the outbox
MESSAGE_ACT = "404 302 302 403 404"
RUNS_OUTBOX = "403 200 200 403 403"  # pastoral staff and the headteacher (letters, stops)

REACHING_OUT_ROWS = [
    R(
        "reaching_out:write",
        family_pk,
        FAMILY_READ,
        method="FORM",
        data={"action": "preview", "kind": "free"},
    ),
    R("reaching_out:good-news", None, OUTBOX),
    R("reaching_out:outbox", None, OUTBOX),
    R("reaching_out:message", lambda s: {"pk": outbox_message(s).pk}, MESSAGE),
    R(
        "reaching_out:message-cancel",
        lambda s: {"pk": outbox_message(s, "to_call").pk},
        MESSAGE_ACT,
        method="POST",
        data={},
    ),
    R(
        "reaching_out:another-way",
        lambda s: {"pk": outbox_message(s).pk},
        MESSAGE_ACT,
        method="POST",
        data={"channel": "letter"},
    ),
    R(
        "reaching_out:call-made",
        lambda s: {"pk": outbox_message(s, "to_call").pk},
        MESSAGE_ACT,
        method="POST",
        data={"note": "Mum was pleased."},
    ),
    R(
        "reaching_out:stop-restart",
        lambda s: {"pk": channel_stop(s).pk},
        "403 302 302 403 404",
        method="POST",
        data={"reason": "Mum asked at the gate on Monday."},
    ),
    R("reaching_out:letters", None, RUNS_OUTBOX),
    R("reaching_out:batch-pdf", lambda s: {"pk": letter_batch(s).pk}, "403 200 200 403 404"),
    R(
        "reaching_out:batch-posted",
        lambda s: {"pk": letter_batch(s).pk},
        "403 302 302 403 404",
        method="POST",
        data={},
    ),
    # Without an account: the stop link's token is its own credential; Notify's callbacks are
    # signed with a bearer token (none is set here, so they are not there at all).
    R("reaching_out:stop", {"token": "not-a-token"}, NOBODY, anonymous=404),
    R("reaching_out:notify-status", None, NOBODY, anonymous=404, method="POST", data={}),
    R("reaching_out:notify-inbound", None, NOBODY, anonymous=404, method="POST", data={}),
]

GROUPS = {
    "portal": PORTAL_ROWS,
    "families": FAMILIES_ROWS,
    "compass": COMPASS_ROWS,
    "dashboards": DASHBOARDS_ROWS,
    "meetings": MEETINGS_ROWS,
    "consent": CONSENT_ROWS,
    "family_voice": FAMILY_VOICE_ROWS,
    "reaching_out": REACHING_OUT_ROWS,
    "evenings": EVENINGS_ROWS,
    "calendar": CALENDAR_ROWS,
    "school_systems": SCHOOL_SYSTEMS_ROWS,
    "single_sign_on": SINGLE_SIGN_ON_ROWS,
    "council_data": COUNCIL_DATA_ROWS,
    "audit": AUDIT_ROWS,
    "privacy": PRIVACY_ROWS,
    "guidance": GUIDANCE_ROWS,
    "admin": ADMIN_ROWS,
}
ALL_ROWS = [row for rows in GROUPS.values() for row in rows]


@pytest.fixture
def world(cast, compass_defaults):
    return matrix_world.build(cast)


def missing_rows(rows) -> list[str]:
    covered = {row.name for row in rows}
    return [
        f"{name or route} (route {route!r})"
        for route, name in url_patterns()
        if not route.startswith(ADMIN_PREFIX) and (name or route) not in covered
    ]


def test_every_url_pattern_has_a_row():
    missing = missing_rows(ALL_ROWS)
    assert not missing, "URL patterns with no row in the authorisation matrix: " + ", ".join(
        missing
    )


def test_a_url_pattern_without_a_row_is_named():
    rows = [row for row in ALL_ROWS if row.name != "families:family-print"]
    assert missing_rows(rows) == ["families:family-print (route 'families/<id:pk>/print/')"]


def test_every_row_names_a_real_url_pattern():
    names = {name or route for route, name in url_patterns()}
    assert not [row.name for row in ALL_ROWS if row.name not in names]


@pytest.mark.parametrize("group", GROUPS)
def test_matrix(world, group):
    problems = [problem for row in GROUPS[group] for problem in run_row(row, world)]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


SEARCHES = [
    ("families:family-search", "families:family-list"),
    ("complaints:complaint-search", "complaints:complaint-list"),
]


def test_searching_for_another_schools_records_finds_nothing(world):
    # The words searched for are shown back in the search box, so search for part of the marker.
    for role in ("teacher", "pastoral", "headteacher"):
        client = world.clients[role]
        for search, listing in SEARCHES:
            for marker in (OTHER_MARKER, SIBLING_MARKER):
                client.post(reverse(search), {"q": marker.removeprefix("ZZMARKER-")})
                body = client.get(reverse(listing)).content.decode()
                assert not leaked(role, body), (role, listing, marker)


def test_choosing_a_family_never_offers_another_schools(world):
    for role in ("teacher", "pastoral", "headteacher"):
        # The words typed are shown back when nothing matches: search for part of the marker.
        for marker in (OTHER_MARKER, SIBLING_MARKER, "ZZMARKER"):
            words = marker.removeprefix("ZZMARKER-")
            response = world.clients[role].post(
                reverse("families:family-choose"), {"field": "family", "family_q": words}
            )
            assert response.status_code == 200
            assert not leaked(role, response.content.decode()), (role, marker)
    own = world.clients["pastoral"].post(
        reverse("families:family-choose"), {"field": "family", "family_q": "ZZMARKER"}
    )
    assert OWN_MARKER in own.content.decode()


def test_searching_for_own_records_finds_them(world):
    client = world.clients["pastoral"]
    for search, listing in SEARCHES:
        client.post(reverse(search), {"q": OWN_MARKER.removeprefix("ZZMARKER-")})
        assert OWN_MARKER in client.get(reverse(listing)).content.decode(), listing


MARKER_PAGES = [
    ("pastoral", "families:family-detail", family),
    ("teacher", "families:family-export-csv", family),
    ("headteacher", "meetings:meeting-detail", meeting("pastoral")),
    ("teacher", "meetings:meeting-summary-pdf", meeting()),
    ("headteacher", "dashboards:dashboard-attention", None),
    ("outsider_pastoral", "complaints:complaint-list", None),
]


def test_the_markers_show_where_they_belong(world):
    """The leak check can fail: each school's own pages do show its marker."""
    for role, name, kwargs in MARKER_PAGES:
        side = world.other if role.startswith("outsider_") else world.own
        url = reverse(name, kwargs=kwargs(side) if kwargs else None)
        response, body, _changed = request(world.clients[role], "GET", url)
        assert response.status_code == 200, (role, name)
        assert side.marker in body, (role, name)
        assert not leaked(role, body), (role, name)


READABLE_LEVELS = {  # the pastoral lead wrote every note and chairs every meeting
    "teacher": {"school", "named_teacher"},
    "pastoral": set(matrix_world.LEVELS),
    "headteacher": {"school", "pastoral"},
}
LISTING_PAGES = [
    ("families:family-detail", family, "note"),
    ("families:family-export-csv", family, "note"),
    ("families:family-print", family, "note"),
    ("families:family-detail", family, "meeting"),
    # A placement's words (its point shows to all who work with the family).
    ("families:family-detail", family, "placement"),
    ("families:family-export-csv", family, "placement"),
    ("families:family-print", family, "placement"),
    ("compass:family-compass", family_pk, "placement"),
]


def test_pages_listing_contacts_meetings_and_placements_show_each_level_only_to_its_readers(
    world,
):
    problems = []
    for role, readable in READABLE_LEVELS.items():
        for name, kwargs, kind in LISTING_PAGES:
            url = reverse(name, kwargs=kwargs(world.own) if kwargs else None)
            response, body, _changed = request(world.clients[role], "GET", url)
            shown = {level for level in matrix_world.LEVELS if f"A {level} {kind}" in body}
            if response.status_code != 200 or shown != readable:
                problems.append(f"{name} as {role}: {response.status_code}, {kind}s {shown}")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's statistics")
def test_the_change_check_sees_a_write_and_the_write_is_undone(world):
    url = reverse("meetings:preparation-toggle", kwargs=meeting()(world.own))
    data = {"item": "prep_told_why", "done": "1"}
    response, _body, changed = request(world.clients["pastoral"], "POST", url, data)
    assert response.status_code == 302
    assert changed
    response, _body, changed = request(world.clients["teacher"], "POST", url, data)
    assert response.status_code == 403
    assert not changed
    world.own.meetings["school"].refresh_from_db()
    assert not world.own.meetings["school"].prep_told_why
