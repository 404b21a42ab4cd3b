"""Home–school notes on the staff side: the family page's "Notes with parents" block (with an
answer to each parent who wrote), the key contact's home-page panel of new notes, and keeping a
note that raises a worry to fewer people."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from families import extensions
from families.access import family_for
from families.models import Contact, ParentCarer, SchoolFamily
from families.views.paging import rows_and_total, total_of, with_total
from family_voice import notes
from family_voice.forms_notes import NoteConfidentialForm, NoteReplyForm
from family_voice.models import HomeSchoolNote
from portal import access
from portal.compiled import SCHOOL, USER, Compiled
from portal.http import SchoolRequest
from portal.lib import once, saving

SECTION_ROWS = 8
PANEL_ROWS = 8


def has_notes():
    """Whether the family has any note here: carried by the family page's own row."""
    return Exists(
        HomeSchoolNote.objects.filter(school=OuterRef("school"), family=OuterRef("family"))
    )


def _family_url(family_id: int) -> str:
    return reverse("families:family-detail", args=[family_id]) + "#notes"


def _readable_notes(request: SchoolRequest, family_id: int):
    """The family's notes whose contact this user may read (a note kept to the pastoral team
    or named staff is hidden as its contact is, in the chronology and here)."""
    readable = Contact.objects.readable_by(request.user, request.school).filter(family_id=family_id)
    return HomeSchoolNote.objects.filter(
        school=request.school, family_id=family_id, contact__in=readable.values("pk")
    )


def _may_keep_confidential(request: SchoolRequest) -> bool:
    """Readers of the pastoral team's records (pastoral staff, the headteacher) move a note."""
    return access.may_see_confidential(
        request.user,
        request.school,
        level=access.CONFIDENTIAL_PASTORAL,
        author_id=None,
        named_ids=(),
    )


def _reply_form(parent: ParentCarer, parents, data=None) -> NoteReplyForm:
    form = NoteReplyForm(
        data,
        parents=parents,
        initial={"parent": parent.pk},
        auto_id=f"id_reply_{parent.pk}_%s",
    )
    form.fields["words"].label = f"Your answer to {parent.full_name}"
    return form


def notes_section(request: SchoolRequest, school_family: SchoolFamily) -> dict | None:
    """The family page's block: the newest notes both ways, the unread ones to this user
    marked (and, being shown, now read), and an answer form for each parent who wrote."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        return None
    family_id = school_family.family_id
    context = {"family_id": family_id, "notes": [], "more": 0, "answer_forms": []}
    if not getattr(school_family, "has_home_school_notes", True):
        return context
    visible = _readable_notes(request, family_id)
    rows, total = rows_and_total(
        visible.select_related("parent", "staff", "meeting", "contact", "link")
        .order_by("-written_at", "-pk")
        .fetch_mode(models.FETCH_PEERS),
        0,
        SECTION_ROWS,
    )
    may_keep = _may_keep_confidential(request)
    mine_unread = []
    for note in rows:
        note.from_parent = note.written_by == HomeSchoolNote.From.PARENT
        note.is_new = note.from_parent and note.read_at is None and note.staff_id == request.user.pk
        if note.is_new:
            mine_unread.append(note.pk)
        note.keep_form = None
        if may_keep and not note.contact.is_confidential:
            note.keep_form = NoteConfidentialForm(auto_id=f"id_keep_{note.pk}_%s")
    if mine_unread:
        notes.notes_read(school=school, family_id=family_id, user=request.user, ids=mine_unread)
    writer_ids = set(
        visible.filter(written_by=HomeSchoolNote.From.PARENT)
        .order_by()
        .values_list("parent_id", flat=True)
        .distinct()
    )
    writers = [p for p in extensions.family_parents(request, school_family) if p.pk in writer_ids]
    writer_rows = ParentCarer.objects.filter(pk__in=[p.pk for p in writers])
    context |= {
        "notes": rows,
        "more": (total or 0) - len(rows),
        "answer_forms": [_reply_form(p, writer_rows) for p in writers],
    }
    return context


def notes_panel(request: SchoolRequest) -> dict | None:
    """The home page's "New notes from parents": parents' notes to this user not yet read,
    once the school's quiet hours they were written in are over."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        return None
    rows, total = total_of(_new_notes(user=request.user, school=school, now=timezone.now()))
    if not rows:
        return None
    return {"notes": rows, "total": total, "more": (total or 0) - len(rows)}


