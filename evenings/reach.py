"""Who an evening reached: the invited families with no live booking (with what may stand in
their way and their place on the compass), and booking and attendance by compass region and
communication level. Every read is a fixed number of queries, whatever the number of families:
flags are EXISTS subqueries and figures are grouped counts in the database."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When

from dashboards.authority import HIDDEN
from dashboards.figures import NOT_PLACED_LABEL, regions_for
from evenings.models import Booking, Evening, Invitation
from families.models import Child, Level, ParentCarer, SchoolFamily
from reaching_out.models import Message

TOPIC = "evening:{}"
NOT_REACHED = (Message.State.FAILED, Message.State.BOUNCED)

# What may stand in a family's way, as a filter: (key, words, which parents it picks out).
BARRIERS = [
    (
        "language",
        "Another language or an interpreter",
        Q(interpreter_needed=True) | (~Q(language__iexact="english") & ~Q(language="")),
    ),
    ("reading", "Prefers things spoken, or needs reading support", ~Q(reading="confident")),
    ("times", "Particular good times", ~Q(good_times="")),
    ("transport", "Transport or getting about", ~Q(transport_needs="") | ~Q(mobility_needs="")),
    ("work", "Work pattern", ~Q(work_pattern="")),
]
BARRIER_CHOICES = [(key, words) for key, words, _q in BARRIERS]
_BARRIER_Q = {key: q for key, _words, q in BARRIERS}
# Hardest to reach first: these add to a family's place in the list.
LEVEL_WEIGHT = {Level.INTENSIVE: 2, Level.ENHANCED: 1}


def barriers_of(parent: ParentCarer) -> list[str]:
    """What may stand in this parent's way, in plain words, from their recorded preferences."""
    words = []
    language = (parent.language or "").strip()
    if parent.interpreter_needed:
        words.append(f"Needs an interpreter ({language})" if language else "Needs an interpreter")
    elif language and language.lower() != "english":
        words.append(f"Speaks {language}")
    if parent.reading != ParentCarer.Reading.CONFIDENT:
        words.append(parent.get_reading_display())
    if parent.good_times:
        words.append(f"Good times: {parent.good_times}")
    if parent.transport_needs:
        words.append(f"Transport: {parent.transport_needs}")
    if parent.mobility_needs:
        words.append(f"Getting about: {parent.mobility_needs}")
    if parent.work_pattern:
        words.append(f"Work: {parent.work_pattern}")
    return words


def _invitations(evening: Evening):
    return Invitation.objects.filter(evening=evening, family=OuterRef("family"))


def _live(evening: Evening):
    return Booking.objects.filter(evening=evening, family=OuterRef("family"), cancelled_at=None)


def invited_families(evening: Evening):
    """The school's families with anyone invited to this evening."""
    return SchoolFamily.objects.filter(school_id=evening.school_id).filter(
        Exists(_invitations(evening))
    )


