"""Complaint pages: list, add, detail, edit, the personal reply, and the headteacher's overview."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import audit
from complaints.forms import ComplaintForm, ComplaintReplyForm
from complaints.models import Complaint
from complaints.overview import response_overview
from complaints.services import complaint_withdraw
from families import choosers
from families.access import require_family_worker
from families.labels import label_children
from families.models import Family, SchoolFamily
from meetings.models import Meeting
from portal import access
from portal.http import SchoolRequest
from portal.lib import conflicts, once, saving
from portal.lib.search import search_recall, search_remember
from portal.lib.withdrawing import withdraw_page

LIST_LIMIT = 50  # complaints a page
SEARCH_SESSION_KEY = "complaints_search"


def _get_complaint_for_user(request: SchoolRequest, pk: int, *, write: bool = False) -> Complaint:
    """The complaint, if this user may see it (write: may edit it).

    Another school's complaint is a 404, as if it did not exist; a colleague's complaint the
    user is not point of contact for is a 403.
    """
    school = request.school
    if school is None or not access.is_member(request.user, school):
        raise Http404("No such complaint.")
    complaint = Complaint.objects.for_detail().filter(school=school, pk=pk).first()
    if complaint is None:
        raise Http404("No such complaint.")
    if not access.may_see_complaint(
        request.user, school, point_of_contact_id=complaint.point_of_contact_id
    ):
        raise PermissionDenied
    if write and not request.user.has_perm("portal.manage_complaints", school):
        raise PermissionDenied
    return complaint


def _require_school_perm(request: SchoolRequest, perm: str):
    if request.school is None or not request.user.has_perm(perm, request.school):
        raise PermissionDenied
    return request.school


def _meeting_add_url(complaint: Complaint) -> str | None:
    """The meeting-add form, prefilled as a complaint-resolution meeting with this family."""
    try:
        base = reverse("meetings:meeting-add", args=[complaint.family_id])
    except NoReverseMatch:
        return None
    query: dict[str, str | int] = {
        "kind": Meeting.Kind.COMPLAINT_RESOLUTION,
        "complaint": complaint.pk,
    }
    return f"{base}?{urlencode(query)}"


def _meeting_url(meeting) -> str | None:
    try:
        return reverse("meetings:meeting-detail", args=[meeting.pk])
    except NoReverseMatch:
        return None


@require_GET
def complaint_list(request: SchoolRequest):
    """Pastoral staff and headteachers see all the school's complaints; others their own."""
    school = require_family_worker(request)
    complaints = Complaint.objects.visible_to(request.user, school)
    status = request.GET.get("status", "")
    if status == "open":
        complaints = complaints.open()
    elif status in Complaint.Status.values:
        complaints = complaints.filter(status=status)
    else:
        status = ""
    mine = request.GET.get("mine") == "1"
    if mine:
        complaints = complaints.filter(point_of_contact=request.user)
    query = search_recall(request, SEARCH_SESSION_KEY)
    complaints = (
        complaints.search(query)
        .for_list()
        .prefetch_related(label_children(school, "family__children"))
        .fetch_mode(models.FETCH_RAISE)
    )
    # Paged, not cut short: the 201st complaint is on page 5, not nowhere.
    page = Paginator(complaints, LIST_LIMIT).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "complaints": page.object_list,
            "page": page,
            "status": status,
            "mine": mine,
            "q": query,
            "status_choices": Complaint.Status.choices,
            "may_manage": request.user.has_perm("portal.manage_complaints", school),
            "may_see_overview": request.user.has_perm("portal.view_complaints_overview", school),
        },
    )


@require_POST
def complaint_search(request: SchoolRequest):
    """Remember the words searched for (they may be a parent's name) and show the list."""
    require_family_worker(request)
    term = "" if "clear" in request.POST else request.POST.get("q", "").strip()[:100]
    search_remember(request, SEARCH_SESSION_KEY, term)
    # Only the list's own filters come back in the URL: they hold no names.
    kept = {k: request.POST[k] for k in ("status", "mine") if request.POST.get(k)}
    url = reverse("complaints:complaint-list")
    return redirect(f"{url}?{urlencode(kept)}" if kept else url)


