"""Earlier self-evaluations side by side: each record's targets, the shares when it was set
(its own baseline) and now, and how far each region has moved towards its target since."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import models

from compass.dashboard import NOT_PLACED, QUESTIONS, region_counts, regions_for
from compass.models import SelfEvaluation
from families.models import SchoolFamily
from portal.models import School

PER_PAGE = 10


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


def _share(counts: dict, key: str) -> float | None:
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
