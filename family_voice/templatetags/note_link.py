"""{% note_link %}: on every parent page with a link's token, "Write to the school" (and, on a
link whose second check was passed on this phone, that the school has answered)."""

from __future__ import annotations

from django import template

from family_voice import services
from family_voice.models import HomeSchoolNote, ParentLink

register = template.Library()


@register.inclusion_tag("family_voice/note_link.html", takes_context=True)
def note_link(context) -> dict:
    from family_voice.views.parent import _checked  # the views import this app's templates

    token, request = context.get("token"), context.get("request")
    if not token or request is None or context.get("hide_note_link"):
        return {"show": False}
    link = context.get("link")
    if not isinstance(link, ParentLink):
        link = services.link_for_token(token)
    if link is None or link.state() != "open":
        return {"show": False}
    if not link.needs_check:
        return {"show": True, "token": token, "new_answer": False}
    if not _checked(request, link):
        # The second check's page: a note waits until it is answered.
        return {"show": False}
    new_answer = HomeSchoolNote.objects.filter(
        school_id=link.school_id,
        family_id=link.family_id,
        parent_id=link.parent_id,
        written_by=HomeSchoolNote.From.SCHOOL,
        read_at__isnull=True,
    ).exists()
    return {"show": True, "token": token, "new_answer": new_answer}
