"""The school calendar: terms, holidays and in-service days, kept by the headteacher (by hand,
or from the council's .ics file) and read by everyone who works with families. Every "this
term" in the portal reads its terms (portal.lib.terms)."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from portal import access
from portal.calendar_import import (
    CalendarFileError,
    calendar_import,
    found_kept,
    found_to_keep,
)
from portal.forms_calendar import CalendarEntryForm, CalendarUploadForm
from portal.http import SchoolRequest
from portal.lib import terms
from portal.lib.terms import TermCalendar, term_containing, year_containing
from portal.models import CalendarEntry, School

# The portal sits below the access log (audit), so its writes go to the log lines instead.
logger = logging.getLogger("portal.calendar")
UPLOAD_SESSION_KEY = "portal.calendar_upload"


def _get_school_for_calendar(request: SchoolRequest, *, write: bool = False) -> School:
    """The school whose calendar this is: everyone who works with families reads it, the
    headteacher keeps it (others get 403 on a change)."""
    school = request.school
    if school is None:
        raise PermissionDenied
    keeps = access.may_keep_calendar(request.user, school)
    if not keeps and (write or not access.works_with_families(request.user, school)):
        raise PermissionDenied
    return school


def _get_entry_for_user(request: SchoolRequest, pk: int) -> CalendarEntry:
    """One entry of the school's calendar to change: another school's (or, with no school, any)
    is a 404, as if absent; for someone who may not keep the calendar, 403."""
    if request.school is None:
        raise Http404("No such calendar entry.")
    entry = get_object_or_404(CalendarEntry, pk=pk, school=request.school)
    _get_school_for_calendar(request, write=True)
    return entry


def _groups(school: School, today: dt.date) -> list[dict]:
    """This school year's and next year's entries, each under the term it falls in (a holiday
    after a term is that term's, as every "this term" counts it)."""
    first = year_containing(today).start
    last = dt.date(first.year + 2, first.month, first.day)
    entries = list(
        CalendarEntry.objects.filter(school=school, ends_on__gte=first, starts_on__lt=last)
        .order_by("starts_on", "kind", "pk")
        .fetch_mode(models.FETCH_RAISE)
    )
    terms = TermCalendar(
        [(e.name, e.starts_on, e.ends_on) for e in entries if e.kind == CalendarEntry.Kind.TERM]
    )
    groups: dict[str, dict] = {}
    for entry in entries:
        period = terms.term(entry.starts_on)
        group = groups.setdefault(period.label, {"label": period.label, "entries": []})
        group["entries"].append(entry)
    return list(groups.values())


def _page(request: SchoolRequest, school: School, **forms):
    today = timezone.localdate()
    now = term_containing(today, school)
    keeps = access.may_keep_calendar(request.user, school)
    context = {
        "school": school,
        "groups": _groups(school, today),
        "this_term": now,
        "this_term_last_day": now.end - dt.timedelta(days=1),
        "keeps_calendar": keeps,
        "form": forms.get("form") or (CalendarEntryForm() if keeps else None),
        "upload_form": forms.get("upload_form") or (CalendarUploadForm() if keeps else None),
    }
    return render(request, "portal/calendar.html", context)


@require_http_methods(["GET", "POST"])
def calendar(request: SchoolRequest):
    """The school's terms, holidays and in-service days; the headteacher adds one here."""
    school = _get_school_for_calendar(request, write=request.method == "POST")
    if request.method != "POST":
        return _page(request, school)
    form = CalendarEntryForm(request.POST)
    if not form.is_valid():
        return _page(request, school, form=form)
    entry = form.save(commit=False)
    entry.school = school
    entry.save()
    terms.calendar_changed(entry.school_id)
    logger.info("%s added calendar entry %s at school %s", request.user.pk, entry.pk, school.pk)
    messages.success(request, f"Added to the calendar: {entry}.")
    return redirect("calendar")


@require_POST
def calendar_entry_delete(request: SchoolRequest, pk: int):
    entry = _get_entry_for_user(request, pk)
    words = str(entry)
    logger.info("%s removed calendar entry %s at school %s", request.user.pk, pk, entry.school_id)
    entry.delete()
    terms.calendar_changed(entry.school_id)
    messages.success(request, f"Removed from the calendar: {words}.")
    return redirect("calendar")


@require_POST
def calendar_import_file(request: SchoolRequest):
    """Upload the council's file: first what it holds (nothing changed), then, on "Import",
    the entries added or updated (importing again never doubles them)."""
    school = _get_school_for_calendar(request, write=True)
    if "confirm" in request.POST:
        kept = request.session.get(UPLOAD_SESSION_KEY) or {}
        if kept.get("school") != school.pk:
            messages.error(request, "Choose the council's file again: it was not kept.")
            return redirect("calendar")
        try:
            result = calendar_import(school=school, found=found_kept(kept["found"]))
        except (CalendarFileError, KeyError, ValueError, TypeError) as error:
            messages.error(request, str(error))
            return redirect("calendar")
        del request.session[UPLOAD_SESSION_KEY]
        logger.info(
            "%s imported the council calendar at school %s: %s added, %s updated",
            request.user.pk,
            school.pk,
            result.created,
            result.updated,
        )
        messages.success(request, f"Imported the council's calendar. {result.summary()}")
        return redirect("calendar")
    upload_form = CalendarUploadForm(request.POST, request.FILES)
    if not upload_form.is_valid():
        return _page(request, school, upload_form=upload_form)
    data = upload_form.data_bytes
    result = calendar_import(school=school, data=data, dry_run=True)
    # What it found is kept until "Import" (a few lines per entry, never the file itself), so
    # the file need not be chosen twice.
    request.session[UPLOAD_SESSION_KEY] = {
        "school": school.pk,
        "found": found_to_keep(result.found),
    }
    return render(
        request,
        "portal/calendar_import.html",
        {"school": school, "result": result, "name": upload_form.cleaned_data["file"].name},
    )
