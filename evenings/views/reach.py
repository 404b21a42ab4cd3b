"""Who has not booked, and whom the evening reached.

The not-booked list is for those who run the evening (every invited family) and the staff
taking part (the invited families they see), so a key contact can call a family that has not
booked. The reach figures are for those who run it. Another school's evening is a 404; anyone
else at the school (staff not taking part, an authority officer) gets 403 (access.refusal)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from evenings import reach as queries
from evenings.models import Evening, Invitation, Taking
from families.labels import family_labels
from families.models import Level, SchoolFamily
from families.views.paging import page_of
from portal import access
from portal.http import SchoolRequest
from portal.lib.spreadsheets import csv_response

PER_PAGE = 25
LEVELS = dict(Level.choices)


def _get_evening_for_user(request: SchoolRequest, pk: int, *, run: bool = False):
    """The evening, and whether this user runs it. Another school's: 404; at the school,
    someone who neither runs it nor (unless `run`) takes part: 403."""
    school = request.school
    evening = Evening.objects.filter(pk=pk, school=school).first() if school else None
    if evening is None:
        raise Http404("No such evening.")
    office_ids = list(evening.office.values_list("pk", flat=True))
    if access.may_run_evening(request.user, school, office_ids=office_ids):
        return evening, True
    if run:
        raise PermissionDenied
    taking = Taking.objects.filter(evening=evening, staff=request.user).values_list(
        "staff_id", flat=True
    )
    if not access.may_see_evening(
        request.user, school, office_ids=office_ids, staff_ids=list(taking)
    ):
        raise PermissionDenied
    return evening, False


class NotBookedFilter(forms.Form):
    group = forms.ChoiceField(label="Class or year group", required=False)
    barrier = forms.ChoiceField(label="What may stand in their way", required=False)
    region = forms.ChoiceField(label="Place on the compass", required=False)
    mine = forms.BooleanField(label="Only families I am key contact for", required=False)

    def __init__(self, *args, evening: Evening, regions: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        groups = (
            Invitation.children.through.objects.filter(invitation__evening=evening)
            .values_list("child__class_group_id", "child__class_group__name", "child__year_group")
            .distinct()
        )
        classes, years = {}, set()
        for class_id, name, year in groups:
            if class_id:
                classes[class_id] = name
            if year:
                years.add(year)
        cast(forms.ChoiceField, self.fields["group"]).choices = [
            ("", "Any"),
            *[(f"y{y}", f"Year group {y}") for y in sorted(years)],
            *[(f"c{pk}", f"Class {name}") for pk, name in sorted(classes.items(), key=_second)],
        ]
        barriers = cast(forms.ChoiceField, self.fields["barrier"])
        barriers.choices = [("", "Any"), *queries.BARRIER_CHOICES]
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            ("", "Any"),
            *[(key or "-", label) for key, label in regions.items()],
        ]


def _second(pair):
    return pair[1]


@require_GET
def not_booked(request: SchoolRequest, pk: int):
    """The invited families with no live booking, hardest to reach first, with what may stand
    in their way, their place on the compass, and a way to act: the same few queries whatever
    the number of families."""
    evening, runs = _get_evening_for_user(request, pk)
    school = evening.school
    seen = None if runs else SchoolFamily.objects.visible_to(request.user, school)
    regions = queries.region_labels(school)
    form = NotBookedFilter(request.GET or None, evening=evening, regions=regions)
    rows = queries.not_booked(evening, seen)
    if form.is_valid():
        data = form.cleaned_data
        rows = queries.narrowed(
            rows,
            evening,
            group=data["group"],
            barrier=data["barrier"],
            region=data["region"] or None,
            user=request.user if data["mine"] else None,
        )
    page = page_of(
        queries.for_page(rows).fetch_mode(models.FETCH_PEERS), PER_PAGE, request.GET.get("page")
    )
    families = list(page.object_list)
    ids = [sf.family_id for sf in families]
    invitations = queries.invitations_for(evening, ids)
    labels = family_labels(school, ids)
    for sf in families:
        sf.label = labels.get(sf.family_id, sf.family.name)
        sf.invitations = invitations.get(sf.family_id, [])
        sf.region_label = regions.get(sf.current_region, sf.current_region)
        sf.level_label = LEVELS.get(sf.current_level, "")
    return render(
        request,
        "evenings/not_booked.html",
        {
            "evening": evening,
            "runs": runs,
            "form": form,
            "page": page,
            "families": families,
        },
    )


@require_GET
def reach(request: SchoolRequest, pk: int):
    """Booking and attendance by compass region and communication level, as counts and shares
    of the invited families, small numbers hidden; `?download=csv` gives the same table."""
    evening, _runs = _get_evening_for_user(request, pk, run=True)
    figures = queries.reach_figures(evening)
    if request.GET.get("download") == "csv":
        return csv_response(
            f"evening-{evening.pk}-reach",
            ["grouped by", "group", "invited", "booked", "came", "did not come"],
            _csv_rows(figures),
        )
    return render(request, "evenings/reach.html", {"evening": evening, **figures})


def _csv_rows(figures: dict):
    for kind, rows in (("compass region", figures["by_region"]), ("level", figures["by_level"])):
        for row in rows:
            yield [
                kind,
                row.label,
                *[
                    figures["hidden"] if row.shown[m] is None else row.shown[m]
                    for m in queries.MEASURES
                ],
            ]


@require_GET
def dashboard_reach(request: SchoolRequest):
    """The school dashboard's block for the latest evening (the dashboard loads it after it is
    shown; without script, its link opens this as a page)."""
    from evenings.sections import DASHBOARD, latest_reach

    school = request.school
    if school is None or not request.user.has_perm(DASHBOARD, school):
        raise PermissionDenied
    panel = latest_reach(request)
    if request.htmx:
        return render(request, "evenings/dashboard_panel.html", {"panel": panel or {"none": True}})
    return render(request, "evenings/dashboard_reach_page.html", {"panel": panel or {"none": True}})