@require_http_methods(["GET", "POST"])
def complaint_add(request: SchoolRequest):
    """Record a complaint as soon as it is received (pastoral staff and headteachers)."""
    school = _require_school_perm(request, "portal.manage_complaints")
    family = None
    family_id = request.GET.get("family", "")
    if family_id.isdigit():
        family = Family.objects.filter(pk=family_id, school_links__school=school).first()
    if done := once.earlier(request):  # sent twice: the first one recorded the complaint
        return redirect(done)
    form = ComplaintForm(request.POST or None, school=school, family=family, user=request.user)
    if choosers.is_finding(request):
        # "Find" without JavaScript: the same form with the matches, nothing checked or saved.
        form._errors = ErrorDict()  # type: ignore[attr-defined]  # a half-filled form: no messages
        return render(
            request,
            "complaints/complaint_form.html",
            {"form": form, "complaint": None, "finding": True},
        )
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            form.instance.created_by = request.user
            try:
                with once.spend(request) as spent:
                    complaint = form.save()
                    spent.made(
                        complaint, reverse("complaints:complaint-detail", args=[complaint.pk])
                    )
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            messages.success(
                request, "The complaint is recorded. The point of contact sees it now."
            )
            return redirect("complaints:complaint-detail", pk=complaint.pk)
    return render(request, "complaints/complaint_form.html", {"form": form, "complaint": None})


@require_GET
def complaint_detail(request: SchoolRequest, pk: int):
    complaint = _get_complaint_for_user(request, pk)
    audit.record(request, action=audit.VIEW, obj=complaint, family=complaint.family_id)
    school = request.school
    may_manage = request.user.has_perm("portal.manage_complaints", school)
    return render(
        request,
        "complaints/complaint_detail.html",
        {
            "complaint": complaint,
            "may_manage": may_manage,
            "may_reply": may_manage or complaint.point_of_contact_id == request.user.pk,
            "meeting_add_url": _meeting_add_url(complaint) if may_manage else None,
            "meeting_url": _meeting_url(complaint.meeting) if complaint.meeting else None,
            "family_url": _family_url_for(request, complaint),
            "response_days": (
                response_time.total_seconds() / 86400
                if (response_time := getattr(complaint, "response_time", None)) is not None
                else None
            ),
        },
    )


def _family_url_for(request: SchoolRequest, complaint) -> str | None:
    """The family's page, for a way back from the complaint, if this user may open it (a point
    of contact need not teach the family's children)."""
    visible = SchoolFamily.objects.visible_to(request.user, request.school)
    if not visible.filter(family_id=complaint.family_id).exists():
        return None
    return reverse("families:family-detail", args=[complaint.family_id])


@require_http_methods(["GET", "POST"])
def complaint_edit(request: SchoolRequest, pk: int):
    complaint = _get_complaint_for_user(request, pk, write=True)
    form = ComplaintForm(request.POST or None, instance=complaint, school=request.school)
    conflict = None
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            conflict = conflicts.save_unless_changed(
                form,
                form.save,
                theirs=lambda current: ComplaintForm(instance=current, school=request.school),
            )
            if conflict is None:
                messages.success(request, "The complaint is updated.")
                return redirect("complaints:complaint-detail", pk=complaint.pk)
    return render(
        request,
        "complaints/complaint_form.html",
        {"form": form, "complaint": complaint, "conflict": conflict},
    )


@require_http_methods(["GET", "POST"])
def complaint_reply(request: SchoolRequest, pk: int):
    """The point of contact (or the pastoral team) records the personal reply."""
    complaint = _get_complaint_for_user(request, pk)
    form = ComplaintReplyForm(request.POST or None, instance=complaint)
    conflict = None
    if request.method == "POST" and form.is_valid():

        def save():
            replied = form.save(commit=False)
            if replied.status == Complaint.Status.OPEN:
                replied.status = Complaint.Status.RESPONDED
            replied.save()

        with saving.kept_if_connection_lost(request, form):
            conflict = conflicts.save_unless_changed(
                form, save, theirs=lambda current: ComplaintReplyForm(instance=current)
            )
            if conflict is None:
                messages.success(request, "Your personal reply is recorded.")
                return redirect("complaints:complaint-detail", pk=complaint.pk)
    return render(
        request,
        "complaints/complaint_reply.html",
        {"form": form, "complaint": complaint, "conflict": conflict},
    )


@require_GET
def complaint_overview(request: SchoolRequest):
    """For the headteacher: open complaints and how quickly parents hear back, per term."""
    school = _require_school_perm(request, "portal.view_complaints_overview")
    return render(
        request,
        "complaints/complaint_overview.html",
        {"school": school, **response_overview(school)},
    )


@require_http_methods(["GET", "POST"])
def complaint_withdraw_view(request: SchoolRequest, pk: int):
    """Withdraw a complaint recorded in error, with a reason (never delete it): those who
    handle complaints (pastoral staff and headteachers). GET asks for the reason."""
    complaint = _get_complaint_for_user(request, pk, write=True)
    return withdraw_page(
        request,
        withdraw=lambda reason: complaint_withdraw(
            complaint=complaint, withdrawn_by=request.user, reason=reason
        ),
        noun="Complaint",
        label="this complaint",
        description=f"Received on {complaint.received_at:%d %b %Y}.",
        done_url=reverse("complaints:complaint-list"),
        cancel_url=reverse("complaints:complaint-detail", args=[complaint.pk]),
    )
