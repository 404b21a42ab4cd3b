"""Writes about complaints: linking one to the meeting arranged to resolve it, and withdrawing
one recorded in error."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from complaints.models import Complaint
from meetings.models import Meeting
from portal import access
from portal.lib import records


def complaint_link_meeting(*, complaint_id: int, meeting: Meeting, user) -> Complaint:
    """Record that `meeting` was arranged to resolve the complaint (same school and family).

    Raises ValidationError, never a 500 or 403, so the meeting-add view can show a warning
    after the meeting itself is saved; a complaint the user may not see reads as not found.
    """
    not_found = ValidationError(
        {"meeting": "The complaint could not be found, so the meeting is not linked to it."}
    )
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .filter(pk=complaint_id)
            .select_related("school")
        ).first()
        if complaint is None or not access.may_see_complaint(
            user, complaint.school, point_of_contact_id=complaint.point_of_contact_id
        ):
            raise not_found
        if meeting.school_id != complaint.school_id:
            raise not_found
        if meeting.family_id != complaint.family_id:
            raise ValidationError(
                {"meeting": "The complaint is from another family, so the meeting is not linked."}
            )
        complaint.meeting = meeting
        complaint.full_clean()
        complaint.save(update_fields=["meeting", "updated_at"])
    return complaint


@transaction.atomic
def complaint_withdraw(*, complaint: Complaint, withdrawn_by, reason: str) -> Complaint:
    """Withdraw a complaint recorded in error (e.g. logged against the wrong family); it leaves
    the lists, panels and overview, and stays in the history."""
    return records.withdraw(complaint, by=withdrawn_by, reason=reason)
