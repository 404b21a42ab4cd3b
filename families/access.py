"""Opening a family for a request: the one fetch-and-authorise helper every view of a family's
page or records goes through (families, meetings, the compass, consent, complaints).

The answers are the same everywhere:
- a role that never opens a family (an authority officer, an administrator): 403 for a family
  of their own school, 404 for another school's (portal.access.refusal);
- another school's family, or one this member of staff does not work with: 404, so that its
  existence is not confirmed;
- a family they see, when the view needs more than seeing (`may`): 403 without it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from families.models import SchoolFamily
from portal import access
from portal.http import SchoolRequest
from portal.models import School


def require_family_worker(request: SchoolRequest) -> School:
    """The current school, if this user works with its families; 403 otherwise (lists: an
    authority officer or administrator never opens a family's records)."""
    if request.school is None or not access.works_with_families(request.user, request.school):
        raise PermissionDenied
    return request.school


def family_for(
    request: SchoolRequest,
    pk: int,
    *,
    may: Callable[[object, School], bool] | None = None,
    for_page: bool = False,
) -> SchoolFamily:
    """The family `pk` at the current school (its SchoolFamily, with `family` and `school`
    read), if this user works with it; see the module docstring for the refusals.

    `may(user, school)`: what else the view needs than seeing the family (e.g.
    access.may_record_consent); asked only once the family is known to be theirs to see.
    `for_page`: read what the family page shows as well (SchoolFamilyQuerySet.for_family_page).
    """
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        raise access.refusal(school, SchoolFamily.objects.filter(family_id=pk))
    rows = SchoolFamily.objects.visible_to(request.user, school)
    rows = rows.for_family_page() if for_page else rows.select_related("family", "school")
    school_family = rows.filter(family_id=pk).first()
    if school_family is None:
        raise Http404("No such family.")
    if may is not None and not may(request.user, school):
        raise PermissionDenied
    return school_family
