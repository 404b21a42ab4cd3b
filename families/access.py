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
from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from families.models import SchoolFamily
from portal import access
from portal.compiled import SCHOOL, USER, Compiled
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
    if for_page:
        found = _family_page_row(
            user=request.user, school=school, pk=pk, today=timezone.localdate()
        )
    else:
        found = _family_row(user=request.user, school=school, pk=pk)
    school_family = found[0] if found else None
    if school_family is None:
        raise Http404("No such family.")
    if may is not None and not may(request.user, school):
        raise PermissionDenied
    return school_family


def _row(user, school, pk: int, today=None):
    rows = SchoolFamily.objects.visible_to(user, school)
    if today is not None:
        rows = rows.for_family_page(today)
    else:
        rows = rows.select_related("family", "school")
    rows = rows.filter(family_id=pk)
    return (rows if rows.ordered else rows.order_by("pk"))[:1]


# Every view of a family opens it here: built once per process and shape (portal.compiled).
_family_row = Compiled(_row, user=USER, school=SCHOOL, pk=int)
_family_page_row = Compiled(_row, user=USER, school=SCHOOL, pk=int, today=date)
