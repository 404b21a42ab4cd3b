"""What the family voice keeps about a family, registered for the audit page, retention and
erasure, and the subject access copy (portal.family_records): parents' links (each made,
opened, answered wrongly, locked or stopped shows on the audit page as a change to the link),
and what parents gave through them, each in their own words."""

from __future__ import annotations

from family_voice.models import (
    HomeSchoolNote,
    ParentCompass,
    ParentLink,
    ParentViews,
    PreferenceChange,
    SummaryReading,
)
from portal import access
from portal.family_records import (
    ROUTINE,
    Asker,
    Erasure,
    Export,
    ExportPart,
    FamilyRecord,
    register,
)
from portal.lib.words import day, record_in_words, staff_name_or_blank

VIEWS_FIELDS = ["given_at", *ParentViews.ANSWERS]
COMPASS_FIELDS = ["given_at", "communication", "access", "attitude", "words"]
PREFERENCE_FIELDS = ["asked_at", "note", "status", "decided_at", "decline_reason"]


def _theirs(model, asker: Asker):
    return model.objects.filter(school=asker.school, family=asker.family, parent=asker.parent)


def given_export(asker: Asker) -> ExportPart:
    """What this parent gave through their links: their views before meetings, how they see
    things, the changes to their details they asked for, and their notes with the school."""
    part = ExportPart(records=[])
    views = list(_theirs(ParentViews, asker).select_related("meeting").order_by("given_at"))
    for v in views:
        part.records.append(
            {
                "What": f"Your views before the meeting on {day(v.meeting.starts_at)}",
                **record_in_words(v, VIEWS_FIELDS),
            }
        )
    compasses = list(_theirs(ParentCompass, asker).order_by("given_at"))
    for c in compasses:
        part.records.append(
            {"What": "How you see things with the school", **record_in_words(c, COMPASS_FIELDS)}
        )
    changes = list(_theirs(PreferenceChange, asker).order_by("asked_at"))
    for p in changes:
        part.records.append(
            {
                "What": "Changes to your details you asked for",
                **record_in_words(p, PREFERENCE_FIELDS),
                "Asked for": "; ".join(f"{k}: {v}" for k, v in sorted(p.proposed.items())),
            }
        )
    notes = list(_theirs(HomeSchoolNote, asker).select_related("staff").order_by("written_at"))
    for n in notes:
        part.records.append(
            {
                "What": "Your note to the school"
                if n.written_by == HomeSchoolNote.From.PARENT
                else "A note to you from the school",
                "When": day(n.written_at),
                "Member of staff": staff_name_or_blank(n.staff),
                "Words": n.words,
            }
        )
    readings = list(_theirs(SummaryReading, asker).select_related("meeting").order_by("pk"))
    for r in readings:
        part.records.append(
            {
                "What": f"You read the summary of the meeting on {day(r.meeting.starts_at)}",
                "First read": day(r.first_read_at),
                "Marked as read": day(r.acknowledged_at) if r.acknowledged_at else "",
            }
        )
    part.covered = [*views, *compasses, *changes, *notes, *readings]
    return part


def _given(model, key: str, label: str, order: int) -> Erasure:
    return Erasure(
        key,
        label,
        ROUTINE,
        order=order,
        records=lambda s: model.objects.filter(school=s),
    )


def register_records() -> None:
    register(
        FamilyRecord(
            "family_voice.ParentLink",
            "Parent's link",
            family_lookup="family_id",
            school_lookup="school_id",
            order=60,
            name=lambda r: f"Link for a parent or carer, made {day(r.created_at)}",
            page=("families:family-detail", "family_id"),
            erasures=(
                Erasure(
                    "parent_links",
                    "Parents' links",
                    ROUTINE,
                    order=45,
                    records=lambda s: ParentLink.objects.filter(school=s),
                ),
            ),
            export=Export("What you told the school through your links", given_export, order=60),
            unsigned_author="Whoever opened the parent's link",
        )
    )
    for model, label, name, key, plural, order in (
        (
            ParentViews,
            "Parent's views before a meeting",
            lambda r: f"A parent's views before a meeting, given {day(r.given_at)}",
            "parent_views",
            "Parents' views before meetings",
            40,
        ),
        (
            SummaryReading,
            "Parent's reading of a summary",
            lambda r: f"A parent read a meeting's summary, {day(r.first_read_at)}",
            "summary_readings",
            "Parents' readings of summaries",
            41,
        ),
        (
            PreferenceChange,
            "Parent's change to their details",
            lambda r: f"A parent asked to change their details, {day(r.asked_at)}",
            "preference_changes",
            "Changes parents asked for to their details",
            42,
        ),
        (
            ParentCompass,
            "Parent's own compass",
            lambda r: f"How a parent sees things, {day(r.given_at)}",
            "parent_compass",
            "Parents' own compass answers",
            43,
        ),
        (
            HomeSchoolNote,
            "Home–school note",
            lambda r: f"A home–school note, {day(r.written_at)}",
            "home_school_notes",
            "Home–school notes",
            44,
        ),
    ):
        register(
            FamilyRecord(
                f"family_voice.{model.__name__}",
                label,
                family_lookup="family_id",
                school_lookup="school_id",
                order=61 + order - 40,
                name=name,
                page=("families:family-detail", "family_id"),
                erasures=(_given(model, key, plural, order),),
                # What a parent said may touch a restriction or a confidential meeting, which
                # the audit page cannot tell row by row: only pastoral staff and the
                # headteacher read the values; others see that a record changed, and which
                # fields.
                readers=access.is_pastoral | access.is_headteacher,
                unsigned_author="The parent or carer, through their link",
            )
        )