def not_booked(evening: Evening, families=None):
    """Invited families (of `families`, if given: those the user sees) with no live booking,
    flagged and scored so that those the school finds hardest to reach come first: links never
    opened, a message that did not reach them, language or reading, a closer communication
    level."""
    rows = invited_families(evening).filter(~Exists(_live(evening)))
    if families is not None:
        rows = rows.filter(pk__in=families.values("pk"))
    invited = _invitations(evening).filter(not_sent_because="")
    failed = Message.objects.filter(
        school_id=evening.school_id,
        family=OuterRef("family"),
        topic=TOPIC.format(evening.pk),
        state__in=NOT_REACHED,
    )
    words = invited.filter(
        Q(parent__interpreter_needed=True)
        | ~Q(parent__reading="confident")
        | (~Q(parent__language__iexact="english") & ~Q(parent__language=""))
    )

    def one_if(condition):
        return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())

    level = Case(
        *[When(current_level=key, then=Value(n)) for key, n in LEVEL_WEIGHT.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    return rows.annotate(
        opened=Exists(invited.filter(link__times_opened__gt=0)),
        failed=Exists(failed),
        words=Exists(words),
    ).annotate(
        hard=one_if(Q(opened=False)) * 2
        + one_if(Q(failed=True)) * 2
        + one_if(Q(words=True))
        + level
    )


def narrowed(rows, evening: Evening, *, group: str = "", barrier: str = "", region=None, user=None):
    """The not-booked rows narrowed by the list's filters: a class ("c<id>") or year group
    ("y<name>") of an invited child, a barrier of an invited adult, a compass region ("-" for
    not placed yet), or the user's own families as key contact."""
    if group[:1] == "c" and group[1:].isdigit():
        rows = rows.filter(
            Exists(
                Invitation.children.through.objects.filter(
                    invitation__evening=evening,
                    invitation__family=OuterRef("family"),
                    child__class_group_id=int(group[1:]),
                )
            )
        )
    elif group[:1] == "y" and group[1:]:
        rows = rows.filter(
            Exists(
                Invitation.children.through.objects.filter(
                    invitation__evening=evening, invitation__family=OuterRef("family")
                ).filter(
                    Q(child__year_group=group[1:]) | Q(child__class_group__year_group=group[1:])
                )
            )
        )
    if barrier in _BARRIER_Q:
        parents = ParentCarer.objects.filter(_BARRIER_Q[barrier])
        rows = rows.filter(
            Exists(
                _invitations(evening).filter(not_sent_because="", parent__in=parents.values("pk"))
            )
        )
    if region is not None:
        rows = rows.filter(current_region="" if region == "-" else region)
    if user is not None:
        rows = rows.filter(key_contact=user)
    return rows


def for_page(rows):
    """The list's order and what each row shows from its own row."""
    return rows.select_related("family", "key_contact").order_by("-hard", "family__name", "pk")


def invitations_for(evening: Evening, family_ids) -> dict[int, list[Invitation]]:
    """{family id: its invitations}, with each adult, their link, their children and whether a
    message about the evening failed to reach them: two queries for a whole page."""
    failed = Message.objects.filter(
        school_id=evening.school_id,
        parent=OuterRef("parent"),
        topic=TOPIC.format(evening.pk),
        state__in=NOT_REACHED,
    )
    rows = (
        Invitation.objects.filter(evening=evening, family_id__in=list(family_ids))
        .select_related("parent", "link")
        .prefetch_related(
            models.Prefetch(
                "children", Child.objects.select_related("class_group").order_by("first_name")
            )
        )
        .annotate(failed=Exists(failed))
        .order_by("parent__last_name", "parent__first_name", "pk")
    )
    found: dict[int, list[Invitation]] = {}
    for invitation in rows:
        invitation.barriers = barriers_of(invitation.parent)  # type: ignore[attr-defined]
        found.setdefault(invitation.family_id, []).append(invitation)
    return found


def region_labels(school) -> dict[str, str]:
    labels = {r.key: r.label for r in regions_for(school)}
    labels[""] = NOT_PLACED_LABEL
    return labels


# Figures ----------------------------------------------------------------------------------


@dataclass
class ReachRow:
    key: str
    label: str
    invited: int = 0
    booked: int = 0
    came: int = 0
    missed: int = 0
    # Each measure as shown: a count, or None where small numbers are hidden.
    shown: dict = field(default_factory=dict, init=False)

    def percent(self, measure: str) -> int | None:
        n, of = self.shown.get(measure), self.shown.get("invited")
        if n is None or not of:
            return None
        return round(100 * n / of)

    @property
    def cells(self) -> list[tuple[int | None, int | None]]:
        """Booked, came, did not come: each as shown, with its share of those invited."""
        return [(self.shown.get(m), self.percent(m)) for m in ("booked", "came", "missed")]


MEASURES = ("invited", "booked", "came", "missed")


def _counted(evening: Evening, by: str) -> dict[str, dict[str, int]]:
    """{group: {measure: families}} for one grouping column of SchoolFamily: one query."""
    attended = _live(evening).filter(outcome=Booking.Outcome.ATTENDED)
    missed = _live(evening).filter(outcome=Booking.Outcome.MISSED)
    rows = (
        invited_families(evening)
        .annotate(
            is_booked=Exists(_live(evening)),
            is_came=Exists(attended),
            is_missed=Exists(missed) & ~Exists(attended),
        )
        .values(group=F(by))
        .annotate(
            invited=Count("pk"),
            booked=Count("pk", filter=Q(is_booked=True)),
            came=Count("pk", filter=Q(is_came=True)),
            missed=Count("pk", filter=Q(is_missed=True)),
        )
        .order_by()
    )
    return {row["group"]: {m: row[m] for m in MEASURES} for row in rows}


def _table(keys: list[tuple[str, str]], counted: dict[str, dict[str, int]]) -> list[ReachRow]:
    """Rows in the given order (then any group not in it), a total last. Counts are shown as
    they are: these are the school's own families, which those who run the evening see by name
    on the list (small numbers are hidden only where figures leave the school)."""
    known = {k for k, _label in keys}
    keys = keys + [(k, k) for k in sorted(counted) if k not in known]
    # A group no invited family is in has nothing to say (and hiding its zeros says nothing).
    rows = [ReachRow(k, label, **counted[k]) for k, label in keys if k in counted]
    total = ReachRow("", "All invited families")
    for m in MEASURES:
        setattr(total, m, sum(getattr(r, m) for r in rows))
    rows.append(total)
    for row in rows:
        for m in MEASURES:
            row.shown[m] = getattr(row, m)
    return rows


def reach_figures(evening: Evening) -> dict:
    """Booking and attendance of the invited families, by compass region and by communication
    level, with a sentence or two saying whom the evening reached least: three queries."""
    labels = region_labels(evening.school)
    regions = [(k, v) for k, v in labels.items() if k] + [("", NOT_PLACED_LABEL)]
    by_region = _table(regions, _counted(evening, "current_region"))
    by_level = _table(list(Level.choices), _counted(evening, "current_level"))
    return {
        "by_region": by_region,
        "by_level": by_level,
        "total": by_level[-1],
        "headline": headline(by_region, by_level),
        "hidden": HIDDEN,
    }


def reach_counts(evening: Evening, by: str = "current_level") -> dict[str, dict[str, int]]:
    """The raw counts behind the figures (for the CSV and for tests), one query."""
    return _counted(evening, by)


def _least(rows: list[ReachRow]) -> ReachRow | None:
    groups = [r for r in rows[:-1] if r.invited]
    shares = {r.booked / r.invited for r in groups}
    if len(shares) < 2:  # one group, or all alike: none booked least
        return None
    return min(groups, key=lambda r: (r.booked / r.invited, -r.invited))


def headline(by_region: list[ReachRow], by_level: list[ReachRow]) -> list[str]:
    """Plain sentences: how many booked, and which level and region booked least."""
    total = by_level[-1]
    if not total.invited:
        return ["No families have been invited yet."]
    said = []
    if total.shown["booked"] is not None and total.shown["invited"] is not None:
        said.append(
            f"{total.booked} of {total.invited} invited families booked "
            f"({round(100 * total.booked / total.invited)}%)."
        )
    for rows, kind in ((by_level, "at the “{}” level"), (by_region, "in “{}”")):
        least = _least(rows)
        if least is None:
            continue
        where = kind.format(least.label)
        if least.shown["booked"] is not None and least.shown["invited"] is not None:
            said.append(f"Families {where} booked least: {least.booked} of {least.invited}.")
        else:
            said.append(f"Families {where} booked least (the numbers are {HIDDEN}).")
    return said


def latest_evening(school, today) -> Evening | None:
    """The latest evening that has begun (past, or on today), for the dashboard."""
    return (
        Evening.objects.for_school(school)
        .filter(first_day__lte=today)
        .order_by("-first_day", "-pk")
        .first()
    )
