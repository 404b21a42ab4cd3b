"""The headteacher's dashboard, each member of staff's contact balance, the authority's
figures and the self-evaluation page.

Dashboards have no object in their URL: they show the current school (request.school), so a
member of another school simply sees their own school. Every page is GET-only except the
self-evaluation, and each figure comes from one aggregate query (compass.dashboard).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from compass import dashboard as figures
from compass import dashboard_authority, dashboard_classes, selfevaluation_history
from compass.colours import region_colour
from compass.dashboard_charts import FORMALITY_COLOURS, TONE_COLOURS, bars, flow_grid
from compass.dashboard_forms import DashboardFilter, PeriodForm, SelfEvaluationForm
from compass.school_compass import school_drawing
from families import rhythm
from families.labels import family_labels
from families.models import SchoolFamily
from portal import access, shell
from portal.lib import once, saving
from portal.models import Role, School

DASHBOARD = "portal.view_school_dashboard"


def _get_dashboard_school(request, perm: str = DASHBOARD) -> School:
    """The current school, if this user may see this dashboard there (403 otherwise)."""
    if request.school is None or not request.user.has_perm(perm, request.school):
        raise PermissionDenied
    return request.school


def _get_authority_ids(request) -> set[int]:
    """The authorities whose figures this user may see; none means 403."""
    ids = access.authority_ids(request.user)
    if not ids:
        raise PermissionDenied
    return ids


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


def _render(request, template: str, context: dict):
    """The full page, or only its figures for an htmx refresh of the filters."""
    if request.htmx and not request.htmx.boosted:
        template += "#figures"
    return render(request, template, context)


def _base(request, school: School) -> dict:
    filters = DashboardFilter(request.GET or None, school=school)
    return {
        "school": school,
        "filters": filters,
        "families": filters.qs,
        "today": timezone.localdate(),
        "may_see_staff": request.user.has_perm("portal.view_staff_contact_balance", school),
    }


def _region_chart(rows, *, title: str, description: str):
    return bars(
        title,
        description,
        [(row.label, [(row.label, row.count, row.colour)], str(row.count)) for row in rows],
    )


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


# ---------------------------------------------------------------------------------------------
# The school's pages


def _region_figures(school: School, families, filters=None, regions=None) -> tuple[list, object]:
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


def _blank(value):
    return "" if value is None else value


@require_GET
def dashboard(request):
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
        term = figures.period_for("term", context["today"])
        context["by_class"] = dashboard_classes.by_class(
            school,
            regions,
            everyone,
            figures.contacts_in(school, term),
            classes=context["filters"].classes,
        )
        context["by_class_period"] = term
    return _render(request, "compass/dashboard.html", context)


@require_GET
def dashboard_movement(request):
    """How relationships moved since the start of this term or school year."""
    school = _get_dashboard_school(request)
    context = _base(request, school)
    period_form = PeriodForm(request.GET or None)
    period = figures.period_for(period_form.chosen(), context["today"])
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
    return _render(request, "compass/dashboard_movement.html", context)


def _balances(request, school: School, context: dict, period) -> dict:
    contacts = figures.contacts_in(school, period, context["families"])
    by_month = figures.balance_by_month(contacts)
    by_year = figures.balance_by_year_group(contacts, school)
    staff_contacts = contacts if context["may_see_staff"] else contacts.filter(staff=request.user)
    by_staff = figures.balance_by_staff(staff_contacts)
    return {"by_month": by_month, "by_year": by_year, "by_staff": by_staff}


@require_GET
def dashboard_contacts(request):
    """The balance of positive, neutral and concern contacts, and of formal and informal."""
    school = _get_dashboard_school(request)
    context = _base(request, school)
    period_form = PeriodForm(request.GET or None)
    period = figures.period_for(period_form.chosen(), context["today"])
    balances = _balances(request, school, context, period)
    context.update(period_form=period_form, period=period, **balances)
    context["month_charts"] = _balance_charts(balances["by_month"], "month")
    context["year_charts"] = _balance_charts(balances["by_year"], "year group")
    context["staff_charts"] = _balance_charts(balances["by_staff"], "member of staff")
    return _render(request, "compass/dashboard_contacts.html", context)


ATTENTION_LISTS = [
    ("no_positive", "No positive contact this term"),
    ("due_contact", "Due a contact for their communication level"),
    ("review_due", "Compass placement due for review (or never placed)"),
]


@require_GET
def dashboard_attention(request):
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
    return _render(request, "compass/dashboard_attention.html", context)


@require_GET
def my_contacts(request):
    """A member of staff's own contact balance, month by month."""
    school = _get_dashboard_school(request, "portal.view_own_contact_balance")
    period_form = PeriodForm(request.GET or None)
    period = figures.period_for(period_form.chosen())
    contacts = figures.contacts_in(school, period, staff=request.user)
    by_month = figures.balance_by_month(contacts)
    return render(
        request,
        "compass/dashboard_mine.html",
        {
            "period_form": period_form,
            "period": period,
            "by_month": by_month,
            "total": figures.balance_total(contacts),
            "month_charts": _balance_charts(by_month, "month"),
            "my_classes": dashboard_classes.my_class_balance(request.user, school, period),
        },
    )


