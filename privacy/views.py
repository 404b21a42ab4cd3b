"""Data protection pages: the retention review, legal holds and subject access exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import audit
from families.models import ParentCarer, SchoolFamily
from portal import access
from portal.http import SchoolRequest
from portal.lib import letterhead, once, saving
from privacy import services
from privacy.forms import ErasureConfirmForm, LegalHoldForm, LiftHoldForm, RetentionPolicyForm
from privacy.models import ErasureRun, LegalHold, RetentionPolicy
from privacy.retention import school_review
from privacy.subject_access import REVIEW_FLAG, subject_access_build


def _require_data_protection(request: SchoolRequest, *, manage: bool = False) -> None:
    """403 unless this user handles data protection at the current school (with `manage`: sets
    retention and legal holds, the headteacher only)."""
    school = request.school
    if school is None or not access.may_handle_data_protection(request.user, school):
        raise PermissionDenied
    if manage and not access.may_manage_retention(request.user, school):
        raise PermissionDenied


def _get_school_family(request: SchoolRequest, pk: int, *, manage: bool = False) -> SchoolFamily:
    """The family `pk` at the current school (404 for another school's, as if absent), if this
    user handles data protection there (403 otherwise)."""
    school_family = (
        SchoolFamily.objects.filter(school=request.school, family_id=pk)
        .select_related("family", "school")
        .first()
        if request.school is not None
        else None
    )
    if school_family is None:
        raise Http404("No such family.")
    _require_data_protection(request, manage=manage)
    return school_family


def _get_parent(request: SchoolRequest, pk: int) -> ParentCarer:
    """A parent or carer of a family at the current school (404 otherwise), for those who
    handle data protection there (403 otherwise)."""
    parent = (
        ParentCarer.objects.filter(pk=pk, family__school_links__school=request.school)
        .select_related("family")
        .first()
        if request.school is not None
        else None
    )
    if parent is None:
        raise Http404("No such parent or carer.")
    _require_data_protection(request)
    return parent


@require_http_methods(["GET", "POST"])
def retention(request: SchoolRequest):
    """The school's retention periods and the families whose records are past them."""
    _require_data_protection(request, manage=request.method == "POST")
    school = request.school
    policy = RetentionPolicy.for_school(school)
    form = RetentionPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        services.retention_policy_save(
            school=school,
            routine_years=form.cleaned_data["routine_years"],
            protection_years=form.cleaned_data["protection_years"],
            notes=form.cleaned_data["notes"],
            user=request.user,
        )
        messages.success(request, "The retention periods are saved.")
        return redirect("privacy:retention")
    review = school_review(school, as_of=timezone.localdate())
    return render(
        request,
        "privacy/retention.html",
        {
            "form": form,
            "policy": policy,
            "review": review,
            "may_manage": access.may_manage_retention(request.user, school),
            "runs": ErasureRun.objects.filter(school=school).select_related("started_by_user")[
                :RECENT_RUNS
            ],
        },
    )


RECENT_RUNS = 10
FAMILIES_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
def erase(request: SchoolRequest):
    """What an erasure would remove now, and the headteacher's typed confirmation to erase it:
    the same checks, erasure and log as `manage.py retention_review --erase --confirm`."""
    _require_data_protection(request, manage=True)
    school = request.school
    retention_url = reverse("privacy:retention")
    if done := once.earlier(request, fallback=retention_url):  # sent twice: erased once
        return redirect(done)
    as_of = timezone.localdate()
    review = school_review(school, as_of=as_of)
    form = ErasureConfirmForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    run = services.retention_erase(
                        as_of=as_of, started_by="retention page", school=school, user=request.user
                    )
                    url = reverse("privacy:erasure", args=[run.pk])
                    spent.made(run, url)
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            messages.success(
                request, f"{run.erased} record{'s' if run.erased != 1 else ''} erased and logged."
            )
            return redirect(url)
    due = [f for f in review.families if not f.held]
    page = Paginator(due, FAMILIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/erase.html",
        {
            "form": form,
            "review": review,
            "page": page,
            "due_count": len(due),
            "held": review.held,
        },
        status=400 if form.is_bound else 200,
    )


@require_GET
def erasure(request: SchoolRequest, pk: int):
    """What one erasure at this school removed: counts per kind, who ran it and when."""
    run = (
        ErasureRun.objects.filter(pk=pk, school=request.school)
        .select_related("started_by_user", "school")
        .first()
        if request.school is not None
        else None
    )
    if run is None:
        raise Http404("No such erasure.")
    _require_data_protection(request)
    return render(
        request,
        "privacy/erasure.html",
        {"run": run, "counts": run.counts(), "families": run.family_count()},
    )


def _family_page(request: SchoolRequest, school_family, *, hold_form=None, status=200):
    family = school_family.family
    holds = list(
        LegalHold.objects.filter(family=family, school=request.school).select_related(
            "set_by", "lifted_by"
        )
    )
    parents = list(family.parents.order_by("last_name", "first_name", "pk"))
    return render(
        request,
        "privacy/family.html",
        {
            "family": family,
            "holds": holds,
            "active_hold": next((h for h in holds if h.is_active), None),
            "parents": parents,
            "hold_form": hold_form or LegalHoldForm(),
            "lift_form": LiftHoldForm(),
            "may_manage": access.may_manage_retention(request.user, request.school),
        },
        status=status,
    )


@require_GET
def family(request: SchoolRequest, pk: int):
    """One family's data protection page: legal holds and each parent's subject access."""
    return _family_page(request, _get_school_family(request, pk))


@require_POST
def hold_set(request: SchoolRequest, pk: int):
    school_family = _get_school_family(request, pk, manage=True)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        try:
            services.legal_hold_set(
                family=school_family.family,
                school=request.school,
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The family's records are on hold: nothing will be erased.")
            return redirect("privacy:family", pk=pk)
    return _family_page(request, school_family, hold_form=form, status=400)


@require_POST
def hold_lift(request: SchoolRequest, pk: int):
    hold = (
        LegalHold.objects.filter(pk=pk, school=request.school).first()
        if request.school is not None
        else None
    )
    if hold is None:
        raise Http404("No such hold.")
    _require_data_protection(request, manage=True)
    form = LiftHoldForm(request.POST)
    if form.is_valid():
        try:
            services.legal_hold_lift(
                hold=hold, reason=form.cleaned_data["lift_reason"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The hold is lifted. Its record stays on this page.")
    else:
        messages.error(request, "Say why the hold can be lifted; it is still in place.")
    return redirect("privacy:family", pk=hold.family_id)


@require_GET
def subject_access(request: SchoolRequest, pk: int):
    """What a subject access export of this parent or carer will hold, and what it leaves out."""
    parent = _get_parent(request, pk)
    result = subject_access_build(parent=parent, school=request.school)
    audit.record(request, action=audit.VIEW, obj=parent, family=parent.family_id)
    counts = [(title, len(rows)) for title, rows in result.export["sections"].items()]
    return render(
        request,
        "privacy/subject_access.html",
        {"parent": parent, "result": result, "counts": counts, "review_flag": REVIEW_FLAG},
    )


@require_GET
def subject_access_json(request: SchoolRequest, pk: int):
    parent = _get_parent(request, pk)
    result = subject_access_build(parent=parent, school=request.school)
    audit.record(request, action=audit.EXPORT, obj=parent, family=parent.family_id)
    response = JsonResponse(result.export, json_dumps_params={"indent": 2, "ensure_ascii": False})
    # A file name with the id, never the person's name.
    filename = f"subject-access-{parent.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _rows(record: dict) -> list[tuple[str, object, list]]:
    """A record as (label, value, nested records) rows for the printable page."""
    return [
        (label, None, [_rows(r) for r in value]) if isinstance(value, list) else (label, value, [])
        for label, value in record.items()
    ]


@require_GET
def subject_access_print(request: SchoolRequest, pk: int):
    parent = _get_parent(request, pk)
    result = subject_access_build(parent=parent, school=request.school)
    audit.record(request, action=audit.PRINT, obj=parent, family=parent.family_id)
    sections = [
        (title, [_rows(record) for record in records])
        for title, records in result.export["sections"].items()
    ]
    return render(
        request,
        "privacy/subject_access_print.html",
        {
            "about": result.export["About this copy"],
            "sections": sections,
            "review_flag": REVIEW_FLAG,
            "school": request.school,
            # Who prepared the copy, and how the family reaches the school about it.
            "contact_lines": letterhead.contact_lines(
                school=request.school,
                person=request.user,
                title=letterhead.job_title(request.user, request.school),
            ),
        },
    )
