"""The outbox: every message with its state, what is waiting (letters to print, calls to make),
and the small actions on one message (cancel, try another way, the call was made). Pastoral
staff and the headteacher run the school's outbox; everyone else sees what they wrote."""

from __future__ import annotations

from django.contrib import messages as notices
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import constants as actions
from audit.services import access_record, access_record_many
from families.models import ParentCarer, SchoolFamily
from families.views.paging import page_of
from portal import access
from portal.http import SchoolRequest
from reaching_out import planning, services
from reaching_out.forms import AnotherWayForm, CallMadeForm, OutboxFilter, RestartForm
from reaching_out.models import LINK_PURPOSE, Channel, ChannelStop, LetterBatch, Message

PER_PAGE = 50
State = Message.State
NOTED = (State.TO_PRINT, State.TO_CALL, State.FAILED, State.BOUNCED, State.UNSURE)


def _school(request: SchoolRequest):
    school = request.school
    if school is None or not access.may_send_messages(request.user, school):
        raise PermissionDenied
    return school


def _messages(request: SchoolRequest):
    """The messages to parents this user may see: all of the school's for those who run the
    outbox, else their own; never a family they no longer see."""
    school = _school(request)
    rows = Message.objects.filter(school=school, parent__isnull=False)
    if not access.sees_school_outbox(request.user, school):
        visible = SchoolFamily.objects.visible_to(request.user, school).values("family_id")
        rows = rows.filter(sent_by=request.user, family_id__in=visible)
    return rows


def _message(request: SchoolRequest, pk: int) -> Message:
    school = request.school
    if school is None or not access.may_send_messages(request.user, school):
        raise access.refusal(school, Message.objects.filter(pk=pk))
    message = (
        _messages(request)
        .select_related("parent", "family", "sent_by", "contact", "meeting", "batch")
        .filter(pk=pk)
        .first()
    )
    if message is None:
        raise Http404("No such message.")
    if not access.may_handle_message(request.user, request.school, sent_by_id=message.sent_by_id):
        raise PermissionDenied
    return message


def _parent_of(message: Message) -> ParentCarer:
    """The parent a message on these pages is to (staff reminders never reach them)."""
    if message.parent is None:
        raise Http404("No such message.")
    return message.parent


