"""A member of staff's own contact balance ("My contact balance")."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboards import by_class, figures
from dashboards.filters import PeriodForm
from dashboards.views.common import _balance_charts, _get_dashboard_school
from portal.http import SchoolRequest


@require_GET
def my_contacts(request: SchoolRequest):
    """A member of staff's own contact balance, month by month."""
    school = _get_dashboard_school(request, "portal.view_own_contact_balance")
    period_form = PeriodForm(request.GET or None)
    period = figures.period_for(period_form.chosen(), None, school)
    contacts = figures.contacts_in(school, period, staff=request.user)
    by_month = figures.balance_by_month(contacts)
    return render(
        request,
        "dashboards/dashboard_mine.html",
        {
            "period_form": period_form,
            "period": period,
            "by_month": by_month,
            "total": figures.balance_total(contacts),
            "month_charts": _balance_charts(by_month, "month"),
            "my_classes": by_class.my_class_balance(request.user, school, period),
        },
    )
