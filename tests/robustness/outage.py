"""When the database is away: the saving forms, each with words typed into it, for the outage tests
(one with the database's answers made to fail, on either database; one with PostgreSQL really
stopped or a table really locked)."""

from __future__ import annotations

from django.apps import apps
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.utils.html import escape

from portal.lib.saving import MESSAGE
from tests.robustness.conftest import url
from tests.robustness.hostile import counts, snapshot
from tests.robustness.test_hostile_forms import Case, _case
from tests.robustness.test_hostile_forms import _contact as a_contact

TYPED = "Typed while the database was away: Robin's <b>gran</b> is home from hospital."

# Each form that saves: the table its save writes, and the field that carries words.
SAVING_FORMS = {
    "contact-add": ("families_contact", "summary"),
    "contact-edit": ("families_contact", "summary"),
    "contact-amend": ("families_contactamendment", "text"),
    "contact-withdraw": ("families_contact", "reason"),
    "parent-preferences": ("families_parentcarer", "good_times"),
    "strengths": ("families_family", "strengths"),
    "placement-add": ("compass_placement", "evidence"),
    "self-evaluation": ("compass_selfevaluation", "answer_*"),
    "meeting-add": ("meetings_meeting", "purpose"),
    "meeting-edit": ("meetings_meeting", "purpose"),
    "meeting-cancel": ("meetings_meeting", "reason"),
    "agency-add": ("meetings_agencyattendee", "role"),
    "contribution-add": ("meetings_contribution", "best_hopes-words"),
    "scaling-add": ("meetings_scalinganswer", "one_point_higher"),
    "action-add": ("meetings_actionpoint", "what"),
    "action-edit": ("meetings_actionpoint", "what"),
    "meeting-record": ("meetings_meeting", "summary"),
    "meeting-amend": ("meetings_meetingamendment", "text"),
    "follow-up-log": ("meetings_followup", "summary"),
    "complaint-add": ("meetings_complaint", "about"),
    "complaint-edit": ("meetings_complaint", "about"),
    "complaint-reply": ("meetings_complaint", "reply"),
}
# The views whose save runs inside saving.kept_if_connection_lost: when only writing is
# blocked, the form itself comes back, the words in their field (the others show them back on
# the busy page; with htmx the form stays on the screen).
FORM_COMES_BACK = sorted(
    set(SAVING_FORMS)
    - {"meeting-cancel", "agency-add", "contribution-add", "scaling-add", "action-add"}
)
AMENDMENTS = ["families.ContactAmendment", "meetings.MeetingAmendment"]


def saving_case(name: str, cast, world) -> Case:
    """The form's valid submission (tests/robustness/test_hostile_forms.py), with TYPED in it."""
    if name in ("contact-amend", "contact-withdraw"):
        contact = a_contact(cast, world)
        case = Case("teacher", url(f"families:{name}", contact.pk), {}, row=contact)
    elif name == "meeting-amend":
        case = Case("pastoral", url("meetings:meeting-amend", world.meeting.pk), {})
        case.row = world.meeting
    else:
        case = _case(name, cast, world)
    field = SAVING_FORMS[name][1]
    if field.endswith("*"):
        field = next(key for key in sorted(case.data) if key.startswith(field[:-1]))
    case.data = {**case.data, field: TYPED}
    if name.endswith("-amend"):
        case.data |= {"reason": "Mum asked us to correct it.", "parent_view": ""}
    if name in ("parent-preferences", "strengths"):
        case.user = "pastoral"  # the key contact, pastoral staff and headteachers keep these
    if name == "parent-preferences":
        case.data["reading"] = "spoken"
    case.headers = {}  # as a full page (with htmx the form stays on the screen as typed)
    return case


def state(case) -> tuple:
    """What the database holds that the form could change."""
    amendments = {label: apps.get_model(label).objects.count() for label in AMENDMENTS}
    return counts(), amendments, snapshot(case.row)


def kept_and_not_saved(response) -> str:
    """The portal's own answer: 503, a plain 'not saved', the user's words shown back."""
    page = response.content.decode()
    assert response.status_code == 503, response.status_code
    assert escape(MESSAGE) in page or "Nothing has been saved" in page
    assert escape(TYPED) in page  # the words are there, escaped
    assert TYPED not in page
    assert "Traceback" not in page and "Server Error" not in page
    return page


def form_came_back(response) -> None:
    """The form itself, not the busy page: the message above it, the words in their field."""
    page = kept_and_not_saved(response)
    assert escape(MESSAGE) in page
    assert "Nothing you typed is lost" not in page


def failing_sql(monkeypatch, table: str, *, writes_only=False):
    """Every statement on `table` (or every write to it) fails as a lock timeout makes it."""
    real = CursorWrapper.execute

    def execute(self, sql, params=None):
        writes = sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        if f'"{table}"' in sql and (writes or not writes_only):
            raise OperationalError("canceling statement due to lock timeout")
        return real(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", execute)


def failing_database(monkeypatch):
    """Every statement fails, as with the server stopped."""

    def execute(self, sql, params=None):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", execute)
