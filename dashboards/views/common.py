"""What the dashboard's screens share: who may see them, the filters, the htmx repaint, and the
figures more than one screen shows.

Dashboards have no object in their URL: they show the current school (request.school), so a
member of another school simply sees their own school.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dashboards import figures
from dashboards.charts import FORMALITY_COLOURS, TONE_COLOURS, bars
from dashboards.filters import DashboardFilter
from dashboards.models import SelfEvaluation
from families.labels import family_labels
from portal import access
from portal.http import SchoolRequest
from portal.models import School

DASHBOARD = "portal.view_school_dashboard"


ATTENTION_LISTS = [
    ("no_positive", "No positive contact this term"),
    ("due_contact", "Due a contact for their communication level"),
    ("review_due", "Compass placement due for review (or never placed)"),
]


def _get_dashboard_school(request: SchoolRequest, perm: str = DASHBOARD) -> School:
    """The current school, if this user may see this dashboard there (403 otherwise)."""
    if request.school is None or not request.user.has_perm(perm, request.school):
        raise PermissionDenied
    return request.school


def _get_authority_ids(request: SchoolRequest) -> set[int]:
    """The authority whose figures this user sees now: the current school's, where they are its
    officer (an officer of two authorities sees each in turn, as on "Data for your council");
    none means 403. One authority at a time, because small numbers are hidden per table: the
    same counts hidden over two authorities' schools on screen and over one in the council's
    export would hide different companions, and the two together could give a small one away."""
    ids = access.authority_ids(request.user)
    if not ids:
        raise PermissionDenied
    current = request.school.authority_id if request.school is not None else None
    return {current} if current in ids else {min(ids)}


def _family_url(family_id: int) -> str | None:
    try:
        return reverse("families:family-detail", args=[family_id])
    except NoReverseMatch:  # the family pages are built by another issue
        return None


def _label_families(school, *row_lists) -> None:
    """Name each row's family apart from any that reads alike (families.labels), in one query
    for all the lists of a page."""
    labels = family_labels(school, {row["family"] for rows in row_lists for row in rows})
    for rows in row_lists:
        for row in rows:
            row["label"] = labels.get(row["family"], row["family__name"])


def _render(request: SchoolRequest, template: str, context: dict):
    """The full page, or only its figures for an htmx refresh of the filters."""
    if request.htmx and not request.htmx.boosted:
        template += "#figures"
    return render(request, template, context)


def _base(request: SchoolRequest, school: School) -> dict:
    filters = DashboardFilter(request.GET or None, school=school)
    return {
        "school": school,
        "filters": filters,
        "families": filters.qs,
        "today": timezone.localdate(),
        "may_see_staff": request.user.has_perm("portal.view_staff_contact_balance", school),
    }


def _balance_charts(rows: list[dict], what: str) -> tuple:
    tone = bars(
        f"Positive, neutral and concern contacts by {what}",
        f"Stacked bars of contacts by tone for each {what}; the table beside it has the numbers.",
        [
            (
                row["label"],
                [(name, row[name], colour) for name, colour in TONE_COLOURS.items()],
                f"{row['positive']} : {row['neutral']} : {row['concern']}",
            )
            for row in rows
        ],
        legend=[(colour, name.title()) for name, colour in TONE_COLOURS.items()],
    )
    form = bars(
        f"Formal and informal contacts by {what}",
        f"Stacked bars of formal and informal contacts for each {what}.",
        [
            (
                row["label"],
                [(name, row[name], colour) for name, colour in FORMALITY_COLOURS.items()],
                f"{row['formal']} : {row['informal']}",
            )
            for row in rows
        ],
        legend=[(colour, name.title()) for name, colour in FORMALITY_COLOURS.items()],
    )
    return tone, form


def _region_figures(
    school: School, families, filters=None, regions=None
) -> tuple[list[figures.RegionRow], SelfEvaluation | None]:
    """Region rows now, with the latest self-evaluation's targets and starting shares (those
    kept when the target was set, unless the families are filtered)."""
    regions = figures.regions_for(school) if regions is None else regions
    rows = figures.region_rows(regions, figures.region_counts(families))
    evaluation = figures.latest_self_evaluation(school)
    if evaluation is not None:
        baseline = figures.evaluation_baseline(families, evaluation, filtered=_is_filtered(filters))
        figures.apply_targets(rows, evaluation, baseline)
    return rows, evaluation


def _is_filtered(filters) -> bool:
    """Whether the dashboard's filters narrow the school's families at all."""
    if filters is None or not filters.is_bound or not filters.is_valid():
        return False
    return any(value not in (None, "") for value in filters.form.cleaned_data.values())


def _balances(request: SchoolRequest, school: School, context: dict, period) -> dict:
    contacts = figures.contacts_in(school, period, context["families"])
    by_month = figures.balance_by_month(contacts)
    by_year = figures.balance_by_year_group(contacts, school)
    staff_contacts = contacts if context["may_see_staff"] else contacts.filter(staff=request.user)
    by_staff = figures.balance_by_staff(staff_contacts)
    return {"by_month": by_month, "by_year": by_year, "by_staff": by_staff}
