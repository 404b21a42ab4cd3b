"""Writes to staff access: roles at schools given and confirmed, and the trail of every change
to who may do what (roles, groups, permissions, staff and superuser status)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from portal import access
from portal.models import Membership, Role, School, StaffAccessChange

# How far each role sees, to tell a raise from a lowering.
ROLE_RANK = {Role.AUTHORITY: 0, Role.STAFF: 1, Role.PASTORAL: 2, Role.HEADTEACHER: 3}


def person_name(user) -> str:
    if user is None:
        return ""
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def membership_state(membership: Membership | None) -> str:
    """A membership in words, for the trail: "Headteacher or senior leader (Head), active"."""
    if membership is None:
        return "no role"
    words = membership.get_role_display()
    if membership.job_title:
        words += f" ({membership.job_title})"
    if not membership.is_active:
        return f"{words}, switched off"
    if membership.confirmed_at is None:
        return f"{words}, awaiting confirmation"
    return f"{words}, active"


def staff_change_record(
    *,
    actor,
    kind: str,
    what: str,
    before: str = "",
    after: str = "",
    subject=None,
    school: School | None = None,
    group_name: str = "",
) -> StaffAccessChange:
    """Adds one row to the trail of staff access changes."""
    row = StaffAccessChange(
        actor=actor,
        actor_name=person_name(actor),
        subject=subject,
        subject_name=person_name(subject),
        school=school,
        group_name=group_name,
        kind=kind,
        what=what[:200],
        before=before,
        after=after,
    )
    row.full_clean(exclude=["actor", "subject", "school"])
    row.save()
    return row


def membership_needs_confirmation(*, before: Membership | None, after: Membership) -> bool:
    """Whether this save gives a family-seeing role that has not been confirmed: a new one, one
    switched back on, one still waiting, or a role raised (a lowering needs nobody)."""
    if after.role not in access.FAMILY_ROLES or not after.is_active:
        return False
    if before is None or not before.is_active or before.confirmed_at is None:
        return True
    if (before.user_id, before.school_id) != (after.user_id, after.school_id):
        return True
    return ROLE_RANK[Role(after.role)] > ROLE_RANK[Role(before.role)]


@transaction.atomic
def membership_save_by_administrator(
    *, membership: Membership, before: Membership | None, by
) -> Membership:
    """Saves a membership given or changed in admin. A family-seeing role given or raised by an
    administrator who is not a superuser waits for confirmation; a superuser's takes effect."""
    now = timezone.now()
    if membership_needs_confirmation(before=before, after=membership):
        membership.requested_by, membership.requested_at = by, now
        if access.may_administer_all(by):
            membership.confirmed_by, membership.confirmed_at = by, now
        else:
            membership.confirmed_by, membership.confirmed_at = None, None
    elif membership.confirmed_at is None:
        # Lowered to a role that sees no family, or switched off: nothing left to confirm.
        membership.confirmed_at = now
    membership.full_clean(validate_unique=False)
    membership.save()
    was, now_is = membership_state(before), membership_state(membership)
    if was != now_is:
        staff_change_record(
            actor=by,
            kind=StaffAccessChange.Kind.MEMBERSHIP,
            what=f"Role at {membership.school.name}",
            before=was,
            after=now_is,
            subject=membership.user,
            school=membership.school,
        )
    return membership


@transaction.atomic
def membership_delete_by_administrator(*, membership: Membership, by) -> None:
    """Removes a membership in admin, leaving its trace in the trail."""
    staff_change_record(
        actor=by,
        kind=StaffAccessChange.Kind.MEMBERSHIP,
        what=f"Role at {membership.school.name}",
        before=membership_state(membership),
        after="removed",
        subject=membership.user,
        school=membership.school,
    )
    membership.delete()


@transaction.atomic
def membership_confirm(*, membership: Membership, by) -> Membership:
    """Confirms a role awaiting confirmation, so that it takes effect."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not access.may_confirm_membership(by, membership):
        raise PermissionDenied("You may not confirm this role.")
    before = membership_state(membership)
    membership.confirmed_by, membership.confirmed_at = by, timezone.now()
    membership.save(update_fields=["confirmed_by", "confirmed_at"])
    staff_change_record(
        actor=by,
        kind=StaffAccessChange.Kind.CONFIRMATION,
        what=f"Role at {membership.school.name} confirmed",
        before=before,
        after=membership_state(membership),
        subject=membership.user,
        school=membership.school,
    )
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership, by) -> Membership:
    """Declines a role awaiting confirmation: the membership is switched off, never used."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not access.may_confirm_membership(by, membership):
        raise PermissionDenied("You may not decline this role.")
    before = membership_state(membership)
    membership.is_active = False
    membership.confirmed_at = None
    membership.save(update_fields=["is_active", "confirmed_at"])
    staff_change_record(
        actor=by,
        kind=StaffAccessChange.Kind.CONFIRMATION,
        what=f"Role at {membership.school.name} declined",
        before=before,
        after=membership_state(membership),
        subject=membership.user,
        school=membership.school,
    )
    return membership
