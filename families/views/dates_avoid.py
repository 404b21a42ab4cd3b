"""Dates a parent or carer asked the school to avoid (a trip, a hospital stay, an anniversary):
added and removed by those who keep the parent's preferences; planning a meeting on one of them
gives a warning (meetings.services.meeting_conflicts)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

import audit
from families.access import family_for
from families.forms_avoid import DateToAvoidForm
from families.models import DateToAvoid, ParentCarer
from portal import access
from portal.http import SchoolRequest

# A range has no edit history of its own: who added or removed one goes in the log lines.
logger = logging.getLogger("families")


def _get_parent_for_user(request: SchoolRequest, pk: int, parent_pk: int):
    """The family and one of its parents, for someone who keeps the parent's preferences (the
    key contact, pastoral staff, the headteacher); a family they do not see is a 404, another
    family's parent too, and a family they see but may not edit a 403."""
    school_family = family_for(request, pk)
    if not access.may_edit_record(
        request.user, request.school, author_id=school_family.key_contact_id
    ):
        raise PermissionDenied
    parent = get_object_or_404(ParentCarer, pk=parent_pk, family_id=school_family.family_id)
    return school_family, parent


@require_http_methods(["GET", "POST"])
def dates_avoid(request: SchoolRequest, pk: int, parent_pk: int):
    """A parent's dates to avoid, and a form to add one."""
    school_family, parent = _get_parent_for_user(request, pk, parent_pk)
    form = DateToAvoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        row.parent = parent
        row.save()
        logger.info("%s added date to avoid %s for parent %s", request.user.pk, row.pk, parent.pk)
        messages.success(
            request,
            f"Added: {row.starts_on:%-d %B %Y} to {row.ends_on:%-d %B %Y} for {parent.full_name}.",
        )
        return redirect("families:dates-avoid", pk=pk, parent_pk=parent_pk)
    if request.method == "GET":
        audit.record(request, action=audit.VIEW, obj=parent, family=school_family.family)
    rows = parent.dates_avoided.order_by("starts_on", "pk").fetch_mode(models.FETCH_RAISE)
    return render(
        request,
        "families/dates_avoid.html",
        {
            "school_family": school_family,
            "family": school_family.family,
            "parent": parent,
            "rows": list(rows),
            "form": form,
        },
    )


@require_POST
def dates_avoid_remove(request: SchoolRequest, pk: int, parent_pk: int, date_pk: int):
    _school_family, parent = _get_parent_for_user(request, pk, parent_pk)
    row = get_object_or_404(DateToAvoid, pk=date_pk, parent=parent)
    logger.info("%s removed date to avoid %s for parent %s", request.user.pk, row.pk, parent.pk)
    row.delete()
    messages.success(
        request,
        f"Removed: {row.starts_on:%-d %B %Y} to {row.ends_on:%-d %B %Y} for {parent.full_name}.",
    )
    return redirect("families:dates-avoid", pk=pk, parent_pk=parent_pk)
