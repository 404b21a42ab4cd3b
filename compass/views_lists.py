"""Full lists behind the shorter ones: every family the home page's "Review placement" panel
and the dashboard's "Needing attention" lists stop short of, a page at a time."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from compass import dashboard as figures
from compass import prompts
from compass.views_dashboard import (
    ATTENTION_LISTS,
    _base,
    _family_url,
    _get_dashboard_school,
    _label_families,
)
from families import rhythm
from portal import access

PER_PAGE = 30


@require_GET
def placement_reviews(request):
    """Every family of mine whose compass placement needs a look, oldest first."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        raise PermissionDenied
    page = Paginator(prompts.review_queryset(request.user, school), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "compass/placement_reviews.html",
        {
            "page": page,
            "reviews": [
                {"school_family": row, "reason": prompts.reason_for(row, school)}
                for row in page.object_list
            ],
        },
    )


@require_GET
def dashboard_attention_list(request, which: str):
    """One of the dashboard's "Needing attention" lists in full, with its filters."""
    titles = dict(ATTENTION_LISTS)
    school = _get_dashboard_school(request)
    if which not in titles:
        raise Http404("No such list.")
    context = _base(request, school)
    rows = figures.attention_list(school, context["families"], which, today=context["today"])
    page = Paginator(rows, figures.LIST_LIMIT).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        row["url"] = _family_url(row["family"])
    _label_families(school, rows)
    context.update(
        which=which,
        title=titles[which],
        page=page,
        rows=rows,
        rhythm=rhythm.describe(rhythm.rhythm_for(school)),
        may_set_rhythm=request.user.has_perm(rhythm.SET_PERM, school),
    )
    return render(request, "compass/dashboard_attention_list.html", context)
