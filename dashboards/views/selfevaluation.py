"""The self-evaluation page: the senior team's reflection questions and target distribution,
kept as dated records, with the earlier ones side by side."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dashboards import figures
from dashboards import selfevaluation as evaluations
from dashboards.filters import SelfEvaluationForm
from dashboards.views.common import _get_dashboard_school
from portal.http import SchoolRequest
from portal.lib import once, saving


@require_http_methods(["GET", "POST"])
def selfevaluation(request: SchoolRequest):
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
                    evaluation = evaluations.selfevaluation_record(
                        school=school,
                        recorded_by=request.user,
                        target_year=form.cleaned_data["target_year"],
                        answers=form.answers(),
                        targets=form.targets(),
                    )
                    spent.made(evaluation, reverse("dashboards:selfevaluation"))
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            messages.success(
                request,
                "The self-evaluation is recorded. "
                "The dashboard now shows progress towards its target.",
            )
            return redirect("dashboards:selfevaluation")
    answered = []
    if previous is not None:
        answered = [
            (question, previous.answers.get(key, ""))
            for key, question, _prompt in evaluations.QUESTIONS
        ]
    labels = {r.key: r.label for r in regions}
    history, records, side_by_side = evaluations.history_page(school, request.GET.get("page"))
    return render(
        request,
        "dashboards/selfevaluation.html",
        {
            "history": history,
            "records": records,
            "side_by_side": side_by_side,
            "form": form,
            "may_record": may_record,
            "questions": evaluations.QUESTIONS,
            "previous": previous,
            "answered": answered,
            "previous_targets": [
                (labels.get(t.region_key, t.region_key), t.percent)
                for t in (previous.targets.all() if previous else [])
            ],
        },
    )
