"""Permissions on families and contacts, built from the role predicates in portal.access."""

import rules

from portal import access


@rules.predicate
def edits_contact(user, contact) -> bool:
    return access.may_edit_record(user, contact.school_id, author_id=contact.staff_id)


rules.add_perm("families.view_families", access.works_with_families)
rules.add_perm("families.set_key_contact", access.is_pastoral | access.is_headteacher)
rules.add_perm("families.edit_contact", edits_contact)
