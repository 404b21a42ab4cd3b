"""The site shell's pages: home, choosing a school, the school's team, staff access changes
(confirming roles an administrator gave), and error pages."""

import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import access, services, shell
from portal.http import SchoolRequest
from portal.lib import outage
from portal.lib.urls import local_next
from portal.middleware import SESSION_KEY, school_optional
from portal.models import Authority, Membership, Role, School, StaffAccessChange

STAFF_ACCESS_CHANGES_SHOWN = 200


def _get_school_for_user(
    request: SchoolRequest, pk: int, *, perm: str = "portal.view_school"
) -> School:
    """The school, if the user belongs to it; another school's id is a 404, as if absent."""
    membership = access.membership_in(request.user, pk)
    if membership is None:
        raise Http404("No such school.")
    if not request.user.has_perm(perm, membership.school):
        raise PermissionDenied
    return membership.school


def _authority_home(request: SchoolRequest) -> dict:
    """An authority officer's home: their authorities and how many schools each has, never one
    school's panels (one query, however many schools)."""
    authorities = list(
        Authority.objects.filter(pk__in=access.authority_ids(request.user))
        .annotate(school_count=Count("schools"))
        .order_by("name")
        .fetch_mode(models.FETCH_RAISE)
    )
    return {
        "authorities": authorities,
        "school_count": sum(a.school_count for a in authorities),
    }


# Not school_optional: someone with several schools who has not chosen one is sent to choose
# (portal.middleware), never told that they have no school.
@require_GET
def home(request: SchoolRequest):
    """What needs this person's attention today, by role."""
    if request.school is not None and access.is_authority_officer(request.user, request.school):
        return render(request, "portal/home_authority.html", _authority_home(request))
    return render(
        request,
        "portal/home.html",
        {"panels": shell.panels_for(request) if request.school else []},
    )


def _place_label(membership: Membership) -> str:
    """How the chooser names a place to work: the school, or an officer's authority."""
    if membership.role == Role.AUTHORITY:
        return membership.school.authority.name
    return membership.school.name


def _same_place(a: Membership, b: Membership) -> bool:
    if a.role == Role.AUTHORITY and b.role == Role.AUTHORITY:
        return a.school.authority_id == b.school.authority_id
    return a.school_id == b.school_id


@require_http_methods(["GET", "POST"])
@school_optional
def school_switch(request: SchoolRequest):
    """Choose which of the user's schools to work in; kept in the session."""
    mine = access.memberships(request.user)
    next_url = local_next(request)
    error = ""
    if request.method == "POST":
        try:
            school_id = int(request.POST.get("school", ""))
        except ValueError:
            error = "Please choose one of your schools from the list."
        else:
            # A school the user holds no role at is refused as if it did not exist, and the
            # choice is not kept: the chooser never opens a school to anyone.
            if school_id not in mine:
                raise Http404("No such school.")
            request.session[SESSION_KEY] = school_id
            messages.success(request, f"You are now working in {_place_label(mine[school_id])}.")
            return redirect(next_url or "home")
    places = access.places(request.user)
    current = request.membership
    checked = places[0] if places else None
    for m in places:
        if current is not None and _same_place(m, current):
            checked = m
    choices = [{"membership": m, "label": _place_label(m), "checked": m is checked} for m in places]
    return render(
        request,
        "portal/school_switch.html",
        {"choices": choices, "next": next_url, "error": error},
    )


@require_GET
def school_team(request: SchoolRequest, pk: int):
    """The school's staff and their roles, so everyone knows who to ask."""
    school = _get_school_for_user(request, pk, perm="portal.view_team")
    team = (
        Membership.objects.active()
        .filter(school=school)
        .exclude(role=Role.AUTHORITY)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
        .fetch_mode(models.FETCH_RAISE)
    )
    return render(request, "portal/school_team.html", {"school": school, "team": team})


@require_GET
def staff_access(request: SchoolRequest, pk: int):
    """For the headteacher: roles awaiting their confirmation, and every change to who may do
    what at the school (roles, groups, permissions, staff and superuser status)."""
    school = _get_school_for_user(request, pk, perm="portal.review_staff_access")
    waiting = [
        (m, access.may_confirm_membership(request.user, m))
        for m in Membership.objects.awaiting_confirmation()
        .filter(school=school)
        .select_related("user", "requested_by")
        .order_by("requested_at", "pk")
        .fetch_mode(models.FETCH_RAISE)
    ]
    changes = StaffAccessChange.objects.for_school(school).fetch_mode(models.FETCH_RAISE)[
        :STAFF_ACCESS_CHANGES_SHOWN
    ]
    return render(
        request,
        "portal/staff_access.html",
        {"school": school, "waiting": waiting, "changes": changes},
    )


def _get_waiting_membership(request: SchoolRequest, pk: int, membership_pk: int) -> Membership:
    """A role awaiting confirmation at the headteacher's school; another school's is a 404."""
    school = _get_school_for_user(request, pk, perm="portal.review_staff_access")
    membership = get_object_or_404(
        Membership.objects.awaiting_confirmation().select_related("user", "school"),
        pk=membership_pk,
        school=school,
    )
    if not access.may_confirm_membership(request.user, membership):
        raise PermissionDenied
    return membership


@require_POST
def staff_access_confirm(request: SchoolRequest, pk: int, membership_pk: int):
    membership = _get_waiting_membership(request, pk, membership_pk)
    services.membership_confirm(membership=membership, by=request.user)
    messages.success(
        request,
        f"Confirmed: {services.person_name(membership.user)} is now "
        f"{membership.get_role_display().lower()} at {membership.school.name}.",
    )
    return redirect("staff-access", pk=pk)


@require_POST
def staff_access_decline(request: SchoolRequest, pk: int, membership_pk: int):
    membership = _get_waiting_membership(request, pk, membership_pk)
    services.membership_decline(membership=membership, by=request.user)
    messages.success(
        request,
        f"Declined: {services.person_name(membership.user)} was not given this role. "
        "The administrator who asked can see it is switched off.",
    )
    return redirect("staff-access", pk=pk)


@login_not_required
@require_GET
def admin_login(request: SchoolRequest):
    """Django admin signs in through the portal's own login page (one login for everything)."""
    if request.user.is_authenticated:
        if request.user.is_staff:
            return redirect(local_next(request) or "admin:index")
        raise PermissionDenied
    return redirect_to_login(local_next(request) or reverse("admin:index"))


@login_not_required
def error_400(request: SchoolRequest, exception=None):
    return render(request, "errors/400.html", status=400)


@login_not_required
def error_403(request: SchoolRequest, exception=None):
    return render(request, "errors/403.html", status=403)


@login_not_required
def error_404(request: SchoolRequest, exception=None):
    return render(request, "errors/404.html", status=404)


@login_not_required
def error_500(request: SchoolRequest):
    # Called while the exception is being handled. A database outage in a middleware (the
    # session saved, the school looked up) gets the busy page, as one in a view does.
    if outage.is_unavailable(sys.exception()):
        return outage.busy_response(request, sys.exception())
    # Rendered without context processors: the database may be the thing that failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
