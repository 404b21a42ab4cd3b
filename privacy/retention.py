"""What is past retention at a school: which families, and how many records of each kind.

"Past retention" for a family at a school (see privacy.models for the two periods):
- it has at least one child recorded at the school, and every one of them has left;
- its *routine* records are due when the last of them left `routine_years` ago or more;
- everything else the school holds about it (child-protection records, the children, the
  family-at-school row, and the family itself once no school holds it) is due when the routine
  records are and, if it has any child-protection records, the youngest child is
  `protection_years` old or more;
- a family with an active legal hold (at any school) is never due: it is listed as held.

Records are read through each model's base manager, so a default manager that hides some rows
(e.g. withdrawn ones) never hides them from erasure.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q, Value

from families.models import SchoolFamily
from portal import family_records
from portal.family_records import Erasure as Kind
from portal.models import School
from privacy.models import ErasureLog, LegalHold, RetentionPolicy

Stage = ErasureLog.Stage


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same date `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def kinds() -> list[Kind]:
    """Every kind of record the review counts and an erasure removes, in erasure order, as
    the apps that keep them registered them (portal.family_records)."""
    return family_records.erasures()


def _protected(school) -> Exists | None:
    """Whether a family (OuterRef "family") has child-protection records at `school`."""
    found = None
    for kind in kinds():
        if kind.stage == Stage.PROTECTION:
            rows = kind.records(school).filter(**{kind.family_field: OuterRef("family")})
            found = Exists(rows) if found is None else found | Exists(rows)
    return found


@dataclass
class DueFamily:
    family_id: int
    name: str
    last_left_on: datetime.date
    stage: str  # Stage.ROUTINE (routine records only) or Stage.FAMILY (everything)
    held: bool


@dataclass
class SchoolReview:
    school: School
    policy: RetentionPolicy
    as_of: datetime.date
    families: list[DueFamily] = field(default_factory=list)
    counts: list[tuple[Kind, int]] = field(default_factory=list)

    def ids(self, *stages: str) -> list[int]:
        return [f.family_id for f in self.families if not f.held and f.stage in stages]

    @property
    def routine_ids(self) -> list[int]:
        return self.ids(Stage.ROUTINE, Stage.FAMILY)

    @property
    def full_ids(self) -> list[int]:
        return self.ids(Stage.FAMILY)

    @property
    def held(self) -> list[DueFamily]:
        return [f for f in self.families if f.held]

    @property
    def total(self) -> int:
        return sum(n for _kind, n in self.counts)

    @property
    def fingerprint(self) -> str:
        """Short digest of the day and of what is due for whom: an erasure confirmed on the
        retention page goes ahead only if the list is still the one the headteacher read."""
        due = ",".join(f"{f.family_id}:{f.stage}" for f in self.families if not f.held)
        return hashlib.sha256(f"{self.as_of}|{due}".encode()).hexdigest()[:20]


def ids_for(review: SchoolReview, kind: Kind) -> list[int]:
    return review.routine_ids if kind.stage == Stage.ROUTINE else review.full_ids


def school_review(
    school: School, *, as_of: datetime.date, with_counts: bool = True
) -> SchoolReview:
    """The families of `school` past retention on `as_of`, and how many records of each kind
    an erasure would remove (one aggregate query, plus one count per kind)."""
    policy = RetentionPolicy.for_school(school)
    routine_cutoff = years_before(as_of, policy.routine_years)
    protection_cutoff = years_before(as_of, policy.protection_years)
    pupils = Q(family__children__school=school)
    protected = _protected(school)
    rows = (
        SchoolFamily._base_manager.filter(school=school)
        .annotate(
            pupils=Count("family__children", filter=pupils),
            still_here=Count(
                "family__children", filter=pupils & Q(family__children__left_on__isnull=True)
            ),
            last_left_on=Max("family__children__left_on", filter=pupils),
            youngest_born=Max("family__children__date_of_birth", filter=pupils),
            # A pupil with no date of birth yet (see families.Child) keeps protection records.
            undated=Count(
                "family__children", filter=pupils & Q(family__children__date_of_birth__isnull=True)
            ),
        )
        .filter(pupils__gt=0, still_here=0, last_left_on__lte=routine_cutoff)
        .annotate(
            held=Exists(LegalHold.objects.active().filter(family=OuterRef("family"))),
            protected=protected if protected is not None else Value(False),
        )
        .values(
            "family_id",
            "family__name",
            "last_left_on",
            "youngest_born",
            "undated",
            "held",
            "protected",
        )
        .order_by("last_left_on", "family_id")
    )
    review = SchoolReview(school=school, policy=policy, as_of=as_of)
    for row in rows:
        everything = not row["protected"] or (
            not row["undated"] and row["youngest_born"] <= protection_cutoff
        )
        review.families.append(
            DueFamily(
                family_id=row["family_id"],
                name=row["family__name"],
                last_left_on=row["last_left_on"],
                stage=Stage.FAMILY if everything else Stage.ROUTINE,
                held=row["held"],
            )
        )
    if with_counts:
        review.counts = [(kind, _count(review, kind)) for kind in kinds()]
    return review


def _count(review: SchoolReview, kind: Kind) -> int:
    ids = ids_for(review, kind)
    return kind.of(review.school, ids).count() if ids else 0
