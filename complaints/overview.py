"""The headteacher's response-time overview: open complaints, and per term how quickly parents
heard back."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.utils import timezone

from complaints.models import Complaint
from portal.lib.terms import TermCalendar, calendar_for, term_containing

DAY = datetime.timedelta(days=1)


def term_of(when: datetime.datetime, calendar: TermCalendar | None = None) -> tuple[int, int, str]:
    """The school term a moment falls in, as (sort year, sort order, label): the school's own
    terms where its calendar is given."""
    day = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    term = calendar.term(day) if calendar is not None else term_containing(day)
    return (term.start.year, term.order, term.label.replace(" term", ""))


@dataclass
class TermFigures:
    label: str
    received: int
    responded: int
    median_days: float | None
    average_days: float | None
    resolved: int


def _days(duration: datetime.timedelta) -> float:
    return duration / DAY


def response_overview(school, *, terms: int = 6) -> dict:
    """Open complaints, and per term the median and average days from receipt to first
    personal response (the durations are worked out by the database)."""
    rows = list(
        Complaint.objects.filter(school=school)
        .with_response_time()
        .values_list("received_at", "response_time", "status")
    )
    by_term: dict[tuple, dict] = {}
    calendar = calendar_for(school)
    for received_at, response_time, status in rows:
        key = term_of(received_at, calendar)
        bucket = by_term.setdefault(key, {"received": 0, "resolved": 0, "days": []})
        bucket["received"] += 1
        bucket["resolved"] += status == Complaint.Status.RESOLVED
        if response_time is not None:
            bucket["days"].append(_days(response_time))
    figures = [
        TermFigures(
            label=key[2],
            received=bucket["received"],
            responded=len(bucket["days"]),
            median_days=round(statistics.median(bucket["days"]), 1) if bucket["days"] else None,
            average_days=round(statistics.fmean(bucket["days"]), 1) if bucket["days"] else None,
            resolved=bucket["resolved"],
        )
        for key, bucket in sorted(by_term.items(), reverse=True)[:terms]
    ]
    all_days = [d for bucket in by_term.values() for d in bucket["days"]]
    open_count = sum(1 for _r, _t, status in rows if status != Complaint.Status.RESOLVED)
    waiting_first = sum(
        1 for _r, t, status in rows if t is None and status != Complaint.Status.RESOLVED
    )
    return {
        "open_count": open_count,
        "waiting_first_response": waiting_first,
        "median_days": round(statistics.median(all_days), 1) if all_days else None,
        "average_days": round(statistics.fmean(all_days), 1) if all_days else None,
        "terms": figures,
    }
