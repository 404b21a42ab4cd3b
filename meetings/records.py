"""The records meetings keeps about a family, registered for the audit page, retention and
erasure, and the subject access copy (portal.family_records)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q

from families.models import Child, Contact
from meetings.models import ActionPoint, Meeting, MeetingParent
from portal.family_records import (
    PROTECTION,
    ROUTINE,
    Asker,
    Erasure,
    Export,
    ExportPart,
    FamilyRecord,
    register,
)
from portal.lib.words import day, record_in_words, staff_name_or_blank, value_in_words

SCHOOL_WIDE = Contact.Confidentiality.SCHOOL
MULTI_AGENCY = Meeting.Kind.MULTI_AGENCY
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


def meetings_export(asker: Asker) -> ExportPart:
    """The meetings this person was invited to, shared with the whole school, not multi-agency
    and about their own children; the others are counted for the lead to review."""
    parent = asker.parent
    invited = MeetingParent.objects.filter(parent=parent).exclude(
        response=MeetingParent.Response.NOT_INVITED
    )
    meetings = list(
        Meeting._base_manager.filter(school=asker.school, family=asker.family)
        .filter(Exists(invited.filter(meeting=OuterRef("pk"))))
        .select_related("chair")
        .prefetch_related(
            Prefetch("children", Child.objects.only("pk")),
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
    kept = [
        m
        for m in meetings
        if m.confidentiality == SCHOOL_WIDE and m.kind != MULTI_AGENCY and asker.about_entitled(m)
    ]
    withheld = []
    if len(meetings) > len(kept):
        withheld.append(
            (
                "Confidential or multi-agency meetings, or about a child not included: review each",
                len(meetings) - len(kept),
            )
        )
    return ExportPart(records=[_meeting(m, parent) for m in kept], covered=kept, withheld=withheld)


def _meeting(m: Meeting, parent) -> dict:
    mine = m.mine[0] if m.mine else None
    child_ids = {c.pk for c in m.children.all()}
    return {
        **record_in_words(m, MEETING_FIELDS),
        "Chair": staff_name_or_blank(m.chair),
        "Your invitation": mine.get_response_display() if mine else "",
        "You attended": value_in_words(mine.attended) if mine else "",
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
                "By when": value_in_words(a.due_on),
                "Status": a.get_status_display(),
                "How it is going": a.progress_note,
            }
            for a in m.action_points.all()
            if not (a.owner_kind == a.OwnerKind.PARENT and a.owner_parent_id != parent.pk)
            and not (a.owner_kind == a.OwnerKind.CHILD and a.owner_child_id not in child_ids)
        ],
    }


def register_records() -> None:
    register(
        FamilyRecord(
            "meetings.Meeting",
            "Meeting",
            family_lookup="family_id",
            school_lookup="school_id",
            order=30,
            name=lambda r: f"Meeting on {day(r.starts_at)}",
            page=("meetings:meeting-detail", "id"),
            erasures=(
                Erasure(
                    "meetings",
                    "Meetings (with their steps and follow-ups)",
                    ROUTINE,
                    order=20,
                    records=lambda s: Meeting._base_manager.filter(
                        school=s, confidentiality=SCHOOL_WIDE
                    ).exclude(kind=MULTI_AGENCY),
                ),
                # Child-protection relevance: confidential meetings and multi-agency ones.
                Erasure(
                    "protection_meetings",
                    "Child-protection and multi-agency meetings",
                    PROTECTION,
                    order=60,
                    records=lambda s: Meeting._base_manager.filter(school=s).filter(
                        ~Q(confidentiality=SCHOOL_WIDE) | Q(kind=MULTI_AGENCY)
                    ),
                ),
            ),
            export=Export("Meetings", meetings_export, order=20),
        )
    )
    register(
        FamilyRecord(
            "meetings.MeetingAmendment",
            "Meeting amendment",
            family_lookup="meeting__family_id",
            school_lookup="meeting__school_id",
            order=31,
            name=lambda r: f"Amendment to a meeting, {day(r.at)}",
            page=("meetings:meeting-detail", "meeting_id"),
        )
    )
    register(
        FamilyRecord(
            "meetings.ActionPoint",
            "Agreed step",
            family_lookup="meeting__family_id",
            school_lookup="meeting__school_id",
            order=32,
            name=lambda r: f"Agreed step due {day(r.due_on)}",
            page=("meetings:meeting-detail", "meeting_id"),
        )
    )