# ---------------------------------------------------------------------------------------------
# CSV downloads: the same figures as the tables


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        # A leading = + - @ would make a spreadsheet run the cell as a formula.
        writer.writerow(
            [f"'{v}" if isinstance(v, str) and v and v[0] in "=+-@" else v for v in row]
        )
    return response


BALANCE_HEADER = ["positive", "neutral", "concern", "formal", "informal", "total"]


def _balance_rows(rows: list[dict]):
    return [[row["label"], *(row[k] for k in BALANCE_HEADER)] for row in rows]


def _name(first, last) -> str:
    return f"{first or ''} {last or ''}".strip()


@require_GET
def dashboard_csv(request, table: str):
    """One dashboard table as CSV, with the same filters as the page."""
    if table == "mine":
        school = _get_dashboard_school(request, "portal.view_own_contact_balance")
        period = figures.period_for(PeriodForm(request.GET or None).chosen())
        rows = figures.balance_by_month(figures.contacts_in(school, period, staff=request.user))
        return _csv("my-contact-balance", ["month", *BALANCE_HEADER], _balance_rows(rows))
    school = _get_dashboard_school(request)
    context = _base(request, school)
    families, today = context["families"], context["today"]
    period = figures.period_for(PeriodForm(request.GET or None).chosen(), today)
    if table == "regions":
        rows, _evaluation = _region_figures(school, families, context["filters"])
        return _csv(
            "compass-regions",
            ["region", "families", "percent", "percent when the target was set", "target percent"],
            [[r.label, r.count, r.percent, _blank(r.baseline), _blank(r.target)] for r in rows],
        )
    if table == "movement":
        moves = figures.movement(families, figures.regions_for(school), period)
        labels = [moves.labels.get(k, k) for k in moves.keys]
        return _csv(
            "compass-movement",
            ["from \\ to", *labels, "total"],
            [[row["label"], *row["cells"], row["total"]] for row in moves.matrix],
        )
    if table == "moved-away":
        rows = figures.moved_away(families, period)
        return _csv(
            "moved-away",
            ["family", "key contact", "from", "to", "placed on"],
            [
                [
                    r["family__name"],
                    _name(r["key_contact__first_name"], r["key_contact__last_name"]),
                    r["from_label"],
                    r["to_label"],
                    f"{timezone.localtime(r['moved_at']):%Y-%m-%d}",
                ]
                for r in rows
            ],
        )
    if table in ("months", "year-groups", "staff"):
        balances = _balances(request, school, context, period)
        key = {"months": "by_month", "year-groups": "by_year", "staff": "by_staff"}[table]
        return _csv(
            f"contact-balance-{table}", [table, *BALANCE_HEADER], _balance_rows(balances[key])
        )
    if table in ("no-positive", "due-contact", "review-due"):
        rows = figures.attention_list(school, families, table.replace("-", "_"), today=today)

        def day(value):
            return f"{timezone.localtime(value):%Y-%m-%d}" if value else ""

        return _csv(
            table,
            [
                "family",
                "key contact",
                "last contact",
                "last positive contact",
                "last placed",
                "communication level",
                "contact at least every (weeks)",
            ],
            [
                [
                    r["family__name"],
                    _name(r["key_contact__first_name"], r["key_contact__last_name"]),
                    day(r["last_contact_at"]),
                    day(r["last_positive_at"]),
                    day(r["last_placed_at"]),
                    rhythm.level_label(r["current_level"]),
                    r["every_weeks"],
                ]
                for r in rows
            ],
        )
    if table == "follow-ups":
        rows = figures.overdue_follow_ups(school, families, today=today)
        return _csv(
            "overdue-follow-ups",
            ["family", "due", "who follows up"],
            [
                [
                    r["family__name"],
                    f"{r['follow_up_on']:%Y-%m-%d}",
                    _name(r["follow_up_owner__first_name"], r["follow_up_owner__last_name"]),
                ]
                for r in rows
            ],
        )
    raise Http404("No such table.")


# ---------------------------------------------------------------------------------------------
# The authority's figures


