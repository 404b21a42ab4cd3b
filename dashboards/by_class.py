"""The dashboard by class: where each class's families sit on the compass, with small numbers
hidden as on the authority's figures, and the balance of contacts with them; and a class
teacher's own class's balance. A fixed number of queries, however many classes or families."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone

from dashboards.authority import HIDDEN, suppress_table
from dashboards.figures import NOT_PLACED, balance_counts, region_rows
from families.models import Contact
from portal.models import ClassGroup, School

TONES = ("positive", "neutral", "concern")


@dataclass
class ClassRow:
    label: str
    year_group: str
    regions: list = field(default_factory=list)  # shown counts, None where hidden
    families: int | None = 0
    positive: int = 0
    neutral: int = 0
    concern: int = 0

    @property
    def contacts(self) -> int:
        return self.positive + self.neutral + self.concern


def _pupils_of(prefix: str, school: School) -> Q:
    """Current pupils of `school` in a class, through `prefix` (the path to the family's
    children): a child recorded before they start counts in no class until they start."""
    today = timezone.localdate()
    return Q(
        **{
            f"{prefix}__school": school,
            f"{prefix}__left_on__isnull": True,
            f"{prefix}__class_group__isnull": False,
        }
    ) & (Q(**{f"{prefix}__starts_on__isnull": True}) | Q(**{f"{prefix}__starts_on__lte": today}))


def by_class(school: School, regions, families, contacts, classes=None) -> dict:
    """Region counts (suppressed) and the contact balance of each class of the school.

    A family counts once in each class one of its children is in; a contact counts once for
    each class of the family it was with. `contacts` are already narrowed to the period;
    `classes`, the school's classes by year group and name, if already read."""
    if classes is None:
        classes = list(
            ClassGroup.objects.filter(school=school)
            .order_by("year_group", "name")
            .fetch_mode(models.FETCH_RAISE)
        )
    placed = (
        families.filter(_pupils_of("family__children", school))
        .values(group=F("family__children__class_group"), region=F("current_region"))
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for row in placed:
        counts.setdefault(row["group"], {})[row["region"] or NOT_PLACED] = row["n"]
    balance = {
        row["group"]: row
        for row in contacts.filter(_pupils_of("family__children", school))
        .values(group=F("family__children__class_group"))
        .annotate(**balance_counts())
        .order_by()
    }
    columns = region_rows(regions, {})  # the regions in compass order, then "not placed"
    keys = [column.key for column in columns]
    matrix = [[counts.get(c.pk, {}).get(k, 0) for k in keys] for c in classes]
    matrix = [[*row, sum(row)] for row in matrix]
    if matrix:
        matrix.append([sum(col) for col in zip(*matrix, strict=True)])
    shown = suppress_table(matrix)
    rows = []
    for group, cells in zip(classes, shown, strict=False):
        tones = balance.get(group.pk, {})
        rows.append(
            ClassRow(
                group.name,
                group.year_group,
                regions=cells[:-1],
                families=cells[-1],
                **{tone: tones.get(tone, 0) for tone in TONES},
            )
        )
    return {
        "columns": columns,
        "rows": rows,
        "total": shown[-1] if shown else [],
        "hidden": HIDDEN,
    }


def my_class_balance(user, school: School, period) -> list[dict]:
    """The balance of contacts this period with the families of each class this member of
    staff teaches or supports, by anyone at the school, counting only contacts they may read
    (a confidential contact never shows, not even as a number)."""
    classes = list(
        ClassGroup.objects.filter(school=school, staff=user)
        .order_by("year_group", "name")
        .values_list("pk", "name")
    )
    if not classes:
        return []
    rows = (
        Contact.objects.readable_by(user, school)
        .filter(
            _pupils_of("family__children", school),
            occurred_at__gte=period.starts_at,
            occurred_at__lt=period.ends_at,
            family__children__class_group__staff=user,
        )
        .values(group=F("family__children__class_group"))
        .annotate(**balance_counts())
        .order_by()
    )
    counted = {row["group"]: row for row in rows}
    empty = dict.fromkeys(balance_counts(), 0)
    return [{**empty, **counted.get(pk, {}), "label": name} for pk, name in classes]