@require_POST
def note_reply(request: SchoolRequest, family_pk: int) -> HttpResponse:
    """A member of staff who works with the family answers a parent who wrote."""
    school_family = family_for(request, family_pk)
    if done := once.earlier(request, fallback=_family_url(school_family.family_id)):
        return redirect(done)
    writers = ParentCarer.objects.filter(
        family_id=school_family.family_id,
        pk__in=_readable_notes(request, school_family.family_id)
        .filter(written_by=HomeSchoolNote.From.PARENT)
        .values("parent_id"),
    )
    form = NoteReplyForm(request.POST, parents=writers)
    if form.is_valid():
        parent = form.cleaned_data["parent"]
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    note = notes.note_reply(
                        school_family=school_family,
                        parent=parent,
                        staff=request.user,
                        words=form.cleaned_data["words"],
                    )
                    spent.made(note, _family_url(school_family.family_id))
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    f"Your answer to {parent.full_name} is kept. They see it the next time they "
                    "open a link that shows their notes; nothing was sent to them.",
                )
                return redirect(_family_url(school_family.family_id))
    parent = form.cleaned_data.get("parent")
    return render(
        request,
        "family_voice/staff_note_reply.html",
        {"form": form, "family": school_family.family, "parent": parent},
    )


@require_POST
def note_confidential(request: SchoolRequest, pk: int) -> HttpResponse:
    """Pastoral staff and the headteacher keep a note that raises a worry to the pastoral team
    or to named staff, with the reason; a teacher then no longer reads its words."""
    school = request.school
    if school is None or not access.works_with_families(request.user, school):
        raise access.refusal(school, HomeSchoolNote.objects.filter(pk=pk))
    families = SchoolFamily.objects.visible_to(request.user, school).values("family_id")
    note = (
        HomeSchoolNote.objects.filter(pk=pk, school=school, family_id__in=families)
        .select_related("parent", "family")
        .first()
    )
    readable = note is not None and (
        Contact.objects.readable_by(request.user, school).filter(pk=note.contact_id).exists()
    )
    if note is None or not readable:
        raise Http404("No such note.")
    if not _may_keep_confidential(request):
        raise PermissionDenied
    form = NoteConfidentialForm(request.POST)
    if form.is_valid():
        try:
            notes.note_make_confidential(
                note=note,
                by=request.user,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            level = Contact.Confidentiality(form.cleaned_data["level"]).label
            messages.success(request, f"The note is now seen by: {level.lower()}.")
            return redirect(_family_url(note.family_id))
    return render(
        request,
        "family_voice/staff_note_confidential.html",
        {"form": form, "note": note, "family": note.family},
    )


# The home page's read, built once per process and shape (portal.compiled).
def _unread(user, school, now):
    return HomeSchoolNote.objects.filter(
        school=school,
        staff=user,
        written_by=HomeSchoolNote.From.PARENT,
        read_at__isnull=True,
        tell_after__lte=now,
    )


def notes_waiting(*, user, school, now, **moments) -> list:
    """The home page asks this first (portal.shell.HomePanel): unread notes from parents to
    this user, before the panel leaves out families the user may not see."""
    return [_unread(user, school, now)]


_new_notes = Compiled(
    lambda user, school, now: with_total(
        _unread(user, school, now)
        .filter(family_id__in=SchoolFamily.objects.visible_to(user, school).values("family_id"))
        .select_related("parent")
        .only("family_id", "words", "written_at", "parent__first_name", "parent__last_name")
        .fetch_mode(models.FETCH_RAISE)
        .order_by("written_at", "pk")
    )[:PANEL_ROWS],
    user=USER,
    school=SCHOOL,
    now=datetime.datetime,
)
