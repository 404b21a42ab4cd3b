"""The headteacher's dashboard, screen by screen: the school on one compass now, how
relationships moved, the contact balance, the families needing attention and where concerns
cluster. Every page is GET-only, and each figure comes from one aggregate query
(dashboards.figures)."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from compass.school_compass import school_drawing
from dashboards import by_class, extensions, figures
from dashboards.charts import bars, flow_grid
from dashboards.filters import PeriodForm
from dashboards.views.common import (
    ATTENTION_LISTS,
    _balance_charts,
    _balances,
    _base,
    _family_url,
    _get_dashboard_school,
    _label_families,
    _region_figures,
    _render,
)
from families import rhythm
from families.models import SchoolFamily
from families.patterns import concern_clusters
from portal.http import SchoolRequest


def _region_chart(rows, *, title: str, description: str):
    return bars(
        title,
        description,
        [(row.label, [(row.label, row.count, row.colour)], str(row.count)) for row in rows],
    )


@require_GET
def dashboard(request: SchoolRequest):
    """The school on one compass: families in each region now, and progress to the target."""
    school = _get_dashboard_school(request)
    context = _base(request, school)
    families = context["families"]
    regions = figures.regions_for(school)
    rows, evaluation = _region_figures(school, families, context["filters"], regions)
    placed = [row for row in rows if row.key != figures.NOT_PLACED]
    context.update(
        rows=rows,
        total=sum(row.count for row in rows),
        evaluation=evaluation,
        attention=figures.attention_counts(school, families, today=context["today"]),
        rhythm=rhythm.describe(rhythm.rhythm_for(school)),
        # The same counts as the bars, drawn on the family compass's own regions and colours.
        school_compass=school_drawing(
            regions,
            {row.key: row.count for row in rows},
            total=sum(row.count for row in rows),
        ),
        chart=_region_chart(
            rows,
            title="Families in each region of the compass",
            description="Bars for each region, from each family's latest placement.",
        ),
        target_chart=evaluation
        and bars(
            f"Share of families now, with the target for {evaluation.target_year}",
            "Bars show today's share in each region; the dark tick marks the target share.",
            [
                (row.label, [(row.label, row.percent, row.colour)], f"{row.percent}%")
                for row in placed
            ],
            scale_to=100,
            markers=[row.target for row in placed],
        ),
    )
    if not (request.htmx and not request.htmx.boosted):
        # Class by class is itself the breakdown, so it shows every family of the school
        # whatever the filters, and a filter's quick repaint leaves it alone (it is outside
        # #figures), keeping the repaint within its time budget.
        everyone = SchoolFamily.objects.filter(school=school)
        term = figures.period_for("term", context["today"], school)
        context["by_class"] = by_class.by_class(
            school,
            regions,
            everyone,
            figures.contacts_in(school, term),
            classes=context["filters"].classes,
        )
        context["by_class_period"] = term
        # Panels from apps above dashboards (dashboards.extensions), on the full page only.
        context["panels"] = extensions.panels_for(request)
    return _render(request, "dashboards/dashboard.html", context)


@require_GET
def dashboard_movement(request: SchoolRequest):
    """How relationships moved since the start of this term or school year."""
    school = _get_dashboard_school(request)
    context = _base(request, school)
    period_form = PeriodForm(request.GET or None)
    period = figures.period_for(period_form.chosen(), context["today"], school)
    regions = figures.regions_for(school)
    moves = figures.movement(context["families"], regions, period)
    away = figures.moved_away(context["families"], period)
    for row in away:
        row["url"] = _family_url(row["family"])
    _label_families(school, away)
    matrix = moves.matrix
    context.update(
        period_form=period_form,
        period=period,
        moves=moves,
        matrix=matrix,
        to_labels=[moves.labels.get(k, k) for k in moves.keys],
        away=away,
        chart=flow_grid(
            "Where relationships moved from and to",
            f"Circles show how many families went from each region (rows) at the start of "
            f"{period.label} to each region (columns) now.",
            matrix,
            [moves.labels.get(k, k) for k in moves.keys],
        ),
    )
    return _render(request, "dashboards/dashboard_movement.html", context)


@require_GET
def dashboard_contacts(request: SchoolRequest):
    """The balance of positive, neutral and concern contacts, and of formal and informal."""
    school = _get_dashboard_school(request)
    context = _base(request, school)
    period_form = PeriodForm(request.GET or None)
    period = figures.period_for(period_form.chosen(), context["today"], school)
    balances = _balances(request, school, context, period)
    context.update(period_form=period_form, period=period, **balances)
    context["month_charts"] = _balance_charts(balances["by_month"], "month")
    context["year_charts"] = _balance_charts(balances["by_year"], "year group")
    context["staff_charts"] = _balance_charts(balances["by_staff"], "member of staff")
    return _render(request, "dashboards/dashboard_contacts.html", context)


@require_GET
def dashboard_attention(request: SchoolRequest):
    """Families no one has brought good news to, not heard from, or not reviewed; overdue
    follow-ups."""
    school = _get_dashboard_school(request)
    context = _base(request, school)
    families, today = context["families"], context["today"]
    counts = figures.attention_counts(school, families, today=today)
    lists = []
    for key, title in ATTENTION_LISTS:
        rows = list(
            figures.attention_list(school, families, key, today=today)[: figures.LIST_LIMIT]
        )
        for row in rows:
            row["url"] = _family_url(row["family"])
        lists.append({"key": key, "title": title, "count": counts[key], "rows": rows})
    follow_ups = list(
        figures.overdue_follow_ups(school, families, today=today)[: figures.LIST_LIMIT]
    )
    for row in follow_ups:
        row["url"] = _family_url(row["family"])
    _label_families(school, follow_ups, *(entry["rows"] for entry in lists))
    context.update(
        rhythm=rhythm.describe(rhythm.rhythm_for(school)),
        may_set_rhythm=request.user.has_perm(rhythm.SET_PERM, school),
        counts=counts,
        lists=lists,
        follow_ups=follow_ups,
        limit=figures.LIST_LIMIT,
    )
    return _render(request, "dashboards/dashboard_attention.html", context)


@require_GET
def dashboard_patterns(request: SchoolRequest):
    """Where the school's concerns arose in the chosen period, in one grouped query.

    Only on the school's own dashboard, never the authority's figures (which show no subject,
    time or member of staff, so their small-number suppression is untouched). By member of
    staff follows the contact balance: the headteacher sees everyone's, pastoral leads their own
    row."""
    school = _get_dashboard_school(request)
    context = _base(request, school)
    period_form = PeriodForm(request.GET or None)
    period = figures.period_for(period_form.chosen(), context["today"], school)
    contacts = figures.contacts_in(school, period, context["families"])
    clusters = concern_clusters(
        contacts, staff_only=None if context["may_see_staff"] else request.user.pk
    )
    context.update(period_form=period_form, period=period, clusters=clusters)
    return _render(request, "dashboards/dashboard_patterns.html", context)
