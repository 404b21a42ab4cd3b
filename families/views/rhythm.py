"""The contact rhythm: the headteacher's setting, and the key contact's "Due a contact" panel."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from families import panel_rows, rhythm
from families.models import Level, SchoolFamily
from families.rhythm_forms import ContactRhythmForm
from families.views.paging import TOTAL, with_total
from portal import access
from portal.compiled import SCHOOL, SHAPE, USER, Compiled
from portal.http import SchoolRequest
from portal.lib import conflicts, saving

SHOWN = 8


def _get_rhythm_school(request: SchoolRequest):
    """The current school, if this user may read its rhythm (403 otherwise)."""
    school = request.school
    if school is None or not request.user.has_perm(rhythm.VIEW_PERM, school):
        raise PermissionDenied
    return school


def _levels_now(school, current) -> list[dict]:
    """Families at each level and how many are due a contact now: one aggregate query."""
    wanted = rhythm.due_q(current)
    counts = SchoolFamily.objects.filter(school=school).aggregate(
        **{f"{level}_all": Count("pk", filter=Q(current_level=level)) for level in Level.values},
        **{
            f"{level}_due": Count("pk", filter=Q(current_level=level) & wanted)
            for level in Level.values
        },
    )
    return [
        {
            "label": label,
            "weeks": current.weeks_for(level),
            "families": counts[f"{level}_all"],
            "due": counts[f"{level}_due"],
        }
        for level, label in Level.choices
    ]


@require_http_methods(["GET", "POST"])
def contact_rhythm(request: SchoolRequest):
    """How often families at each communication level should hear from us: the headteacher
    sets it; pastoral leads read it."""
    school = _get_rhythm_school(request)
    may_set = request.user.has_perm(rhythm.SET_PERM, school)
    if request.method == "POST" and not may_set:
        raise PermissionDenied
    current = rhythm.rhythm_for(school)
    form = ContactRhythmForm(request.POST if request.method == "POST" else None, instance=current)
    conflict = None
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            current._history_user = request.user
            if current.pk is None:  # the school's first setting: nothing to have changed
                with transaction.atomic():
                    form.save()
            else:
                conflict = conflicts.save_unless_changed(
                    form, form.save, theirs=lambda saved: ContactRhythmForm(instance=saved)
                )
            if conflict is None:
                rhythm.forget(school)
                messages.success(
                    request,
                    "Saved. Home pages, the family list and the dashboard now use this rhythm.",
                )
                return redirect("families:contact-rhythm")
    return render(
        request,
        "families/contact_rhythm.html",
        {
            "form": form,
            "may_set": may_set,
            "conflict": conflict,
            "levels": _levels_now(school, current),
        },
    )


def due_contact_panel(request: SchoolRequest) -> dict | None:
    """The families this user is key contact for who are due a contact for their level."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        return None
    current = rhythm.rhythm_for(school)
    cutoffs = {f"cutoff_{k}": v for k, v in rhythm.cutoffs_for(current).items()}
    weeks = tuple(current.weeks_for(level) for level in Level.values)
    rows, total = panel_rows.with_total_of(
        _due_to_me(user=request.user, school=school, rhythm_weeks=weeks, **cutoffs),
        panel_rows.DueRow,
    )
    if not rows:
        return None
    query = urlencode({"due_contact": "on", "key_contact": request.user.pk})
    now = timezone.now()
    return {
        "families": rows,
        "more": total - len(rows),
        "all_url": f"{reverse('families:family-list')}?{query}",
        "now": now,
        "rows": panel_rows.due_contact_rows(rows, now),
    }


def _key_contact_for(user, school):
    return SchoolFamily.objects.filter(school=school, key_contact=user)


def due_contact_waiting(*, user, school, **moments) -> list:
    """The home page asks this first (portal.shell.HomePanel): whether the user is key contact
    for any family here; the panel shows those of them due a contact."""
    return [_key_contact_for(user, school)]


def _due(user, school, rhythm_weeks, **cutoffs):
    mine = (
        _key_contact_for(user, school)
        # Dates of contacts this user may not read neither hide nor reveal anything here.
        .with_seen_summary(user, school, fields=["last_at"])
    )
    current = rhythm.rhythm_for(school)
    by_level = {level: cutoffs[f"cutoff_{level}"] for level in Level.values}
    return with_total(
        rhythm.due(mine, current, field="seen_last_at", cutoffs=by_level).order_by(
            F("seen_last_at").asc(nulls_first=True), "family__name"
        )
    ).values_list(*panel_rows.DueRow.COLUMNS, TOTAL)[:SHOWN]


# The home page's read, built once per process and shape (portal.compiled); the rhythm's weeks
# are part of the shape (they are constants in the SQL).
_due_to_me = Compiled(
    _due,
    user=USER,
    school=SCHOOL,
    rhythm_weeks=SHAPE,
    **{f"cutoff_{level}": dt.datetime for level in Level.values},
)
