"""A parent's own compass: how they say things are between them and the school, in three short
answers matching the compass's three levers, kept apart from the staff's placements.

The answers use the placements' steps (1–4, higher is better): communication (how easy it is
to talk with the school), opportunities for access (reaching staff at a time and place that
suit) and attitudes towards parents (whether the school listens and values what they say).
Each answer is a new row, so the history of their views shows. Staff read the latest of each
parent's beside the latest staff placement, and the school dashboard reads where they differ
most, in the database, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Abs
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from compass.models import Lever, Placement
from families.models import ParentCarer
from family_voice.models import ParentCompass, ParentLink
from portal.lib import records
from portal.models import School

LEVERS = ("communication", "access", "attitude")
# An answer sent twice (a page sent again) is kept once.
SAME_ANSWER_WITHIN = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class Question:
    field: str  # the lever, as the field of ParentCompass and Placement
    ask: Promise
    answers: tuple[Promise, Promise, Promise, Promise]  # steps 1 to 4: higher is better

    @property
    def lever_label(self) -> str:
        return str(Lever(self.field).label)

    def answer(self, step: int | None) -> str:
        return str(self.answers[step - 1]) if step in (1, 2, 3, 4) else ""


QUESTIONS = (
    Question(
        "communication",
        _("How easy is it to talk to the school?"),
        (_("Very hard"), _("Quite hard"), _("Quite easy"), _("Very easy")),
    ),
    Question(
        "access",
        _("Can you see school staff when you need to, at a time that suits you?"),
        (_("Hardly ever"), _("Not often"), _("Most of the time"), _("Yes, always")),
    ),
    Question(
        "attitude",
        _("Do you feel the school listens to you and values what you say?"),
        (_("Not at all"), _("A little"), _("Mostly"), _("Yes, very much")),
    ),
)


@transaction.atomic
def parent_compass_give(
    *, link: ParentLink, communication: int, access: int, attitude: int, words: str = ""
) -> ParentCompass:
    """The parent's answers through their link, kept as a new row (their history of views);
    the same answers sent again within minutes are kept once."""
    ParentCarer.objects.select_for_update().filter(pk=link.parent_id).first()
    words = " ".join(words.split())
    now = timezone.now()
    last = latest_for(school=link.school, parent=link.parent)
    if (
        last is not None
        and (last.communication, last.access, last.attitude, last.words)
        == (communication, access, attitude, words)
        and now - last.given_at < SAME_ANSWER_WITHIN
    ):
        return last
    answer = ParentCompass(
        school=link.school,
        family_id=link.family_id,
        parent=link.parent,
        link=link,
        communication=communication,
        access=access,
        attitude=attitude,
        words=words,
        given_at=now,
    )
    answer.full_clean()
    records.history_by(answer, None)  # the parent, through their link
    answer.save()
    return answer


def latest_for(*, school: School, parent: ParentCarer) -> ParentCompass | None:
    return (
        ParentCompass.objects.filter(school=school, parent=parent)
        .order_by("-given_at", "-pk")
        .first()
    )


def _latest_of_each_parent():
    """For a ParentCompass query: only each parent's latest answer at its school."""
    latest = (
        ParentCompass.objects.filter(school=OuterRef("school"), parent=OuterRef("parent"))
        .order_by("-given_at", "-pk")
        .values("pk")[:1]
    )
    return Subquery(latest)


def latest_of_each_parent(school: School, family_id: int) -> list[ParentCompass]:
    """Each parent's latest answers in this family, with the parent (one query)."""
    return list(
        ParentCompass.objects.filter(school=school, family_id=family_id)
        .filter(pk=_latest_of_each_parent())
        .select_related("parent")
        .order_by("parent__first_name", "parent_id")
    )


def has_answers():
    """Whether any parent of the family has answered here: carried by the family page's row."""
    return Exists(
        ParentCompass.objects.filter(school=OuterRef("school"), family=OuterRef("family"))
    )


def _gaps(school: School, family_ids):
    """Each parent's latest answers (of the families given) that have a staff view to set them
    beside: the family's latest placement as a whole (not withdrawn), with the gap on each lever
    (parent minus staff) and the size of all three (`spread`)."""
    staff = (
        Placement.objects.whole_family()
        .filter(school=OuterRef("school"), family=OuterRef("family"))
        .order_by("-placed_at", "-pk")
    )
    rows = (
        ParentCompass.objects.filter(school=school, family_id__in=family_ids)
        .filter(pk=_latest_of_each_parent())
        .annotate(**{f"staff_{lever}": Subquery(staff.values(lever)[:1]) for lever in LEVERS})
        .filter(Q(staff_communication__isnull=False))
        .annotate(
            **{
                f"gap_{lever}": ExpressionWrapper(
                    F(lever) - F(f"staff_{lever}"), output_field=IntegerField()
                )
                for lever in LEVERS
            }
        )
    )
    return rows.annotate(
        spread=ExpressionWrapper(
            Abs(F("gap_communication")) + Abs(F("gap_access")) + Abs(F("gap_attitude")),
            output_field=IntegerField(),
        )
    )


@dataclass
class Figures:
    families: int  # families with a parent's answers and a staff placement
    answers: int  # parents' latest answers counted
    averages: dict[str, float | None]  # by lever: parent minus staff, on average
    largest: list[dict]  # families with the largest gaps, largest first


def where_views_differ(school: School, family_ids, *, limit: int = 5) -> Figures:
    """Per lever, how far parents' latest answers sit from the school's latest placement of
    their family, on average; and the families where they differ most. Two queries, however
    many families or answers."""
    rows = _gaps(school, family_ids)
    totals = rows.aggregate(
        families=Count("family_id", distinct=True),
        answers=Count("pk"),
        **{lever: Avg(f"gap_{lever}", output_field=FloatField()) for lever in LEVERS},
    )
    largest: list[dict] = []
    if totals["families"]:
        seen: set[int] = set()
        # A family with several parents answering is listed once, at its largest gap.
        for row in (
            rows.filter(spread__gt=0)
            .order_by("-spread", "family_id", "pk")
            .values("family_id", "family__name", "spread", *(f"gap_{lever}" for lever in LEVERS))[
                : limit * 4
            ]
        ):
            if row["family_id"] in seen:
                continue
            seen.add(row["family_id"])
            largest.append(row)
            if len(largest) == limit:
                break
    return Figures(
        families=totals["families"],
        answers=totals["answers"],
        averages={
            lever: None if totals[lever] is None else round(totals[lever], 1) for lever in LEVERS
        },
        largest=largest,
    )