@require_GET
def outbox(request: SchoolRequest):
    """Every message with its state, newest first, filtered and paged; the same few queries
    whatever the number of messages."""
    school = _school(request)
    runs = access.sees_school_outbox(request.user, school)
    rows = _messages(request)
    form = OutboxFilter(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        for name in ("state", "channel", "kind"):
            if data.get(name):
                rows = rows.filter(**{name: data[name]})
        if data.get("mine"):
            rows = rows.filter(sent_by=request.user)
    counts: dict[str, int] = {str(state): 0 for state in NOTED}
    counts.update(
        rows.order_by().filter(state__in=NOTED).values_list("state").annotate(n=Count("pk"))
    )
    counts["not_reached"] = counts[State.FAILED] + counts[State.BOUNCED] + counts[State.UNSURE]
    page = page_of(
        rows.select_related("parent", "family", "sent_by").order_by("-created_at", "-pk"),
        PER_PAGE,
        request.GET.get("page"),
    )
    return render(
        request,
        "reaching_out/outbox.html",
        {"page": page, "form": form, "runs_outbox": runs, "counts": counts},
    )


@require_GET
def message_detail(request: SchoolRequest, pk: int):
    message = _message(request, pk)
    parent = _parent_of(message)
    access_record(request, action=actions.VIEW, obj=message, family=message.family_id)
    home = planning.household([parent])
    others = [
        c
        for c in planning.open_channels(parent)
        if c != message.channel and c not in home.stops.get(parent.pk, set())
    ]
    return render(
        request,
        "reaching_out/message.html",
        {
            "message": message,
            "children": list(message.children.all()),
            "another_way": AnotherWayForm(initial={"channel": others[0] if others else ""})
            if others
            else None,
            "other_channels": [(c, Channel(c).label) for c in others],
            "call_form": CallMadeForm(),
            "stops": list(ChannelStop.objects.filter(parent=message.parent)),
            "restarting": RestartForm(),
            "may_restart": access.may_handle_message(request.user, request.school, sent_by_id=None),
        },
    )


@require_POST
def message_cancel(request: SchoolRequest, pk: int):
    message = _message(request, pk)
    try:
        services.cancel(message=message, by=request.user)
    except ValidationError as problem:
        notices.error(request, " ".join(problem.messages))
    else:
        notices.success(request, f"The message to {_parent_of(message).full_name} was cancelled.")
    return redirect("reaching_out:message", pk=message.pk)


@require_POST
def message_another_way(request: SchoolRequest, pk: int):
    message = _message(request, pk)
    form = AnotherWayForm(request.POST)
    if message.state not in (State.FAILED, State.BOUNCED, State.UNSURE, State.CANCELLED):
        notices.error(request, "Only a message that did not reach them can go another way.")
    elif not form.is_valid():
        notices.error(request, "Choose how to send it again.")
    else:
        try:
            made = services.another_way(
                message=message, by=request.user, channel=form.cleaned_data["channel"]
            )
        except ValidationError as problem:
            notices.error(request, " ".join(problem.messages))
        else:
            access_record(request, action=actions.SEND, obj=made, family=made.family_id)
            notices.success(request, f"It will go again as {made.get_channel_display().lower()}.")
            return redirect("reaching_out:message", pk=made.pk)
    return redirect("reaching_out:message", pk=message.pk)


@require_POST
def call_made(request: SchoolRequest, pk: int):
    message = _message(request, pk)
    form = CallMadeForm(request.POST)
    if not form.is_valid():
        notices.error(request, "Keep the note to 1,000 characters.")
        return redirect("reaching_out:message", pk=message.pk)
    try:
        services.call_made(message=message, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as problem:
        notices.error(request, " ".join(problem.messages))
    else:
        notices.success(request, "The call is in the family's chronology.")
    return redirect("reaching_out:message", pk=message.pk)


@require_POST
def stop_restart(request: SchoolRequest, pk: int):
    """Start e-mails or texts again for a parent who stopped them: only with their say-so, in
    words kept with it (never silently)."""
    school = request.school
    if school is None or not access.may_send_messages(request.user, school):
        raise access.refusal(school, SchoolFamily.objects.filter(family__parents__stops=pk))
    visible = SchoolFamily.objects.visible_to(request.user, school).values("family_id")
    row = (
        ChannelStop.objects.filter(pk=pk, parent__family_id__in=visible, restarted_at__isnull=True)
        .select_related("parent")
        .first()
    )
    if row is None:
        raise Http404("No such stop.")
    if not access.sees_school_outbox(request.user, school):
        raise PermissionDenied
    form = RestartForm(request.POST)
    if not form.is_valid():
        notices.error(request, "Say when and how the parent asked to start again.")
    else:
        services.restart(row=row, by=request.user, reason=form.cleaned_data["reason"])
        notices.success(
            request, f"{row.get_channel_display()}s to {row.parent.full_name} started again."
        )
    return redirect(reverse("families:family-detail", args=[row.parent.family_id]) + "#messages")


# Letters ---------------------------------------------------------------------------------


def _runs(request: SchoolRequest):
    school = _school(request)
    if not access.sees_school_outbox(request.user, school):
        raise PermissionDenied
    return school


@require_http_methods(["GET", "POST"])
def letters(request: SchoolRequest):
    """Letters waiting to print, and the batches printed: one PDF per batch, then marked
    posted (each letter then becomes a contact)."""
    school = _runs(request)
    waiting = (
        Message.objects.filter(school=school, state=State.TO_PRINT, parent__isnull=False)
        .select_related("parent", "family", "sent_by")
        .order_by("created_at", "pk")
    )
    if request.method == "POST":
        chosen = list(waiting[:500])
        if not chosen:
            notices.info(request, "There are no letters waiting to print.")
            return redirect("reaching_out:letters")
        batch = services.letters_print(school=school, by=request.user, messages=chosen)
        notices.success(
            request,
            f"{len(chosen)} letter{'s are' if len(chosen) != 1 else ' is'} ready to print.",
        )
        return redirect(reverse("reaching_out:letters") + f"#batch-{batch.pk}")
    batches = (
        LetterBatch.objects.filter(school=school)
        .annotate(n=Count("letters"))
        .select_related("made_by", "posted_by")[:20]
    )
    return render(
        request,
        "reaching_out/letters.html",
        {"waiting": list(waiting[:200]), "waiting_count": waiting.count(), "batches": batches},
    )


def _batch(request: SchoolRequest, pk: int) -> LetterBatch:
    school = request.school
    if school is None or not access.sees_school_outbox(request.user, school):
        raise access.refusal(school, LetterBatch.objects.filter(pk=pk))
    batch = LetterBatch.objects.filter(pk=pk, school=school).first()
    if batch is None:
        raise Http404("No such batch of letters.")
    return batch


@require_GET
def batch_pdf(request: SchoolRequest, pk: int):
    """The batch as one PDF. A letter carrying a parent's link gets a new one each time the PDF
    is made (the earlier one stops), so no link waits anywhere but on paper."""
    from family_voice.services import link_create, link_revoke
    from reaching_out import letters as printing

    batch = _batch(request, pk)
    letters = list(
        batch.letters.select_related("parent", "school", "meeting", "sent_by", "link").order_by(
            "parent__last_name", "parent__first_name", "pk"
        )
    )
    links: dict[int, str] = {}
    with transaction.atomic():
        for message in letters:
            purpose = LINK_PURPOSE.get(message.kind)
            if not purpose or "{link}" not in message.body or batch.posted_at is not None:
                continue
            if message.link is not None:
                link_revoke(link=message.link, by=request.user)
            try:
                made = link_create(
                    school=message.school,
                    parent=_parent_of(message),
                    purpose=purpose,
                    created_by=message.sent_by or request.user,
                    meeting=message.meeting,
                )
            except ValidationError:
                continue
            links[message.pk] = made.url
            Message.objects.filter(pk=message.pk).update(link=made.link)
        access_record_many(request, action=actions.PRINT, objs=letters)
    body = printing.batch_pdf(batch, links=links)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letters-{batch.pk}.pdf"'
    return response


@require_POST
def batch_posted(request: SchoolRequest, pk: int):
    batch = _batch(request, pk)
    count = services.batch_posted(batch=batch, by=request.user)
    if count:
        notices.success(
            request,
            f"{count} letter{'s' if count != 1 else ''} marked as posted; each is in its "
            "family's chronology.",
        )
    else:
        notices.info(request, "This batch was already marked as posted.")
    return redirect("reaching_out:letters")
