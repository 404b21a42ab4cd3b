"""The self-evaluation: the senior team's reflection questions, the service that records an
evaluation with its target distribution, and earlier evaluations side by side (each record's
targets, the shares when it was set, its own baseline, and now, and how far each region has moved
towards its target since)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import models, transaction
from django.utils import timezone

from dashboards.figures import NOT_PLACED, baseline_counts, region_counts, regions_for
from dashboards.models import RegionTarget, SelfEvaluation
from families.models import SchoolFamily
from portal.models import School

PER_PAGE = 10

QUESTIONS = [
    (
        "view_of_parents",
        "How do we see parents?",
        "When staff talk about families, do they speak of problems to manage, of people to "
        "inform, or of experts on their own children? What would a parent overhear?",
    ),
    (
        "good_news",
        "How much of our contact is good news?",
        "Look at the contact balance. Which families hear from us only when something has gone "
        "wrong, and what would it take to change that this term?",
    ),
    (
        "way_in",
        "How easy is it to reach us and to come in?",
        "Times, places, the welcome at reception, a named person to call, help with language "
        "or reading: where does a parent give up, and what could we move?",
    ),
    (
        "one_person",
        "Does every family know who to turn to?",
        "Which families have no key contact, or one they rarely hear from? How do we hand over "
        "when staff change?",
    ),
    (
        "listening",
        "How do we listen, and what changes as a result?",
        "When a parent tells us what works for their child, or complains, how is it recorded, "
        "who acts on it, and how do they hear what we changed?",
    ),
    (
        "not_reached",
        "Whom are we not yet reaching, and why?",
        "Look at the families in the south-west of the compass and those with no contact for "
        "weeks. What do we know about their barriers? What have we not tried?",
    ),
    (
        "next_steps",
        "What will we do differently next?",
        "Choose two or three changes for the coming year, who leads each, and how we will know "
        "they are working.",
    ),
]


@transaction.atomic
def selfevaluation_record(
    *,
    school: School,
    recorded_by,
    target_year: int,
    answers: dict[str, str],
    targets: dict[str, int],
    written_on: dt.date | None = None,
) -> SelfEvaluation:
    """Record the senior team's answers and target distribution as a new, dated evaluation."""
    evaluation = SelfEvaluation(
        school=school,
        recorded_by=recorded_by,
        target_year=target_year,
        answers={k: v for k, v in answers.items() if v},
        written_on=written_on or timezone.localdate(),
    )
    # The baseline is kept with the target, so progress is always measured from it: now, or
    # for a record written up later, as the placements stood at the start of its day.
    families = SchoolFamily.objects.filter(school=school)
    if evaluation.written_on < timezone.localdate():
        evaluation.baseline = baseline_counts(families, evaluation)
    else:
        evaluation.baseline = region_counts(families)
    evaluation.full_clean()
    evaluation.save()
    for key, percent in targets.items():
        target = RegionTarget(evaluation=evaluation, region_key=key, percent=percent)
        target.full_clean()
        target.save()
    return evaluation


@dataclass
class TargetRow:
    label: str
    target: int
    then: float | None  # the share when the target was set, in percent (None: not kept)
    now: float

    @property
    def progress(self) -> str:
        """How far the region has come since the target was set, in words."""
        if self.now == self.target:
            return "On target"
        if self.then is None:
            return "Starting share not kept"
        if self.now == self.then:
            return "No change yet"
        if (self.target > self.then) == (self.now > self.then):
            return "Moving towards the target"
        return "Moving away from the target"


@dataclass
class Record:
    evaluation: SelfEvaluation
    rows: list[TargetRow] = field(default_factory=list)
    answers: list[tuple[str, str]] = field(default_factory=list)


def _share(counts: dict, key: str) -> float:
    total = sum(counts.values())
    return round(100 * counts.get(key, 0) / total, 1) if total else 0.0


def history_page(school: School, number) -> tuple[Page, list[Record], list[dict]]:
    """One page of the school's self-evaluations, newest first, each with its targets measured
    from its own baseline, and the targets of the page's records side by side by region.
    A fixed number of queries, however many records and targets there are."""
    evaluations = (
        SelfEvaluation.objects.filter(school=school)
        .select_related("recorded_by")
        .prefetch_related("targets")
        .order_by("-written_on", "-pk")
        .fetch_mode(models.FETCH_PEERS)
    )
    page = Paginator(evaluations, PER_PAGE).get_page(number)
    regions = regions_for(school)
    labels = {r.key: r.label for r in regions}
    order = {r.key: i for i, r in enumerate(regions)}
    now = region_counts(SchoolFamily.objects.filter(school=school))
    records = []
    for evaluation in page.object_list:
        targets = sorted(evaluation.targets.all(), key=lambda t: order.get(t.region_key, 99))
        baseline = evaluation.baseline or None
        records.append(
            Record(
                evaluation,
                rows=[
                    TargetRow(
                        label=labels.get(t.region_key, t.region_key),
                        target=t.percent,
                        then=_share(baseline, t.region_key) if baseline else None,
                        now=_share(now, t.region_key),
                    )
                    for t in targets
                    if t.region_key != NOT_PLACED
                ],
                answers=[
                    (question, evaluation.answers.get(key, ""))
                    for key, question, _prompt in QUESTIONS
                ],
            )
        )
    side_by_side = [
        {
            "label": region.label,
            "targets": [
                next(
                    (t.percent for t in r.evaluation.targets.all() if t.region_key == region.key),
                    None,
                )
                for r in records
            ],
        }
        for region in regions
    ]
    return page, records, side_by_side
