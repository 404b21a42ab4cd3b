"""The scheduled retention review: lists what is past retention and tells the headteacher.

It never erases: erasure removes records for good, so it waits for a person to confirm it
(`manage.py retention_review --erase --confirm`) after the headteacher has read the review."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils import timezone

from portal.lib import mail
from portal.models import Membership, Role, School
from privacy.ageing import months_ahead
from privacy.retention import school_review

logger = logging.getLogger("privacy")


@task
def retention_review_school(school_id: int) -> int:
    """Works out what is past retention at one school, logs the counts (ids and numbers only)
    and emails them to its headteacher; returns how many records are due."""
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        return 0
    review = school_review(school, as_of=timezone.localdate())
    logger.info(
        "Retention review school=%s families_due=%s held=%s %s",
        school.pk,
        len(review.routine_ids),
        len(review.held),
        " ".join(f"{kind.key}={n}" for kind, n in review.counts),
    )
    if not review.families:
        return 0
    recipients = list(
        Membership.objects.active()
        .filter(school=school, role=Role.HEADTEACHER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if recipients:
        mail.send_templated(
            template="privacy/retention_review_email", to=recipients, context={"review": review}
        )
    return review.total


@task
def retention_review_all() -> int:
    """Queues the review for every school (run weekly, e.g. from cron); returns how many.
    It also makes the coming months' partitions of the access log and the contacts' edit
    history (PostgreSQL), so a weekly run keeps them months ahead of the clock."""
    months_ahead()
    ids = list(School.objects.values_list("pk", flat=True))
    for school_id in ids:
        retention_review_school.enqueue(school_id)
    return len(ids)
