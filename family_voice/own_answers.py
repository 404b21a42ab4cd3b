"""What staff see of what parents told the school about themselves through their links, as
blocks of other pages: on the family page, changes to a parent's details waiting beside what the
school holds, and how each parent sees things beside the school's latest placement; on the key
contact's home page, the families with changes waiting; on the school dashboard, where parents
see it differently. Each reads a fixed number of queries, only of what the user may see (the
family page and the dashboard have checked who is asking)."""

from __future__ import annotations

from django.urls import reverse

from compass.models import LeverStep
from compass.timeline import SECTION_LIMIT, family_placements
from dashboards.authority import HIDDEN, SUPPRESS_BELOW
from families.labels import family_labels
from families.models import SchoolFamily
from family_voice import parent_compass, preferences
from family_voice.forms_preferences import DeclineForm
from family_voice.models import PreferenceChange
from portal import access
from portal.lib.words import staff_name

DASHBOARD = "portal.view_school_dashboard"
PANEL_LIMIT = 8


def family_url(family_id: int, anchor: str = "") -> str:
    return reverse("families:family-detail", args=[family_id]) + (f"#{anchor}" if anchor else "")


def may_edit_parents(request, school_family) -> bool:
    """Exactly who may edit a parent's preferences on the family page (families.views.family
    parent_preferences): the key contact, pastoral staff and headteachers."""
    return access.may_edit_record(
        request.user, request.school, author_id=school_family.key_contact_id
    )


def decline_form(change: PreferenceChange, data=None) -> DeclineForm:
    """The "not now" form of one change (its own ids: several show on the family page)."""
    return DeclineForm(data, auto_id=f"id_decline{change.pk}_%s")


def preferences_section(request, school_family) -> dict | None:
    """The family page's "Changes parents have asked for": only while one waits. Those who may
    edit the parents see each change beside what is held, to accept or not; others are told
    who will check it."""
    if not getattr(school_family, "has_waiting_preferences", True):
        return None
    changes = preferences.waiting_for_family(request.school, school_family.family_id)
    if not changes:
        return None
    may_decide = may_edit_parents(request, school_family)
    return {
        "changes": [
            {
                "change": change,
                "rows": preferences.side_by_side(change) if may_decide else [],
                "decline_form": decline_form(change) if may_decide else None,
            }
            for change in changes
        ],
        "may_decide": may_decide,
        "family_id": school_family.family_id,
    }


def preferences_panel(request) -> dict | None:
    """Home page: the key contact's families where a parent has asked to change their details."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        return None
    rows = preferences.waiting_for_key_contact(request.user, school, PANEL_LIMIT)
    if not rows:
        return None
    shown = rows[:PANEL_LIMIT]
    for row in shown:
        row["url"] = family_url(row["family_id"], "preference-changes")
    return {"families": shown, "total": sum(r["n"] for r in shown), "more": len(rows) > len(shown)}


# A parent's own compass beside the school's.

ROW, TOP, LEFT, WIDTH = 34, 14, 100, 180  # the small drawing: one line per lever, steps 1 to 4
SHORT = {"communication": "Communication", "access": "Access", "attitude": "Attitudes"}


def _x(step: int) -> int:
    return LEFT + (step - 1) * WIDTH // 3


def _gap_words(gap: int) -> str:
    if gap == 0:
        return "The same"
    steps = f"{abs(gap)} step{'s' if abs(gap) > 1 else ''}"
    return f"{steps} {'higher' if gap > 0 else 'lower'} than ours"


def _placement_for(placements, parent_id: int):
    """The staff view to set beside one parent's: the latest placement about them, else the
    latest about the family as a whole (placements are newest first, parents read)."""
    own = next((p for p in placements if any(x.pk == parent_id for x in p.parents.all())), None)
    return own or next((p for p in placements if p.is_whole_family), None)


def compass_section(request, school_family) -> dict:
    """The family page's "How we see it / how you see it": each parent's latest answers beside
    the school's latest placement. The placements are the compass block's own rows, already
    read and blanked for this user (compass.timeline.family_placements): steps show to all who
    work with the family, as on the compass."""
    context = {"family_id": school_family.family_id, "views": []}
    if not getattr(school_family, "has_parent_compass", True):
        return context
    answers = parent_compass.latest_of_each_parent(request.school, school_family.family_id)
    if not answers:
        return context
    placements = family_placements(request, school_family, SECTION_LIMIT)
    steps = LeverStep.objects.for_school(request.school)
    for answer in answers:
        placement = _placement_for(placements, answer.parent_id)
        levers = []
        for index, question in enumerate(parent_compass.QUESTIONS):
            theirs = getattr(answer, question.field)
            ours = getattr(placement, question.field) if placement else None
            y = TOP + index * ROW
            levers.append(
                {
                    "label": question.lever_label,
                    "short": SHORT[question.field],
                    "question": question.ask,
                    "theirs": theirs,
                    "their_words": question.answer(theirs),
                    "ours": ours,
                    "our_words": steps.get((question.field, ours), "") if ours else "",
                    "gap": None if ours is None else theirs - ours,
                    "gap_words": "" if ours is None else _gap_words(theirs - ours),
                    "y": y,
                    "their_x": _x(theirs),
                    "our_x": _x(ours) if ours else None,
                }
            )
        context["views"].append(
            {
                "parent": answer.parent,
                "answer": answer,
                "placement": placement,
                "about_parent": placement is not None and not placement.is_whole_family,
                "placed_by": staff_name(placement.placed_by) if placement else "",
                "levers": levers,
            }
        )
    context["drawing"] = {
        "width": LEFT + WIDTH + 20,
        "height": TOP + 3 * ROW,
        "ticks": [(step, _x(step)) for step in (1, 2, 3, 4)],
    }
    return context


def compass_dashboard_panel(request) -> dict | None:
    """The school dashboard's "Where parents see it differently", drawn in its own request
    once the dashboard is shown (it costs the dashboard itself no query; see
    views.staff_answers.views_differ and compass_dashboard_figures)."""
    school = request.school
    if school is None or not request.user.has_perm(DASHBOARD, school):
        return None
    return {"lazy": True, "url": reverse("family_voice:views-differ")}


def compass_dashboard_figures(request) -> dict | None:
    """Per lever, how many families answered and the average gap (parent minus school, the
    latest of each); and the families with the largest gaps. Only families this user sees;
    small numbers hidden."""
    school = request.school
    if school is None or not request.user.has_perm(DASHBOARD, school):
        return None
    families = SchoolFamily.objects.visible_to(request.user, school).on_roll().values("family_id")
    figures = parent_compass.where_views_differ(school, families)
    small = 0 < figures.families < SUPPRESS_BELOW
    levers = [
        {
            "label": question.lever_label,
            "families": None if small else figures.families,
            "average": None if small else figures.averages[question.field],
        }
        for question in parent_compass.QUESTIONS
    ]
    largest = [] if small else figures.largest
    labels = family_labels(school, [row["family_id"] for row in largest]) if largest else {}
    for row in largest:
        row["label"] = labels.get(row["family_id"], row["family__name"])
        row["url"] = family_url(row["family_id"], "parent-compass")
    return {
        "families": figures.families,
        "small": small,
        "hidden": HIDDEN,
        "below": SUPPRESS_BELOW,
        "levers": levers,
        "largest": largest,
    }
