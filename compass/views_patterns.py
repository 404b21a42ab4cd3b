"""The dashboard's "Where concerns cluster": the school's concerns by subject, by time of day
and by member of staff, for those who see the school's dashboard.

Only on the school's own dashboard, never the authority's figures (which show no subject, time or
member of staff, so their small-number suppression is untouched). By member of staff follows the
contact balance: the headteacher sees everyone's, pastoral leads their own row.
"""

from __future__ import annotations

from django.views.decorators.http import require_GET

from compass import dashboard as figures
from compass.dashboard_forms import PeriodForm
from compass.views_dashboard import _base, _get_dashboard_school, _render
from families.patterns import concern_clusters


@require_GET
def dashboard_patterns(request):
    """Where the school's concerns arose in the chosen period, in one grouped query."""
    school = _get_dashboard_school(request)
    context = _base(request, school)
    period_form = PeriodForm(request.GET or None)
    period = figures.period_for(period_form.chosen(), context["today"])
    contacts = figures.contacts_in(school, period, context["families"])
    clusters = concern_clusters(
        contacts, staff_only=None if context["may_see_staff"] else request.user.pk
    )
    context.update(period_form=period_form, period=period, clusters=clusters)
    return _render(request, "compass/dashboard_patterns.html", context)
