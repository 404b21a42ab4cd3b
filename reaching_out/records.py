"""What the messages keep about a family, registered for the audit page, retention and erasure,
and the subject access copy (portal.family_records): each message to a parent or carer, and a
parent's stop on e-mails or texts."""

from __future__ import annotations

from portal.family_records import (
    ROUTINE,
    Asker,
    Erasure,
    Export,
    ExportPart,
    FamilyRecord,
    register,
)
from portal.lib.words import day, staff_name_or_blank
from reaching_out.models import ChannelStop, Message


def sent_export(asker: Asker) -> ExportPart:
    """The messages the school sent this parent or carer, in the words that went, and any stop
    they asked for."""
    part = ExportPart(records=[])
    sent = list(
        Message.objects.filter(
            school=asker.school,
            parent=asker.parent,
            state__in=[Message.State.SENT, Message.State.DELIVERED],
        )
        .select_related("sent_by")
        .order_by("sent_at")
    )
    for m in sent:
        part.records.append(
            {
                "What": f"{m.get_kind_display()} sent to you as {m.get_channel_display().lower()}",
                "When": day(m.sent_at),
                "From": staff_name_or_blank(m.sent_by),
                "To": m.to,
                "Subject": m.subject,
                "Words": m.body.replace("{link}", "(your own link)"),
            }
        )
    stops = list(ChannelStop.objects.filter(parent=asker.parent).order_by("stopped_at"))
    for s in stops:
        part.records.append(
            {
                "What": f"You asked for no more {s.get_channel_display().lower()}s",
                "When": day(s.stopped_at),
                "How": s.get_how_display(),
                "Started again": day(s.restarted_at) if s.restarted_at else "",
                "Why started again": s.restart_reason,
            }
        )
    part.covered = [*sent, *stops]
    return part


def register_records() -> None:
    register(
        FamilyRecord(
            "reaching_out.Message",
            "Message to a parent or carer",
            family_lookup="family_id",
            school_lookup="school_id",
            order=70,
            name=lambda r: (
                f"{r.get_kind_display()} as {r.get_channel_display().lower()}, "
                f"written {day(r.created_at)}"
            ),
            page=("reaching_out:message", "id"),
            erasures=(
                Erasure(
                    "messages",
                    "Messages to parents and carers",
                    ROUTINE,
                    order=46,
                    records=lambda s: Message._base_manager.filter(school=s, family__isnull=False),
                ),
            ),
            export=Export("Messages the school sent you", sent_export, order=70),
            unsigned_author="The portal's sending (the outbox)",
        )
    )
    register(
        FamilyRecord(
            "reaching_out.ChannelStop",
            "Stop on e-mails or texts",
            family_lookup="parent__family_id",
            order=71,
            name=lambda r: f"A stop on {r.get_channel_display().lower()}s, {day(r.stopped_at)}",
            erasures=(
                Erasure(
                    "channel_stops",
                    "Parents' stops on e-mails or texts",
                    ROUTINE,
                    order=47,
                    family_field="parent__family",
                    for_families=lambda s, ids: ChannelStop.objects.filter(
                        parent__family_id__in=ids
                    ),
                ),
            ),
            unsigned_author="The parent or carer (their stop link or a STOP text)",
        )
    )
