"""CSV downloads: the same figures as the dashboard's and the authority's tables, with the same
filters as the page."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.views.decorators.http import require_GET

from dashboards import authority as authority_figures
from dashboards import figures
from dashboards.filters import PeriodForm
from dashboards.views.common import (
    _balances,
    _base,
    _get_authority_ids,
    _get_dashboard_school,
    _region_figures,
)
from families import rhythm
from portal.http import SchoolRequest
from portal.lib.spreadsheets import csv_response

BALANCE_HEADER = ["positive", "neutral", "concern", "formal", "informal", "total"]


def _balance_rows(rows: list[dict]):
    return [[row["label"], *(row[k] for k in BALANCE_HEADER)] for row in rows]


def _name(first, last) -> str:
    return f"{first or ''} {last or ''}".strip()


def _blank(value):
    return "" if value is None else value


@require_GET
def dashboard_csv(request: SchoolRequest, table: str):
    """One dashboard table as CSV, with the same filters as the page."""
    if table == "mine":
        school = _get_dashboard_school(request, "portal.view_own_contact_balance")
        period = figures.period_for(PeriodForm(request.GET or None).chosen(), None, school)
        rows = figures.balance_by_month(figures.contacts_in(school, period, staff=request.user))
        return csv_response("my-contact-balance", ["month", *BALANCE_HEADER], _balance_rows(rows))
    school = _get_dashboard_school(request)
    context = _base(request, school)
    families, today = context["families"], context["today"]
    period = figures.period_for(PeriodForm(request.GET or None).chosen(), today, school)
    if table == "regions":
        regions, _evaluation = _region_figures(school, families, context["filters"])
        return csv_response(
            "compass-regions",
            ["region", "families", "percent", "percent when the target was set", "target percent"],
            [[r.label, r.count, r.percent, _blank(r.baseline), _blank(r.target)] for r in regions],
        )
    if table == "movement":
        moves = figures.movement(families, figures.regions_for(school), period)
        labels = [moves.labels.get(k, k) for k in moves.keys]
        return csv_response(
            "compass-movement",
            ["from \\ to", *labels, "total"],
            [[row["label"], *row["cells"], row["total"]] for row in moves.matrix],
        )
    if table == "moved-away":
        rows = figures.moved_away(families, period)
        return csv_response(
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
        return csv_response(
            f"contact-balance-{table}", [table, *BALANCE_HEADER], _balance_rows(balances[key])
        )
    if table in ("no-positive", "due-contact", "review-due"):
        rows = figures.attention_list(school, families, table.replace("-", "_"), today=today)

        def day(value):
            return f"{timezone.localtime(value):%Y-%m-%d}" if value else ""

        return csv_response(
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
        return csv_response(
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


def _suppressed(value) -> str | int:
    return authority_figures.HIDDEN if value is None else value


@require_GET
def authority_csv(request: SchoolRequest, table: str):
    ids = _get_authority_ids(request)
    tables = authority_figures.authority_tables(
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
    return csv_response(
        f"authority-{table}", header, [[name, *map(_suppressed, cells)] for name, cells in rows]
    )
