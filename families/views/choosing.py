"""The family chooser's matches as you type (families.choosers), for htmx; names by POST."""

from __future__ import annotations

import re

from django.shortcuts import render
from django.views.decorators.http import require_POST

from families.access import require_family_worker
from families.choosers import families_to_choose, matches
from portal.http import SchoolRequest
from portal.lib.limits import parse_id

FIELD_NAME = re.compile(r"^[a-z_]{1,40}$")


@require_POST
def family_choose(request: SchoolRequest):
    """The families this user may see matching what was typed, as radio buttons."""
    require_family_worker(request)
    school = request.school
    name = request.POST.get("field", "")
    name = name if FIELD_NAME.match(name) else "family"
    query = request.POST.get(f"{name}_q", "").strip()[:100]
    families = families_to_choose(request.user, school)
    results, more = matches(families, school, query)
    chosen = request.POST.get(name, "")
    chosen_id = parse_id(chosen)
    if chosen_id is not None and all(f.pk != chosen_id for f in results):
        kept = families.filter(pk=chosen_id).first()
        results = [kept, *results] if kept else results
    return render(
        request,
        "families/includes/family_chooser_results.html",
        {
            "chooser": {
                "name": name,
                "query": query,
                "results": results,
                "more": more,
                "value": chosen,
                "searched": bool(query),
            }
        },
    )
