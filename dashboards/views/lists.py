"""The dashboard's "Needing attention" lists in full, a page at a time, with the dashboard's
filters (the dashboard itself shows the first of each)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboards import figures
from dashboards.views.common import (
    ATTENTION_LISTS,
    _base,
    _family_url,
    _get_dashboard_school,
    _label_families,
)
from families import rhythm
from portal.http import SchoolRequest


@require_GET
def dashboard_attention_list(request: SchoolRequest, which: str):
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
    return render(request, "dashboards/dashboard_attention_list.html", context)
