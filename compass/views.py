"""The family's compass page and the "place on compass" form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from compass.drawing import compass_context
from compass.forms import PlacementForm
from compass.models import LeverStep, Placement
from compass.services import placement_record, placement_withdraw
from families.access import family_for
from families.models import adults_linked_to
from guidance import hints
from portal import access
from portal.http import SchoolRequest
from portal.lib import once, saving
from portal.lib.limits import parse_id
from portal.lib.urls import local_next
from portal.lib.withdrawing import withdraw_page


@require_GET
def family_compass(request: SchoolRequest, family_pk: int):
    """One family's compass: where it sits now, its path, per parent, and what to try next."""
    school_family = family_for(request, family_pk)
    return render(
        request, "compass/placement_family.html", compass_context(school_family, request=request)
    )


@require_http_methods(["GET", "POST"])
def placement_add(request: SchoolRequest, family_pk: int):
    """Place the family's relationship on the compass: a new dated point, never an edit."""
    school_family = family_for(request, family_pk)
    family = school_family.family
    steps = LeverStep.objects.for_school(school_family.school)
    latest = school_family.placements.whole_family().order_by("-placed_at", "-pk").first()
    initial = {"level": latest.level} if latest else {}
    if child_id := parse_id(request.GET.get("child") or ""):
        # About one child (?child=): that child's adults are ticked, never every adult of a
        # blended household; without it the placement is about the family as a whole.
        child = family.children.filter(pk=child_id, school=school_family.school).first()
        if child is not None:
            initial["parents"] = adults_linked_to(family.parents.all(), [child])
    form = PlacementForm(
        request.POST or None,
        family=family,
        school=school_family.school,
        steps=steps,
        initial=initial,
    )
    next_url = local_next(request)
    compass_url = reverse("compass:family-compass", args=[family.pk])
    if done := once.earlier(request, fallback=compass_url):  # sent twice: placed once
        return redirect(done)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            data = form.cleaned_data
            try:
                with once.spend(request) as spent:
                    placement = placement_record(
                        school=school_family.school,
                        family=family,
                        placed_by=request.user,
                        **{k: v for k, v in data.items() if k not in ("parents", "named_staff")},
                        parents=data["parents"],
                        named_staff=data["named_staff"],
                    )
                    spent.made(placement, next_url or compass_url)
            except once.AlreadySubmitted as exc:
                return redirect(exc.url)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, f"{family.name} placed on the compass: {placement.region_label}."
                )
                # After the save, never instead of it: a phrase that labels or blames.
                hints.save_messages(request, hints.check_on_save(request, data["evidence"]))
                return redirect(next_url or compass_url)
    return render(
        request,
        "compass/placement_form.html",
        {"form": form, "family": family, "latest": latest, "next": next_url},
    )


def _get_placement_for_user(
    request: SchoolRequest, pk: int, *, withdraw: bool = False
) -> Placement:
    """A current placement of a family this user works with (404 otherwise, another school's
    too); a role that never sees families gets 403, and so does, with `withdraw`, someone who
    may not withdraw it (only its author, pastoral staff and headteachers may)."""
    school = request.school
    if school is None or not Placement.objects.filter(school=school, pk=pk).exists():
        raise Http404("No such placement.")
    if not access.works_with_families(request.user, school):
        raise PermissionDenied
    placement = (
        Placement.objects.visible_to(request.user, school)
        .select_related("family", "placed_by")
        .filter(pk=pk)
        .first()
    )
    if placement is None:
        raise Http404("No such placement.")
    if withdraw and not access.may_withdraw_record(
        request.user, school, author_ids=[placement.placed_by_id]
    ):
        raise PermissionDenied
    return placement


@require_http_methods(["GET", "POST"])
def placement_withdraw_view(request: SchoolRequest, pk: int):
    """Withdraw a placement made in error, with a reason (it is never deleted). GET asks for
    the reason; POST withdraws."""
    placement = _get_placement_for_user(request, pk, withdraw=True)
    back = reverse("families:family-detail", args=[placement.family_id]) + "#chronology"
    return withdraw_page(
        request,
        withdraw=lambda reason: placement_withdraw(
            placement=placement, withdrawn_by=request.user, reason=reason
        ),
        noun="Placement",
        label="this compass placement",
        description=f"Placed in “{placement.region_label}” on "
        f"{placement.placed_at:%d %b %Y} by {placement.placed_by.get_full_name()}.",
        done_url=back,
        cancel_url=back,
    )
