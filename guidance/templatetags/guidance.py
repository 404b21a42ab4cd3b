from django import template
from django.db.models import Sum

from guidance.help import FORM_GUIDANCE
from guidance.models import HintTally
from portal.lib.terms import calendar_for

register = template.Library()


@register.simple_tag
def hint_terms(school) -> list[dict]:
    """Hints shown and taken at `school` per term, newest first: one query, no one named."""
    rows = (
        HintTally.objects.filter(school=school)
        .values("term_start")
        .annotate(shown=Sum("shown"), taken=Sum("taken"))
        .order_by("-term_start")
    )
    calendar = calendar_for(school)
    return [
        {
            "label": calendar.term(row["term_start"]).label,
            "shown": row["shown"],
            "taken": row["taken"],
            "percent": round(100 * row["taken"] / row["shown"]) if row["shown"] else 0,
        }
        for row in rows
    ]


@register.inclusion_tag("guidance/form_guidance.html")
def form_guidance(key: str) -> dict:
    """Short guidance above a form; the form names it with aria-describedby="guidance-<key>"."""
    title, points = FORM_GUIDANCE[key]
    return {"key": key, "title": title, "points": points}
