"""The full list behind the home page's "Review placement" panel: every family it stops short
of, a page at a time. (The dashboard's "Needing attention" lists live in dashboards.views.)"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from compass import prompts
from portal import access
from portal.http import SchoolRequest

PER_PAGE = 30


@require_GET
def placement_reviews(request: SchoolRequest):
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
