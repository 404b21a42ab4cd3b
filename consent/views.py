"""Recording consent to share and its withdrawal, from the family page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from consent.forms import ConsentForm, WithdrawForm
from consent.models import Consent
from consent.services import consent_record, consent_withdraw
from families.access import family_for
from families.models import SchoolFamily
from portal import access
from portal.http import SchoolRequest
from portal.lib import once, saving


def _family_url(family_id: int) -> str:
    return reverse("families:family-detail", args=[family_id]) + "#consent"


def _get_consent_for_user(request: SchoolRequest, pk: int) -> Consent:
    """A consent of a family this user works with at the current school (404 otherwise; 403
    for a role that never sees families); recording its withdrawal needs may_record_consent."""
    if request.school is None or not access.works_with_families(request.user, request.school):
        raise access.refusal(request.school, Consent.objects.filter(pk=pk))
    families = SchoolFamily.objects.visible_to(request.user, request.school).values("family_id")
    consent = (
        Consent.objects.filter(pk=pk, school=request.school, family_id__in=families)
        .select_related("family", "school")
        .first()
    )
    if consent is None:
        raise Http404("No such consent.")
    if not access.may_record_consent(request.user, request.school):
        raise PermissionDenied
    return consent


@require_http_methods(["GET", "POST"])
def consent_add(request: SchoolRequest, family_pk: int):
    """Pastoral staff and the headteacher record a consent to share given by a parent or carer,
    or by the young person."""
    school_family = family_for(request, family_pk, may=access.may_record_consent)
    family = school_family.family
    if done := once.earlier(request):
        return redirect(done)
    parents = list(family.parents.order_by("first_name", "pk").fetch_mode(models.FETCH_PEERS))
    children = list(
        family.children.filter(school=request.school, left_on__isnull=True).order_by(
            "first_name", "pk"
        )
    )
    form = ConsentForm(request.POST or None, parents=parents, children=children)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with saving.kept_if_connection_lost(request, form):
            try:
                with once.spend(request) as spent:
                    made = consent_record(
                        school=request.school,
                        family=family,
                        recorded_by=request.user,
                        given_by=data["given_by"],
                        given_on=data["given_on"],
                        how=data["how"],
                        categories=data["categories"],
                        organisation=data["organisation"],
                        team_or_role=data["team_or_role"],
                        until=data["until"],
                        details=data["details"],
                    )
                    spent.made(made, _family_url(family.pk))
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Consent to share with {made.organisation} recorded.")
                return redirect(_family_url(family.pk))
    return render(
        request,
        "consent/consent_form.html",
        {"form": form, "family": family, "school_family": school_family},
    )


@require_http_methods(["GET", "POST"])
def consent_withdraw_view(request: SchoolRequest, pk: int):
    """Record that consent was withdrawn: when, by whom, why. The consent is kept."""
    consent = _get_consent_for_user(request, pk)
    consent.state_now = consent.state()
    if consent.withdrawn_on is not None:
        messages.info(request, "This consent was withdrawn already.")
        return redirect(_family_url(consent.family_id))
    form = WithdrawForm(
        request.POST or None,
        given_on=consent.given_on,
        initial={"withdrawn_by_name": consent.given_by_name},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with saving.kept_if_connection_lost(request, form):
            try:
                consent_withdraw(
                    consent=consent,
                    recorded_by=request.user,
                    withdrawn_on=data["withdrawn_on"],
                    withdrawn_by_name=data["withdrawn_by_name"],
                    reason=data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(
                    request,
                    f"Recorded: consent to share with {consent.organisation} is withdrawn. "
                    "The consent and its withdrawal stay on the family's record.",
                )
                return redirect(_family_url(consent.family_id))
    return render(
        request,
        "consent/consent_withdraw.html",
        {"form": form, "consent": consent, "family": consent.family},
    )
