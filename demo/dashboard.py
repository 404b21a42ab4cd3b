"""A demo self-evaluation for each demo school, written early in the school year with a target
three years on, so the dashboard shows progress against it.

Idempotent: a school that already has a self-evaluation is left alone.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from dashboards.figures import regions_for
from dashboards.models import SelfEvaluation
from dashboards.selfevaluation import selfevaluation_record
from demo import schools as demo_schools
from portal.lib.terms import year_containing
from portal.models import Membership, Role, School

# The share of families the senior team hopes to see in each default region.
TARGETS = {"north-east": 45, "centre": 30, "north-west": 10, "south-east": 10, "south-west": 5}

ANSWERS = {
    "view_of_parents": "Mostly as partners, but in meetings about behaviour we still slip into "
    "telling rather than asking. We will open those meetings with what the parent sees at home.",
    "good_news": "About one contact in four is good news, and it clusters in the younger "
    "classes. Each class teacher will make two good-news calls a week.",
    "way_in": "Parents' evenings only run 4–6pm. We will add a morning slot and offer phone or "
    "video appointments, and ask the link worker to meet some families at the community centre.",
    "one_person": "Twelve families had no key contact in September; all now have one. We will "
    "tell families by letter and by phone who their person is.",
    "listening": "Complaints are answered, but parents rarely hear what changed. We will add a "
    "'what we changed' line to every reply.",
    "not_reached": "Most families in the south-west have had only letters from us. We will try "
    "a home visit or a call at a time the parent chooses, with an interpreter where needed.",
    "next_steps": "Good-news calls (all staff), flexible meeting times (depute head), home "
    "visits for families not yet reached (link worker). Review at the February in-service day.",
}


def load() -> None:
    today = timezone.localdate()
    names = [name for name, _stage in demo_schools.SCHOOLS.values()]
    for school in School.objects.filter(name__in=names, authority__name=demo_schools.AUTHORITY):
        if SelfEvaluation.objects.filter(school=school).exists():
            continue
        head = (
            Membership.objects.active()
            .filter(school=school, role=Role.HEADTEACHER)
            .select_related("user")
            .first()
        )
        keys = [region.key for region in regions_for(school)]
        targets = {key: TARGETS.get(key, 0) for key in keys}
        if not keys or sum(targets.values()) != 100:
            continue  # a school with regions of its own sets its own target
        written_on = min(year_containing(today).start + datetime.timedelta(days=21), today)
        selfevaluation_record(
            school=school,
            recorded_by=head.user if head else None,
            target_year=written_on.year + 3,
            answers=ANSWERS,
            targets=targets,
            written_on=written_on,
        )
