"""Where concerns cluster: by subject or department, by member of staff, by time of day.

A concern is a contact with the concern tone. Each count is worked out in the database, in one
grouped query whatever the number of contacts; the three tables are its margins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.safestring import SafeString

from families.models import Contact, Tone
from families.school_day import SchoolDayTime
from portal.compiled import SCHOOL, USER, Compiled
from portal.lib.markup import escaped, joined, shown


@dataclass
class Clusters:
    """Concern counts by subject, time of day and member of staff, largest first (times of
    day in the order of the day); `unrecorded_*` count concerns with no subject or time."""

    total: int = 0
    by_subject: list[tuple[str, int]] = field(default_factory=list)
    by_lesson: list[tuple[str, int]] = field(default_factory=list)
    by_staff: list[tuple[str, int]] = field(default_factory=list)
    unrecorded_subject: int = 0
    unrecorded_lesson: int = 0

    def __bool__(self) -> bool:
        return self.total > 0


def _largest_first(pairs) -> list[tuple[str, int]]:
    return sorted(pairs, key=lambda item: (-item[1], item[0].casefold()))


def _concern_rows(contacts):
    return (
        contacts.filter(tone=Tone.CONCERN)
        .order_by()
        .values(
            "subject",
            "lesson",
            "staff_id",
            "staff__first_name",
            "staff__last_name",
            "staff__username",
        )
        .annotate(n=Count("pk"))
    )


def concern_clusters(contacts, *, staff_only: int | None = None) -> Clusters:
    """The concerns among `contacts` (a Contact queryset), counted three ways in one query;
    with `staff_only` (a user id), the table by member of staff keeps only that person."""
    return _clusters(_concern_rows(contacts), staff_only)


def _clusters(rows, staff_only: int | None = None) -> Clusters:
    subjects: dict[str, int] = {}
    lessons: dict[str, int] = {}
    staff: dict[int, list] = {}
    found = Clusters()
    for row in rows:
        n = row["n"]
        found.total += n
        if row["subject"]:
            subjects[row["subject"]] = subjects.get(row["subject"], 0) + n
        else:
            found.unrecorded_subject += n
        if row["lesson"]:
            lessons[row["lesson"]] = lessons.get(row["lesson"], 0) + n
        else:
            found.unrecorded_lesson += n
        name = f"{row['staff__first_name']} {row['staff__last_name']}".strip()
        if staff_only is None or row["staff_id"] == staff_only:
            staff.setdefault(row["staff_id"], [name or row["staff__username"], 0])[1] += n
    found.by_subject = _largest_first(subjects.items())
    labels = dict(SchoolDayTime.choices)
    found.by_lesson = [
        (labels[key], lessons[key]) for key in SchoolDayTime.values if key in lessons
    ]
    found.by_staff = _largest_first((name, n) for name, n in staff.values())
    return found


def family_section(request, school_family) -> dict | None:
    """The family page's "Where concerns arose": only concerns this user may read; hidden while
    the family has none."""
    if not school_family.concern_count:  # none at all (the summary row): no query needed
        return None
    clusters = _clusters(
        _family_concerns(
            user=request.user, school=request.school, family_id=school_family.family_id
        )
    )
    return {"clusters": clusters, "html": drawn(clusters)} if clusters else None


# The section as families/includes/concern_patterns.html drew it with the template language's
# loops (a third of a millisecond of the family page): its test,
# tests/families/test_concern_patterns_drawing.py, compares the two.
_SECTION = (
    '<section id="concern-patterns" class="mb-4" aria-labelledby="concern-patterns-heading">\n'
    '<h2 class="h5" id="concern-patterns-heading">Where concerns arose</h2>\n'
    '<p class="small text-body-secondary">{total} contact{s} logged as a concern that you can '
    "see, counted by subject, by time of day and by who logged {them}. A concern that keeps "
    "arising in one lesson is worth talking through with that teacher and with the family."
    "</p>\n"
    '<div class="row g-3">\n{subjects}\n{lessons}\n{staff}\n</div>\n</section>\n'
)
_TABLE = (
    '<div class="col-md-4">\n<table class="table table-sm" data-testid="concerns-by-{key}">\n'
    '<caption class="caption-top">{caption}</caption>\n'
    '<thead><tr><th scope="col">{heading}</th><th scope="col" class="text-end">Concerns</th>'
    "</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n{after}</div>"
)


def _table(key, caption, heading, pairs, *, empty="", unrecorded=0, missing="") -> str:
    rows = "".join(
        f'<tr><td>{escaped(name)}</td><td class="text-end">{shown(n)}</td></tr>'
        for name, n in pairs
    )
    if not pairs and empty:
        rows = f'<tr><td colspan="2">{empty}</td></tr>'
    after = (
        f'<p class="small text-body-secondary">And {shown(unrecorded)} with no {missing} '
        "recorded.</p>\n"
        if pairs and unrecorded
        else ""
    )
    return _TABLE.format(key=key, caption=caption, heading=heading, rows=rows, after=after)


def drawn(clusters: Clusters) -> SafeString:
    """The family page's "Where concerns arose", drawn."""
    one = clusters.total == 1
    # Safe as the template was: every name and number is escaped; the rest is our own words.
    return joined(
        [
            _SECTION.format(
                total=shown(clusters.total),
                s="" if one else "s",
                them="it" if one else "them",
                subjects=_table(
                    "subject",
                    "Concerns by subject",
                    "Subject or department",
                    clusters.by_subject,
                    empty="No subject recorded yet.",
                    unrecorded=clusters.unrecorded_subject,
                    missing="subject",
                ),
                lessons=_table(
                    "lesson",
                    "Concerns by time of day",
                    "Lesson or time",
                    clusters.by_lesson,
                    empty="No time of day recorded yet.",
                    unrecorded=clusters.unrecorded_lesson,
                    missing="time",
                ),
                staff=_table(
                    "staff", "Concerns by member of staff", "Logged by", clusters.by_staff
                ),
            )
        ]
    )


# The family page's concern counts, built once per process and shape (portal.compiled).
_family_concerns = Compiled(
    lambda user, school, family_id: _concern_rows(
        Contact.objects.readable_by(user, school).filter(family_id=family_id)
    ),
    user=USER,
    school=SCHOOL,
    family_id=int,
)
