"""Staff decide a change a parent asked for to their own details: shown beside what the school
holds, accepted (the parent's record changes, its history naming who accepted it) or not taken
on now with a short reason, by those who may edit the family's parents. The blocks that show
parents' own answers on other pages are in family_voice.own_answers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from families.access import family_for
from families.models import SchoolFamily
from family_voice import preferences
from family_voice.forms_preferences import DeclineForm
from family_voice.models import PreferenceChange
from family_voice.own_answers import decline_form, family_url, may_edit_parents
from portal.http import SchoolRequest

WAITING = PreferenceChange.Status.WAITING


def _change_for_user(request: SchoolRequest, pk: int) -> tuple[PreferenceChange, SchoolFamily]:
    """The change, if this user may decide it: another school's (or none) is a 404; a family
    they do not see is a 404 or 403 as for the family page (families.access.family_for); one
    they see but may not edit the parents of is a 403."""
    change = None
    if request.school is not None:
        change = (
            PreferenceChange.objects.filter(pk=pk, school=request.school)
            .select_related("parent", "decided_by")
            .first()
        )
    if change is None:
        raise Http404("No such change.")
    school_family = family_for(request, change.family_id)
    if not may_edit_parents(request, school_family):
        raise PermissionDenied
    return change, school_family


def _review(
    request: SchoolRequest,
    change: PreferenceChange,
    school_family: SchoolFamily,
    *,
    problems: dict | None = None,
    form: DeclineForm | None = None,
    status: int = 200,
):
    problems = problems or {}
    rows = [
        {"row": row, "problems": problems.get(row.field, [])}
        for row in preferences.side_by_side(change)
    ]
    return render(
        request,
        "family_voice/staff_preferences_review.html",
        {
            "change": change,
            "rows": rows,
            "family": school_family.family,
            "school_family": school_family,
            "problems": problems.get("__all__", []),
            "decline_form": form or decline_form(change),
        },
        status=status,
    )


@require_GET
def preference_review(request: SchoolRequest, pk: int):
    """One change a parent asked for, beside what the school holds, to accept or not."""
    change, school_family = _change_for_user(request, pk)
    return _review(request, change, school_family)


def _dealt_with(request: SchoolRequest, change: PreferenceChange):
    name = change.parent.full_name
    messages.info(request, f"The change {name} asked for was dealt with already.")
    return redirect(family_url(change.family_id, "preference-changes"))


@require_POST
def preference_accept(request: SchoolRequest, pk: int):
    """Take the change on: the parent's record gets the values they asked for, checked again,
    and its history names who accepted them."""
    change, school_family = _change_for_user(request, pk)
    if change.status != WAITING:
        return _dealt_with(request, change)
    try:
        preferences.preference_change_accept(change=change, by=request.user)
    except ValidationError as exc:
        problems = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _review(request, change, school_family, problems=problems, status=400)
    messages.success(request, f"{change.parent.full_name}'s details are updated as they asked.")
    return redirect(family_url(change.family_id, "preference-changes"))


@require_POST
def preference_decline(request: SchoolRequest, pk: int):
    """Not now, with a short reason: the parent's record stays as it is."""
    change, school_family = _change_for_user(request, pk)
    if change.status != WAITING:
        return _dealt_with(request, change)
    form = decline_form(change, request.POST)
    if not form.is_valid():
        return _review(request, change, school_family, form=form, status=400)
    try:
        preferences.preference_change_decline(
            change=change, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _review(request, change, school_family, form=form, status=400)
    messages.success(
        request, f"The change {change.parent.full_name} asked for is not taken on now."
    )
    return redirect(family_url(change.family_id, "preference-changes"))


@require_GET
def views_differ(request: SchoolRequest):
    """The school dashboard's block "Where parents see it differently" (the dashboard loads it
    after it is shown; without script, its link opens this as a page)."""
    from family_voice import own_answers

    panel = own_answers.compass_dashboard_figures(request)
    if panel is None:
        raise PermissionDenied
    if request.htmx:
        return render(request, "family_voice/staff_compass_dashboard.html", {"panel": panel})
    return render(request, "family_voice/views_differ_page.html", {"panel": panel})
