"""The authority officer's page "Data for your council": what the export holds, its downloads,
and the council's API tokens (made, listed, revoked).

Only the authority's own officers: everyone else gets 403, administrators included (running
the portal gives no sight of its figures). The authority is the one of the place the officer is
working in now (request.school), so an officer of two authorities sees each in turn. A token of
another authority is a 404, its existence not confirmed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

import audit
from council_data import exports
from council_data.figures import (
    COMPLAINT_PARTS,
    HIDDEN,
    MEETING_KINDS,
    REACH_PARTS,
    SUPPRESS_BELOW,
    council_figures,
    response_target_days,
)
from council_data.forms import TokenForm
from council_data.models import CouncilToken
from dashboards import figures as dashboard_figures
from dashboards.filters import PeriodForm
from portal import access
from portal.http import SchoolRequest
from portal.models import Authority


def _authority_id(request: SchoolRequest) -> int | None:
    return request.school.authority_id if request.school is not None else None


def _get_authority_for_user(request: SchoolRequest) -> Authority:
    """The authority of the place the user works in now, if they are one of its officers."""
    authority_id = _authority_id(request)
    if request.school is None or not access.may_see_council_data(request.user, authority_id):
        raise PermissionDenied
    return request.school.authority


def _get_token_for_user(request: SchoolRequest, pk: int) -> CouncilToken:
    """One of this authority's tokens: another authority's (or no authority) is a 404 for
    everyone; at the authority, anyone but its officers gets 403."""
    authority_id = _authority_id(request)
    if authority_id is None:
        raise Http404("No such token.")
    token = CouncilToken.objects.filter(pk=pk, authority_id=authority_id).first()
    if token is None:
        raise Http404("No such token.")
    if not access.may_manage_council_tokens(request.user, authority_id):
        raise PermissionDenied
    return token


def _page(request: SchoolRequest, authority: Authority, *, form=None, made=None, status=200):
    tokens = list(CouncilToken.objects.for_page(authority.pk))
    return render(
        request,
        "council_data/council_data.html",
        {
            "authority": authority,
            "period_form": PeriodForm(request.GET or None),
            "form": form or TokenForm(),
            "tokens": tokens,
            "made": made,
            "threshold": SUPPRESS_BELOW,
            "hidden": HIDDEN,
            "target_days": response_target_days(),
            "meeting_kinds": [label for _k, label in MEETING_KINDS],
            "complaint_parts": [label for _k, label in COMPLAINT_PARTS],
            "reach_parts": [label for _k, label in REACH_PARTS],
            "csv_header": exports.CSV_HEADER,
        },
        status=status,
    )


@require_GET
def council_data(request: SchoolRequest):
    """What the council's export holds, its downloads, and the council's API tokens."""
    return _page(request, _get_authority_for_user(request))


def _export(request: SchoolRequest, authority: Authority):
    period = dashboard_figures.period_for(PeriodForm(request.GET or None).chosen())
    return council_figures(authority, period)


@require_GET
def figures_csv(request: SchoolRequest):
    """The export as one long CSV table, for a signed-in officer (logged as an export)."""
    authority = _get_authority_for_user(request)
    export = _export(request, authority)
    audit.record(request, action=audit.EXPORT, obj=authority)
    return exports.csv_download(export, exports.filename_for(export))


@require_GET
def figures_json(request: SchoolRequest):
    """The export as JSON, for a signed-in officer (logged as an export)."""
    authority = _get_authority_for_user(request)
    export = _export(request, authority)
    audit.record(request, action=audit.EXPORT, obj=authority)
    return exports.json_response(export, exports.filename_for(export))


@require_POST
def token_new(request: SchoolRequest):
    """Make a token and show its secret this once. The page is answered directly, not through
    a redirect, so the secret is never kept anywhere (not even in the session) to show later."""
    authority = _get_authority_for_user(request)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, authority, form=form)
    token, secret = CouncilToken.make(
        authority=authority, name=form.cleaned_data["name"], created_by=request.user
    )
    return _page(request, authority, made={"token": token, "secret": secret})


@require_POST
def token_revoke(request: SchoolRequest, pk: int):
    """Stop a token at once; its row stays, so the access log still names it."""
    token = _get_token_for_user(request, pk)
    if token.revoked_at is None:
        CouncilToken.objects.filter(pk=token.pk).update(
            revoked_at=timezone.now(), revoked_by=request.user
        )
        messages.success(request, f"“{token.name}” is revoked: it no longer opens any figures.")
    else:
        messages.info(request, f"“{token.name}” was already revoked.")
    return redirect("council_data:page")
