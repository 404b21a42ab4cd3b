"""Recording a child before they start (pastoral staff and headteachers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from families.forms_starting import ChildBeforeStartForm
from families.starting import child_record_before_start
from portal.http import SchoolRequest
from portal.lib import saving

PERM = "families.record_child_before_start"


@require_http_methods(["GET", "POST"])
def child_before_start_add(request: SchoolRequest):
    """A new family with a child still to start, so transition work can be logged now."""
    school = request.school
    if school is None or not request.user.has_perm(PERM, school):
        raise PermissionDenied
    form = ChildBeforeStartForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            school_family = child_record_before_start(
                school=school, by=request.user, **form.cleaned_data
            )
            messages.success(
                request,
                f"{form.cleaned_data['first_name']} is recorded, starting on "
                f"{form.cleaned_data['starts_on']:%d/%m/%Y}. Contacts and meetings can be "
                "logged from now; they count in no roll figure until that day.",
            )
            return redirect("families:family-detail", pk=school_family.family_id)
    return render(request, "families/child_before_start_form.html", {"form": form})
