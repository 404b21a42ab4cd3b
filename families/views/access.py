"""Fetch-and-authorise helpers used by every families view."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from families.models import Contact, SchoolFamily
from portal import access


def _require_family_worker(request) -> None:
    # Authority officers and administrators get 403 on lists: they may never open a family
    # record. Asked for one record, they get 403 for their own school's, 404 for another's.
    if request.school is None or not access.works_with_families(request.user, request.school):
        raise PermissionDenied


def _get_family_for_user(request, pk: int, *, write: bool = False) -> SchoolFamily:
    """The family `pk` at the current school, if this user works with it.

    Another school's family, or one this teacher does not work with, is a 404: its existence
    is not confirmed. Everyone who may see a family may also log contact with it.
    """
    if request.school is None or not access.works_with_families(request.user, request.school):
        raise access.refusal(request.school, SchoolFamily.objects.filter(family_id=pk))
    rows = SchoolFamily.objects.visible_to(request.user, request.school).for_family_page()
    school_family = rows.filter(family_id=pk).first()
    if school_family is None:
        raise Http404("No such family.")
    return school_family


def _get_contact_for_user(
    request,
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
