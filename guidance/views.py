"""The while-typing hint: htmx posts the form, and gets back the small hint beside the field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from guidance.hints import FIELD_NAME, matcher_for, not_yet_counted
from guidance.services import hints_shown
from portal import access
from portal.http import SchoolRequest


@require_POST
def hint_check(request: SchoolRequest):
    """Phrases to reconsider in one field, with suggestions. Staff who write about families only;
    no object is involved, so there is nothing of another school's to hide (403, not 404)."""
    if request.school is None or not access.works_with_families(request.user, request.school):
        raise PermissionDenied
    field = request.POST.get("hint_field", "")
    if not FIELD_NAME.match(field):
        return HttpResponseBadRequest("Which field to check is missing.")
    matcher = matcher_for(request)
    found = matcher.find(request.POST.get(field, ""))
    # Hints already shown in this form stay listed (as hidden inputs) so that the save can
    # tell a hint taken from one never shown; each is counted as shown once, and once per
    # session in a while whatever the form claims (repeated checks inflate no tally).
    before = {
        value.strip().lower() for value in request.POST.getlist(f"hinted-{field}")
    } & matcher.known()
    new = [item.phrase for item in found if item.phrase.lower() not in before]
    new = not_yet_counted(request, new) if new else new
    if new:
        hints_shown(school=request.school, phrases=new, on=timezone.localdate())
    hinted = sorted(before | {item.phrase.lower() for item in found})
    return render(
        request, "guidance/hints.html", {"found": found, "field": field, "hinted": hinted}
    )
