"""How a family and a child are named wherever they are listed or chosen.

Two households can read alike ("Mia Stewart's family" twice), so a family is always named with
its children at the school: their class (or year), the name of a brother or sister not already
in the family's name, and "starting on …" for a child who has not started yet. One function,
used by the family list, the choosers, the dashboard's lists and the complaint form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Prefetch
from django.utils import dateformat

from families.models import Child

LABEL_CHILDREN = "label_children"


def child_label(child: Child) -> str:
    """A child as a chooser names them: "Mia Stewart (P4B)", "Leo Grant (P1A, starting on …)"."""
    details = [child.class_group.name if child.class_group_id else child.year_group]
    details.append(child.starting_label)
    details = [d for d in details if d]
    return f"{child.full_name} ({', '.join(details)})" if details else child.full_name


def _named_in(child: Child, family_name: str) -> bool:
    return bool(re.search(rf"\b{re.escape(child.first_name)}\b", family_name, re.IGNORECASE))


def _child_part(child: Child, family_name: str) -> str:
    group = child.class_group.name if child.class_group_id else child.year_group
    named = _named_in(child, family_name)
    part = group if named else f"{child.first_name} in {group}" if group else child.first_name
    if child.is_starting:
        when = f"starting on {dateformat.format(child.starts_on, 'j M Y')}"
        part = f"{part}, {when}" if part else when
    return part


def family_label(family_name: str, children: Iterable[Child]) -> str:
    """ "Mia Stewart's family (P4B, Jack in P1A)": the family's name told apart by its children
    at the school (pass only those: current pupils and those still to start)."""
    # The child the family is named after comes first: "(P4B, Jack in P1A)".
    ordered = sorted(children, key=lambda child: not _named_in(child, family_name))
    parts = [p for p in (_child_part(c, family_name) for c in ordered) if p]
    return f"{family_name} ({', '.join(parts)})" if parts else family_name


def label_children(school, lookup: str = "children") -> Prefetch:
    """Prefetch the children a family's label names: `children` on a Family queryset,
    `family__children` on rows with a family (then `row.family.label` tells it apart)."""
    return Prefetch(lookup, children_for_labels(school), to_attr=LABEL_CHILDREN)


def children_for_labels(school):
    """The children a family's label names: not left, at this school, in a fixed order."""
    return (
        Child.objects.filter(school=school, left_on__isnull=True)
        .select_related("class_group")
        .order_by("first_name", "pk")
    )


def family_labels(school, family_ids: Iterable[int]) -> dict[int, str]:
    """{family id: label} for families already read without their children: one query."""
    # Always one query, even for no families, so a page's query count never depends on its rows.
    ids = set(family_ids) or {0}
    rows = children_for_labels(school).filter(family_id__in=ids).select_related("family")
    children: dict[int, list[Child]] = {}
    names: dict[int, str] = {}
    for child in rows:
        children.setdefault(child.family_id, []).append(child)
        names[child.family_id] = child.family.name
    return {pk: family_label(names[pk], kids) for pk, kids in children.items()}
