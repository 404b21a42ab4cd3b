"""Permissions on families and contacts, built from the role predicates in portal.access."""

from datetime import timedelta

import rules
from django.utils import timezone

from portal import access

# A contact may be edited in place only by its author, and only this soon after writing it;
# after that (and for anyone else) a correction is an amendment stored beside the original.
EDIT_WINDOW = timedelta(hours=24)


def contact_edit_window_open(contact) -> bool:
    return contact.recorded_at is None or timezone.now() - contact.recorded_at <= EDIT_WINDOW


@rules.predicate
def edits_contact(user, contact) -> bool:
    return (
        not contact.is_withdrawn
        # A parent's own note, written through their link, stays in their words: staff amend
        # it beside the original, never rewrite it.
        and not contact.is_parents_own_words
        and user.pk == contact.staff_id
        and access.works_with_families(user, contact.school_id)
        and contact_edit_window_open(contact)
    )


@rules.predicate
def amends_contact(user, contact) -> bool:
    return not contact.is_withdrawn and access.may_edit_record(
        user, contact.school_id, author_id=contact.staff_id
    )


@rules.predicate
def withdraws_contact(user, contact) -> bool:
    return not contact.is_withdrawn and access.may_withdraw_record(
        user, contact.school_id, author_ids=[contact.staff_id]
    )


rules.add_perm("families.view_families", access.works_with_families)
rules.add_perm("families.set_key_contact", access.is_pastoral | access.is_headteacher)
rules.add_perm("families.record_child_before_start", access.is_pastoral | access.is_headteacher)
rules.add_perm("families.edit_contact", edits_contact)
rules.add_perm("families.amend_contact", amends_contact)
rules.add_perm("families.withdraw_contact", withdraws_contact)
