"""The authority's figures: each school of the officer's authorities and the total."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from compass.colours import region_colour
from dashboards import authority as authority_figures
from dashboards import figures
from dashboards.charts import bars
from dashboards.filters import PeriodForm
from dashboards.views.common import _get_authority_ids
from portal.http import SchoolRequest


@require_GET
def authority(request: SchoolRequest):
    """Each school of the officer's authority and the total: counts only, small ones hidden."""
    ids = _get_authority_ids(request)
    period_form = PeriodForm(request.GET or None)
    tables = authority_figures.authority_tables(ids, figures.period_for(period_form.chosen()))
    colours = [region_colour(i) for i in range(len(tables["region_columns"]))]
    # Drawn from the suppressed table only: a hidden count has no bar, so none can be measured.
    chart = bars(
        "Families in each region, by school",
        "Stacked bars of the counts shown in the table; counts hidden to protect small numbers "
        "are left out.",
        [
            (
                name,
                [
                    (label, n or 0, colour)
                    for label, n, colour in zip(
                        tables["region_columns"], cells[:-1], colours, strict=True
                    )
                ],
                "",
            )
            for name, cells in tables["regions"][:-1]  # schools only, not the total
        ],
        legend=list(zip(colours, tables["region_columns"], strict=True)),
    )
    return render(
        request,
        "dashboards/authority.html",
        {
            **tables,
            "chart": chart,
            "period_form": period_form,
            "threshold": authority_figures.SUPPRESS_BELOW,
            "hidden": authority_figures.HIDDEN,
        },
    )
