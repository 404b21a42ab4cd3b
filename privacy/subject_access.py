"""Subject access: everything the portal holds about one parent or carer and their children at
one school, as a JSON-ready dict, leaving out what they may not be given.

The rules (also in docs/data-protection.md, "Subject access"):
- Their own details (and earlier versions of them) are always included.
- A child is included only where this person holds parental responsibility for the child and
  their link to the child carries no recorded restriction. Other children are left out, and so
  is every record about them.
- Other parents and carers are third parties: their details, the contacts and meetings they
  took part in without this person, placements about them alone and complaints they raised
  are left out.
- Contacts and meetings shared more narrowly than the whole school (pastoral or named staff)
  are not exported automatically: they often hold safeguarding concerns or what other people
  said in confidence. The staff page counts them so the data protection lead reviews each one
  and decides what to release or which exemption applies; the export never shows the count.
- The household's own record (name, strengths, exceptions) is included only when this person
  has at least one child included and no restriction on any link; and, where the household
  has children this person has no link to (another adult's), its name only if it names none
  of them, and its strengths and exceptions not at all.
- A person with a recorded restriction: every contact, meeting, placement (family-wide ones
  included) and complaint in the copy carries REVIEW_FLAG with the restriction's words, for the
  data protection lead to check and take out before sending. Family-wide placements in the copy
  of someone with unlinked children in the household are flagged too.
- The access log rows about the records included (when, what was done, which record), without
  staff names.
Records are read through each model's base manager, so rows a default manager hides (e.g.
withdrawn ones) are still given. Everything is read in a fixed number of queries, however many
records the family has.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.text import capfirst

from audit.models import AccessLog
from compass.models import Placement
from complaints.models import Complaint
from families.models import Child, ChildParent, Contact, ParentCarer
from meetings.models import ActionPoint, Meeting, MeetingParent

SCHOOL_WIDE = Contact.Confidentiality.SCHOOL
LOG_LIMIT = 2000
# The key of the note put on each record a recorded restriction touches, for the lead's review.
REVIEW_FLAG = "For the data protection lead: check before sending"

PARENT_FIELDS = [
    "first_name",
    "last_name",
    "household",
    "organisation",
    "phone",
    "email",
    "language",
    "interpreter_needed",
    "reading",
    "preferred_channel",
    "good_times",
    "good_places",
    "transport_needs",
    "mobility_needs",
    "work_pattern",
    "dates_to_avoid",
]
CHILD_FIELDS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "year_group",
    "looked_after",
    "additional_support_needs",
    "young_carer",
    "starts_on",
    "coming_from",
    "left_on",
]
CONTACT_FIELDS = [
    "occurred_at",
    "channel",
    "initiated_by",
    "tone",
    "formality",
    "level",
    "purpose",
    "summary",
    "agreed",
    "follow_up_on",
]
MEETING_FIELDS = [
    "kind",
    "purpose",
    "starts_at",
    "duration_minutes",
    "place_kind",
    "status",
    "interpreter_language",
    "summary",
    "held_at",
    "review_on",
]
PLACEMENT_FIELDS = [
    "placed_at",
    "communication",
    "access",
    "attitude",
    "region_label",
    "evidence",
    "level",
    "next_communication",
    "next_access",
    "next_attitude",
]
COMPLAINT_FIELDS = [
    "received_at",
    "received_how",
    "about",
    "what_would_help",
    "school_can_offer",
    "apology_given",
    "apology",
    "first_response_at",
    "reply",
    "replied_on",
    "outcome",
    "status",
    "what_changed",
]


def _value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value if isinstance(value, int | str | list | dict) else str(value)


def _record(obj, names: list[str]) -> dict:
    """The named fields of `obj`, keyed by their labels, with choices shown as words."""
    record = {}
    for name in names:
        f = obj._meta.get_field(name)
        value = getattr(obj, f"get_{name}_display")() if f.choices else getattr(obj, name)
        record[capfirst(str(f.verbose_name))] = _value(value)
    return record


def _staff_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


@dataclass
class SubjectAccess:
    """The export itself, and for staff only what was left out and why."""

    export: dict
    withheld: list[tuple[str, int]] = field(default_factory=list)
    restricted: bool = False
    logged: list = field(default_factory=list)  # the records the export covers, for the log
    restriction: str = ""  # the words of every recorded restriction on this person
    flagged: int = 0  # records in the copy flagged for review against the restriction


def _names_a_child(text: str, children) -> bool:
    """Whether `text` names any of `children` (by first name or full name, as a whole word)."""
    for child in children:
        for name in {child.first_name.strip(), child.full_name.strip()}:
            if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
                return True
    return False


def subject_access_build(*, parent: ParentCarer, school) -> SubjectAccess:
    """Everything held about `parent` and their children at `school` that they may be given."""
    family = parent.family
    links = list(
        ChildParent.objects.filter(parent=parent, child__school=school)
        .select_related("child__class_group")
        .order_by("child__first_name", "child__pk")
    )
    entitled = [link for link in links if link.parental_responsibility and not link.is_restricted]
    entitled_ids = {link.child_id for link in entitled}
    # The copy is built from the children this person is linked to. The family's other
    # children (at any school, left or not) are another adult's: the household's record is
    # also about them, so it is given only in part, or not at all.
    own_links = list(ChildParent.objects.filter(parent=parent).order_by("pk"))
    entitled_anywhere = {
        link.child_id
        for link in own_links
        if link.parental_responsibility and not link.is_restricted
    }
    unlinked = [
        child
        for child in Child.objects.filter(family=family).only("pk", "first_name", "last_name")
        if child.pk not in entitled_anywhere
    ]
    words: list[str] = []
    for link in own_links:
        if link.is_restricted and link.restriction.strip() not in words:
            words.append(link.restriction.strip())
    restriction = " ".join(words)
    restricted = bool(restriction)
    flag = (
        f"A recorded restriction applies to this person: “{restriction}”. Check this record "
        "against it, and take this note out, before the copy is sent."
    )
    withheld: list[tuple[str, int]] = []

    def about_entitled(obj) -> bool:
        return all(child.pk in entitled_ids for child in obj.children.all())

    sections: dict[str, list] = {}
    sections["Parent or carer"] = [_record(parent, PARENT_FIELDS)]
    versions = parent.history.filter(id=parent.pk).order_by("history_date", "history_id")
    sections["Earlier versions of these details"] = [
        {
            "Changed on": _value(v.history_date),
            "Change": {"+": "Created", "~": "Changed", "-": "Removed"}.get(v.history_type, ""),
            **_record(v, PARENT_FIELDS),
        }
        for v in versions
    ]

    household: dict = {}
    if entitled and not restricted:
        # A name that names another adult's child (e.g. "Family of <their child>") is left
        # out; strengths and exceptions are about the whole household, so they are given only
        # when every child of it is this person's.
        if not _names_a_child(family.name, unlinked):
            household["Name"] = family.name
        if not unlinked:
            household |= {"Strengths": family.strengths, "Exceptions": family.exceptions}
    family_included = bool(household)
    if household:
        sections["Family"] = [household]
    if len(household) < 3:
        why = (
            "The household's own record (name, strengths, exceptions)"
            if not household
            else "Part of the household's record (about children this person has no link to)"
        )
        withheld.append((why, 1))

    sections["Children"] = [
        {
            **_record(link.child, CHILD_FIELDS),
            "Class": link.child.class_group.name if link.child.class_group else "",
            "Your relationship": link.get_relationship_display(),
            "Parental responsibility": _value(link.parental_responsibility),
            "Lives with you": _value(link.lives_with_child),
        }
        for link in entitled
    ]
    if len(links) > len(entitled):
        withheld.append(
            (
                "Children this person has no parental responsibility for, or a restriction on",
                len(links) - len(entitled),
            )
        )

    only_ids = Child.objects.only("pk")
    contacts = list(
        Contact._base_manager.filter(school=school, family=family, parents=parent)
        .select_related("staff")
        .prefetch_related(Prefetch("children", only_ids))
        .order_by("occurred_at", "pk")
    )
    confidential = [c for c in contacts if c.confidentiality != SCHOOL_WIDE]
    others = [c for c in contacts if c.confidentiality == SCHOOL_WIDE and not about_entitled(c)]
    contacts = [c for c in contacts if c.confidentiality == SCHOOL_WIDE and about_entitled(c)]
    sections["Contacts"] = [
        {**_record(c, CONTACT_FIELDS), "Member of staff": _staff_name(c.staff)} for c in contacts
    ]
    flagged = len(contacts) if restricted else 0
    if confidential:
        withheld.append(
            ("Confidential contacts with this person: review each one", len(confidential))
        )
    if others:
        withheld.append(("Contacts about a child not included above", len(others)))

    invited = MeetingParent.objects.filter(parent=parent).exclude(
        response=MeetingParent.Response.NOT_INVITED
    )
    meetings = list(
        Meeting._base_manager.filter(school=school, family=family)
        .filter(Exists(invited.filter(meeting=OuterRef("pk"))))
        .select_related("chair")
        .prefetch_related(
            Prefetch("children", only_ids),
            Prefetch("invitations", MeetingParent.objects.filter(parent=parent), to_attr="mine"),
            "contributions",
            "scaling",
            "agencies",
            Prefetch(
                "action_points",
                ActionPoint.objects.select_related("owner_staff", "owner_parent", "owner_child"),
            ),
        )
        .order_by("starts_at", "pk")
    )
    kept_meetings = [
        m
        for m in meetings
        if m.confidentiality == SCHOOL_WIDE
        and m.kind != Meeting.Kind.MULTI_AGENCY
        and about_entitled(m)
    ]
    if len(meetings) > len(kept_meetings):
        withheld.append(
            (
                "Confidential or multi-agency meetings, or about a child not included: review each",
                len(meetings) - len(kept_meetings),
            )
        )
    sections["Meetings"] = [_meeting(m, parent) for m in kept_meetings]
    if restricted:
        flagged += len(kept_meetings)

    placements = list(
        Placement._base_manager.filter(school=school, family=family)
        .filter(Q(parents=parent) | Q(parents__isnull=True))
        .select_related("placed_by")
        .prefetch_related(Prefetch("parents", ParentCarer.objects.only("pk")))
        .order_by("placed_at", "pk")
        .distinct()
    )
    sections["Compass placements"] = [_placement(p, parent) for p in placements]
    if unlinked and not restricted:
        # A placement of the family as a whole is also about children this person has no
        # link to: the lead reads it before it goes.
        for p, record in zip(placements, sections["Compass placements"], strict=True):
            if not p.family_wide:
                continue
            record[REVIEW_FLAG] = (
                "This placement is about the family as a whole, which includes children this "
                "person has no link to. Check it, and take this note out, before the copy is sent."
            )
            flagged += 1
    elif restricted:
        flagged += len(placements)

    complaints = list(
        Complaint._base_manager.filter(school=school, family=family, raised_by=parent)
        .select_related("point_of_contact")
        .order_by("received_at", "pk")
    )
    sections["Complaints"] = [
        {**_record(c, COMPLAINT_FIELDS), "Point of contact": _staff_name(c.point_of_contact)}
        for c in complaints
    ]
    if restricted:
        # Every record given to a restricted person is touched by what the restriction
        # withholds (family-wide placements included): each carries its words for the lead.
        flagged += len(complaints)
        for title in ("Family", "Contacts", "Meetings", "Compass placements", "Complaints"):
            for record in sections.get(title, []):
                record[REVIEW_FLAG] = flag

    covered = [parent, *contacts, *kept_meetings, *placements, *complaints]
    if family_included:
        covered.append(family)
    sections["When these records were viewed, printed or exported"] = _access_rows(
        school, family, covered
    )
    export = {
        "About this copy": {
            "Prepared on": _value(timezone.now()),
            "School": school.name,
            "Who it is about": parent.full_name,
            "What it holds": "What this school's Parent Compass records hold about you and the "
            "children you hold parental responsibility for. Information about other people, "
            "and information the school may not share with you, is left out; ask the school's "
            "data protection lead if you have questions.",
        },
        "sections": sections,
    }
    return SubjectAccess(
        export=export,
        withheld=withheld,
        restricted=restricted,
        logged=covered,
        restriction=restriction,
        flagged=flagged,
    )


def _meeting(m: Meeting, parent: ParentCarer) -> dict:
    mine = m.mine[0] if m.mine else None
    return {
        **_record(m, MEETING_FIELDS),
        "Chair": _staff_name(m.chair),
        "Your invitation": mine.get_response_display() if mine else "",
        "You attended": _value(mine.attended) if mine else "",
        "What was said": [
            {"Section": c.get_section_display(), "Who": c.party, "What they said": c.words}
            for c in m.contributions.all()
        ],
        "Scaling": [
            {"Who": s.party, "Now (0-10)": s.score, "One point higher": s.one_point_higher}
            for s in m.scaling.all()
        ],
        "Partner agencies": [
            {"Organisation": a.organisation, "Role": a.role} for a in m.agencies.all()
        ],
        # A step owned by another parent is about them, not this person.
        "Next steps": [
            {
                "Step": a.what,
                "Who does it": a.owner_name,
                "By when": _value(a.due_on),
                "Status": a.get_status_display(),
                "How it is going": a.progress_note,
            }
            for a in m.action_points.all()
            if not (a.owner_kind == a.OwnerKind.PARENT and a.owner_parent_id != parent.pk)
            and not (a.owner_kind == a.OwnerKind.CHILD and a.owner_child_id not in _child_ids(m))
        ],
    }


def _child_ids(m: Meeting) -> set[int]:
    return {c.pk for c in m.children.all()}


def _placement(p: Placement, parent: ParentCarer) -> dict:
    record = {**_record(p, PLACEMENT_FIELDS), "Placed by": _staff_name(p.placed_by)}
    parents = [x.pk for x in p.parents.all()]
    p.family_wide = not parents
    record["About"] = (
        "You"
        if parents == [parent.pk]
        else ("The family as a whole" if not parents else "You and others in the family")
    )
    # The parent's own view is theirs only when the placement is about them alone.
    if parents == [parent.pk] and p.parent_words:
        record["Your own view"] = p.parent_words
    return record


def _access_rows(school, family, covered) -> list[dict]:
    types = ContentType.objects.get_for_models(*covered, for_concrete_models=True)
    by_type: dict[int, list[int]] = {}
    for obj in covered:
        by_type.setdefault(types[obj].pk, []).append(obj.pk)
    which = Q(pk__in=[])
    for type_id, ids in by_type.items():
        which |= Q(content_type_id=type_id, object_id__in=ids)
    rows = (
        AccessLog.objects.filter(school=school, family_id=family.pk)
        .filter(which)
        .select_related("content_type")
        .order_by("at", "pk")[:LOG_LIMIT]
    )
    return [
        {
            "When": _value(row.at),
            "What was done": row.get_action_display(),
            "Record": f"{capfirst(row.content_type.name)} #{row.object_id}",
        }
        for row in rows
    ]
