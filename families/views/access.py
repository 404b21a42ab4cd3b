"""Fetching a contact for a request (a family: families.access.family_for)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from families.models import Contact
from portal import access
from portal.http import SchoolRequest


def _get_contact_for_user(
    request: SchoolRequest,
    pk: int,
    *,
    write: bool = False,
    perm: str = "families.edit_contact",
    include_withdrawn: bool = False,
) -> Contact:
    """A contact this user may read (404 otherwise, and for a withdrawn one unless
    `include_withdrawn`); with `write`, one they hold `perm` on (403): edit, amend, withdraw."""
    contacts = Contact.all_objects if include_withdrawn else Contact.objects
    if request.school is None or not access.works_with_families(request.user, request.school):
        raise access.refusal(request.school, contacts.filter(pk=pk))
    contact = (
        contacts.visible_to(request.user, request.school)
        .select_related("family", "school", "staff", "withdrawn_by")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404("No such contact.")
    if write and not request.user.has_perm(perm, contact):
        raise PermissionDenied
    return contact
