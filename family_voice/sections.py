"""The family page's "Parents' links" block: each link, who it is for, what for, and whether it
still works, with a way to make one and to stop one."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from family_voice.models import ParentLink
from family_voice.services import may_stop


def has_parent_links():
    """Whether the family has any link here: carried by the family page's own row."""
    return Exists(ParentLink.objects.filter(school=OuterRef("school"), family=OuterRef("family")))


def family_section(request, school_family) -> dict:
    links = []
    if getattr(school_family, "has_parent_links", True):
        links = list(ParentLink.objects.for_family(request.school, school_family.family_id))
    for link in links:
        link.may_stop = link.state() != "revoked" and may_stop(request.user, link)
    return {"links": links, "family_id": school_family.family_id}
