"""{% letterhead_hint school %}: tells staff, beside the printouts, what the school's letterhead
lacks, with a link to where it is set for those who may set it (portal/lib/letterhead.py)."""

from django import template
from django.urls import reverse

from portal import access

register = template.Library()


@register.inclusion_tag("includes/letterhead_hint.html", takes_context=True)
def letterhead_hint(context, school):
    missing = school.letterhead_missing
    url = ""
    request = context.get("request")
    if missing and request is not None and access.may_set_letterhead(request.user, school):
        url = reverse("admin:portal_school_change", args=[school.pk])
    return {"missing": missing, "url": url}
