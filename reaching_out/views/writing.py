"""Writing to parents and carers: one family's adults (each their own message, the way that
works for them), and good news for several families of a class at once, each naming that
child's own news. Both show a preview of every message before anything is queued."""

from __future__ import annotations

from typing import cast

from django.contrib import messages as notices
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import formset_factory
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit import constants as actions
from audit.services import access_record_many
from families.access import family_for
from families.models import Child, ParentCarer, SchoolFamily
from meetings.models import ActionPoint, Meeting
from portal import access
from portal.http import SchoolRequest
from portal.lib import once, saving
from portal.models import ClassGroup
from reaching_out import planning, services
from reaching_out.forms import KIND_HELP, DraftForm, GoodNewsRowForm, ParentsField, WriteForm
from reaching_out.models import Channel, Kind, Message

HELD_WORDS = "held until {when} ({why})"


def _outcome(made: list[Message]) -> str:
    """What happened, in one sentence for the sender."""
    parts = []
    sent = [m for m in made if m.state == Message.State.QUEUED]
    held = [m for m in made if m.state == Message.State.HELD]
    letters = [m for m in made if m.state == Message.State.TO_PRINT]
    calls = [m for m in made if m.state == Message.State.TO_CALL]
    if sent:
        parts.append(f"{len(sent)} going now")
    if held:
        parts.append(f"{len(held)} held for quiet hours")
    if letters:
        parts.append(f"{len(letters)} letter{'s' if len(letters) != 1 else ''} to print")
    if calls:
        parts.append(f"{len(calls)} call{'s' if len(calls) != 1 else ''} to make")
    return f"{len(made)} message{'s' if len(made) != 1 else ''}: " + ", ".join(parts) + "."


def _choices(request: SchoolRequest, school_family: SchoolFamily):
    school, family = school_family.school, school_family.family
    parents = ParentCarer.objects.filter(family=family).order_by("first_name", "pk")
    children = Child.objects.filter(family=family, school=school).on_roll().order_by("first_name")
    meetings = (
        Meeting.objects.visible_to(request.user, school)
        .filter(family=family, withdrawn_at__isnull=True)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
    )
    steps = (
        ActionPoint.objects.open()
        .filter(
            meeting__in=meetings,
            owner_kind=ActionPoint.OwnerKind.PARENT,
        )
        .select_related("meeting")
        .order_by("due_on", "pk")
    )
    return parents, children, meetings, steps


def _may_use_meeting(request: SchoolRequest, meeting: Meeting | None) -> bool:
    if meeting is None:
        return True
    return access.may_change_meeting(
        request.user,
        request.school,
        chair_id=meeting.chair_id,
        staff_ids=[u.pk for u in meeting.staff.all()],
    )