@require_GET
def authority(request):
    """Each school of the officer's authority and the total: counts only, small ones hidden."""
    ids = _get_authority_ids(request)
    period_form = PeriodForm(request.GET or None)
    tables = dashboard_authority.authority_tables(ids, figures.period_for(period_form.chosen()))
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
        "compass/authority.html",
        {
            **tables,
            "chart": chart,
            "period_form": period_form,
            "threshold": dashboard_authority.SUPPRESS_BELOW,
            "hidden": dashboard_authority.HIDDEN,
        },
    )


def _suppressed(value) -> str | int:
    return dashboard_authority.HIDDEN if value is None else value


@require_GET
def authority_csv(request, table: str):
    ids = _get_authority_ids(request)
    tables = dashboard_authority.authority_tables(
        ids, figures.period_for(PeriodForm(request.GET or None).chosen())
    )
    if table == "regions":
        header = ["school", *tables["region_columns"], "total"]
        rows = tables["regions"]
    elif table == "contacts":
        header = ["school", "positive", "neutral", "concern", "total"]
        header += ["formal", "informal", "total"]
        rows = [
            (name, [*tones, *forms])
            for (name, tones), (_n, forms) in zip(tables["tones"], tables["formality"], strict=True)
        ]
    else:
        raise Http404("No such table.")
    return _csv(
        f"authority-{table}", header, [[name, *map(_suppressed, cells)] for name, cells in rows]
    )


# ---------------------------------------------------------------------------------------------
# Self-evaluation


@require_http_methods(["GET", "POST"])
def selfevaluation(request):
    """The senior team's reflection questions and target distribution, kept as dated records."""
    school = _get_dashboard_school(request)
    may_record = request.user.has_perm("portal.record_self_evaluation", school)
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    if done := once.earlier(request):  # sent twice: recorded already
        return redirect(done)
    regions = figures.regions_for(school)
    previous = figures.latest_self_evaluation(school)
    form = SelfEvaluationForm(
        request.POST if request.method == "POST" else None, regions=regions, previous=previous
    )
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    evaluation = figures.selfevaluation_record(
                        school=school,
                        recorded_by=request.user,
                        target_year=form.cleaned_data["target_year"],
                        answers=form.answers(),
                        targets=form.targets(),
                    )
                    spent.made(evaluation, reverse("compass:selfevaluation"))
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            messages.success(
                request,
                "The self-evaluation is recorded. "
                "The dashboard now shows progress towards its target.",
            )
            return redirect("compass:selfevaluation")
    answered = []
    if previous is not None:
        answered = [
            (question, previous.answers.get(key, ""))
            for key, question, _prompt in figures.QUESTIONS
        ]
    labels = {r.key: r.label for r in regions}
    history, records, side_by_side = selfevaluation_history.history_page(
        school, request.GET.get("page")
    )
    return render(
        request,
        "compass/selfevaluation.html",
        {
            "history": history,
            "records": records,
            "side_by_side": side_by_side,
            "form": form,
            "may_record": may_record,
            "questions": figures.QUESTIONS,
            "previous": previous,
            "answered": answered,
            "previous_targets": [
                (labels.get(t.region_key, t.region_key), t.percent)
                for t in (previous.targets.all() if previous else [])
            ],
        },
    )


# ---------------------------------------------------------------------------------------------
# Navigation and the home panel


def _home_panel(request) -> dict | None:
    school = request.school
    if school is None or not access.is_headteacher(request.user, school):
        return None
    families = SchoolFamily.objects.filter(school=school).on_roll()
    rows = figures.region_rows(figures.regions_for(school), figures.region_counts(families))
    today = timezone.localdate()
    return {
        "rows": rows,
        "attention": figures.attention_counts(school, families, today=today),
    }


def _shows_dashboard(request) -> bool:
    return request.user.has_perm(DASHBOARD, request.school)


def _shows_own_balance(request) -> bool:
    return access.role_in(request.user, request.school) == Role.STAFF


def _shows_authority(request) -> bool:
    return bool(access.authority_ids(request.user))


def register_dashboard() -> None:
    """Called from CompassConfig.ready(): nav links and the headteacher's home panel."""
    shell.register_nav(
        shell.NavItem(
            label="Dashboard",
            url_name="compass:dashboard",
            allowed=_shows_dashboard,
            order=60,
        )
    )
    shell.register_nav(
        shell.NavItem(
            label="My contact balance",
            url_name="compass:my-contacts",
            allowed=_shows_own_balance,
            order=61,
        )
    )
    shell.register_nav(
        shell.NavItem(
            label="Authority",
            url_name="compass:authority",
            allowed=_shows_authority,
            order=62,
        )
    )
    shell.register_panel(
        shell.HomePanel(template="compass/dashboard_panel.html", render=_home_panel, order=40)
    )