@require_http_methods(["GET", "POST"])
def write(request: SchoolRequest, family_pk: int):
    """Write to a family's parents and carers: choose, preview each adult's message (their way,
    their language, when it may go), edit it if need be, then send."""
    school_family = family_for(request, family_pk, may=access.may_send_messages)
    school, family = school_family.school, school_family.family
    parents, children, meetings, steps = _choices(request, school_family)
    home = planning.household(parents)
    initial: dict[str, object] = {}
    if (kind := request.GET.get("kind", "")) in Kind.values:
        initial["kind"] = kind
    for name in ("meeting", "step"):
        if (value := request.GET.get(name, "")).isdigit():
            initial[name] = int(value)
    wanted_children = [int(c) for c in request.GET.getlist("child") if c.isdigit()]
    initial["children"] = wanted_children
    initial["parents"] = planning.default_recipients(home, wanted_children)
    form = WriteForm(
        request.POST or None,
        parents=parents,
        children=children,
        meetings=meetings,
        steps=steps,
        initial=initial,
    )
    action = request.POST.get("action", "")
    if request.method != "POST" or action == "change" or not form.is_valid():
        return _write_form(request, form, school_family, home)
    data = form.cleaned_data
    meeting = data.get("meeting") if data["kind"] in (Kind.INVITATION, Kind.SUMMARY) else None
    step = data.get("step") if data["kind"] == Kind.STEP_REMINDER else None
    if step is not None:
        meeting = step.meeting
    if not _may_use_meeting(request, meeting):
        form.add_error(
            "meeting",
            "Only the meeting's chair, its staff, pastoral staff and the headteacher write to "
            "parents about it.",
        )
        return _write_form(request, form, school_family, home)
    chosen = {
        p.pk: request.POST.get(f"draft-{p.pk}-channel", "")
        for p in data["parents"]
        if action == "send" or f"draft-{p.pk}-channel" in request.POST
    }
    try:
        result = services.drafting(
            school=school,
            sender=request.user,
            kind=data["kind"],
            parents=list(data["parents"]),
            children=list(data["children"]),
            meeting=meeting,
            step=step,
            words=data.get("words", ""),
            chosen=chosen,
            must_send=data["must_send"],
            home=home,
        )
    except ValidationError as problem:
        form.add_error(None, problem)
        return _write_form(request, form, school_family, home)
    drafts = [
        (
            draft,
            DraftForm(
                request.POST if action == "send" else None,
                prefix=f"draft-{draft.parent.pk}",
                open_channels=draft.plan.open_channels,
                initial={
                    "channel": draft.plan.channel,
                    "subject": draft.subject,
                    "body": draft.text if draft.plan.channel == Channel.TEXT else draft.body,
                },
            ),
        )
        for draft in result.drafts
    ]
    if action == "send" and result.drafts and all(f.is_valid() for _d, f in drafts):
        # Done twice (a double click): the first one queued them.
        if done := once.earlier(request):
            return redirect(done)
        edits = {d.parent.pk: f.cleaned_data for d, f in drafts}
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    made = services.queue(
                        school=school,
                        sender=request.user,
                        drafting=result,
                        edits=edits,
                        meeting=meeting,
                        step=step,
                        despite_stop=data.get("must_send_reason", "") if data["must_send"] else "",
                    )
                    access_record_many(request, action=actions.SEND, objs=made, family=family)
                    url = reverse("families:family-detail", args=[family.pk]) + "#messages"
                    spent.made(made[0], url)
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            notices.success(request, _outcome(made))
            return redirect(url)
    return render(
        request,
        "reaching_out/write_preview.html",
        {
            "form": form,
            "family": family,
            "drafts": drafts,
            "refused": result.refused,
            "kind": Kind(data["kind"]),
            "now": timezone.now(),
        },
    )


def _write_form(request: SchoolRequest, form: WriteForm, school_family, home):
    people = []
    for parent in cast(ParentsField, form.fields["parents"]).queryset or []:
        words = home.restrictions.get(parent.pk)
        people.append(
            {
                "parent": parent,
                "restricted": " ".join(words) if words else "",
                "stopped": sorted(Channel(c).label for c in home.stops.get(parent.pk, set())),
            }
        )
    return render(
        request,
        "reaching_out/write_form.html",
        {
            "form": form,
            "family": school_family.family,
            "people": people,
            "kind_help": {str(k): v for k, v in KIND_HELP.items()},
        },
    )


# Good news for a class -------------------------------------------------------------------


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _classes(request: SchoolRequest):
    school = request.school
    rows = ClassGroup.objects.filter(school=school)
    if not access.sees_all_families(request.user, school):
        rows = rows.filter(staff=request.user)
    return rows.order_by("year_group", "name")


@require_http_methods(["GET", "POST"])
def good_news(request: SchoolRequest):
    """Good news for several families of a class at once: each child's own news, to each of
    their adults, the way that works for them. Never one message to many."""
    school = request.school
    if school is None or not access.may_send_messages(request.user, school):
        raise PermissionDenied
    classes = list(_classes(request))
    wanted = request.POST.get("class") or request.GET.get("class", "")
    group = next((c for c in classes if str(c.pk) == wanted), None)
    if group is None and len(classes) == 1:
        group = classes[0]
    if group is None:
        if wanted:
            raise Http404("No such class of yours.")
        return render(request, "reaching_out/good_news_class.html", {"classes": classes})
    visible = SchoolFamily.objects.visible_to(request.user, school).values("family_id")
    pupils = list(
        Child.objects.filter(school=school, class_group=group, family_id__in=visible)
        .on_roll()
        .select_related("family")
        .order_by("first_name", "last_name", "pk")
    )
    by_id = {c.pk: c for c in pupils}
    Rows = formset_factory(GoodNewsRowForm, extra=0, max_num=len(pupils) or 1, absolute_max=2000)
    picked = {int(c) for c in request.GET.getlist("child") if c.isdigit()}
    rows = Rows(
        request.POST or None,
        prefix="news",
        initial=[{"child": c.pk, "send": c.pk in picked} for c in pupils],
    )
    action = request.POST.get("action", "")
    pairs = [(row, by_id.get(_number(row["child"].value()))) for row in rows.forms]
    context = {
        "group": group,
        "classes": classes,
        "rows": rows,
        "pairs": [(row, child) for row, child in pairs if child is not None],
    }
    if request.method != "POST" or action == "change" or not rows.is_valid():
        if request.method == "POST" and not rows.is_valid():
            context["problem"] = "Some rows need a look: see the messages beside them."
        return render(request, "reaching_out/good_news_form.html", context)
    chosen = [
        (by_id[r["child"]], r["news"].strip())
        for r in rows.cleaned_data
        if r.get("send") and r.get("child") in by_id
    ]
    if not chosen:
        context["problem"] = "Tick at least one child and write their news."
        return render(request, "reaching_out/good_news_form.html", context)
    families = {c.family_id for c, _n in chosen}
    parents = list(
        ParentCarer.objects.filter(family_id__in=families).order_by("family_id", "first_name", "pk")
    )
    home = planning.household(parents)
    templates = services.templates_for(school, Kind.GOOD_NEWS)
    by_family: dict[int, list[ParentCarer]] = {}
    for parent in parents:
        by_family.setdefault(parent.family_id, []).append(parent)
    previews = []
    try:
        for child, news in chosen:
            # Those with parental responsibility for this child, restricted ones included so
            # the preview says why they are left out.
            responsible = {pk for pk, kids in home.responsible_for.items() if child.pk in kids}
            adults = [p for p in by_family.get(child.family_id, []) if p.pk in responsible]
            previews.append(
                (
                    child,
                    services.drafting(
                        school=school,
                        sender=request.user,
                        kind=Kind.GOOD_NEWS,
                        parents=adults,
                        children=[child],
                        words=news,
                        home=home,
                        templates=templates,
                    ),
                )
            )
    except ValidationError as problem:
        context["problem"] = " ".join(problem.messages)
        return render(request, "reaching_out/good_news_form.html", context)
    if action == "send":
        if done := once.earlier(request):
            return redirect(done)
        try:
            with once.spend(request) as spent:
                made = []
                for _child, result in previews:
                    made += services.queue(school=school, sender=request.user, drafting=result)
                if not made:
                    raise ValidationError("Nobody to send to.")
                access_record_many(request, action=actions.SEND, objs=made)
                url = reverse("reaching_out:outbox") + "?mine=on"
                spent.made(made[0], url)
        except once.AlreadySubmitted as exc:
            return redirect(exc.url)
        except ValidationError:
            context["problem"] = "None of these children's adults can be written to."
            return render(request, "reaching_out/good_news_form.html", context)
        notices.success(request, "Good news: " + _outcome(made))
        return redirect(url)
    context["previews"] = previews
    context["count"] = sum(len(r.drafts) for _c, r in previews)
    return render(request, "reaching_out/good_news_preview.html", context)
