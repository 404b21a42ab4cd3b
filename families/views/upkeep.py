"""Staff keep the family up to date from its page: add a parent or carer, change who is who to
a child, add a brother or sister, record or lift a restriction. Who may do which is in
portal/access.py (may_keep_child_up_to_date, may_record_restriction)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from families import upkeep
from families.access import family_for
from families.models import Child, ChildParent, ParentCarer
from families.staff_records import Restriction
from families.upkeep_forms import (
    ChildAddForm,
    LinkForm,
    ParentAddForm,
    RestrictionForm,
    RestrictionLiftForm,
)
from portal import access
from portal.http import SchoolRequest
from portal.lib import conflicts, saving


def _children_here(request: SchoolRequest, school_family):
    return Child.objects.filter(
        family_id=school_family.family_id, school=request.school, left_on__isnull=True
    ).select_related("class_group")


def _taught_ids(request: SchoolRequest, school_family) -> set[int]:
    return set(
        _children_here(request, school_family)
        .filter(class_group__staff=request.user)
        .values_list("pk", flat=True)
    )


def keepable_children(request: SchoolRequest, school_family):
    """The family's current pupils here whose who-is-who this user may change (none: 403)."""
    children = _children_here(request, school_family).order_by("first_name", "pk")
    if access.may_keep_child_up_to_date(request.user, request.school, teaches_child=False):
        return children
    taught = _taught_ids(request, school_family)
    if access.may_keep_child_up_to_date(request.user, request.school, teaches_child=bool(taught)):
        return children.filter(pk__in=taught)
    return children.none()


def _family_for_upkeep(request: SchoolRequest, pk: int):
    """The family (404 as for its page), and the children this user may keep up to date; 403
    if none."""
    school_family = family_for(request, pk, for_page=True)
    children = keepable_children(request, school_family)
    if not children.exists():
        raise PermissionDenied
    return school_family, children


def _page(request: SchoolRequest, template, school_family, **context):
    return render(
        request,
        template,
        {"school_family": school_family, "family": school_family.family, **context},
    )


@require_http_methods(["GET", "POST"])
def parent_add(request: SchoolRequest, pk: int):
    """A parent or carer new to the portal, linked to one or more of the family's children."""
    school_family, children = _family_for_upkeep(request, pk)
    form = ParentAddForm(
        request.POST or None,
        instance=ParentCarer(family=school_family.family),
        children=children,
        initial={"children": list(children)} if children.count() == 1 else None,
    )
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            parent = upkeep.parent_add(
                family=school_family.family,
                children=list(form.cleaned_data["children"]),
                values=form.parent_values(),
                relationship=form.cleaned_data["relationship"],
                parental_responsibility=form.cleaned_data["parental_responsibility"],
                lives_with_child=form.cleaned_data["lives_with_child"],
                by=request.user,
            )
            messages.success(request, f"{parent.full_name} is added to the family.")
            return redirect("families:family-detail", pk=pk)
    return _page(request, "families/upkeep_parent_add.html", school_family, form=form)


@require_http_methods(["GET", "POST"])
def link_edit(request: SchoolRequest, pk: int, link_pk: int):
    """Who a parent or carer is to one child: relationship, parental responsibility, whether
    the child lives with them, and which home they live in."""
    school_family, children = _family_for_upkeep(request, pk)
    # Another family's link, or a child this teacher does not teach: a 404.
    link = get_object_or_404(
        ChildParent.objects.select_related("child", "parent__family"),
        pk=link_pk,
        child__in=children,
    )
    form = LinkForm(request.POST or None, instance=link)
    conflict = None
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                with transaction.atomic():
                    # The row as saved (locked): the form has already put its values on
                    # `link`, so what changed is read against this copy.
                    current = conflicts.check_unchanged(
                        link, form.cleaned_data.get(conflicts.FIELD)
                    )
                    changed = upkeep.link_change(
                        link=current,
                        values=form.link_values(),
                        household=form.cleaned_data["household"],
                        by=request.user,
                    )
            except conflicts.EditConflict as exc:
                current = ChildParent.objects.select_related("child", "parent").get(
                    pk=exc.current.pk
                )
                conflict = conflicts.compare(form, LinkForm(instance=current))
            else:
                messages.success(
                    request,
                    f"Saved who {link.parent.full_name} is to {link.child.first_name}."
                    if changed
                    else "Nothing had changed, so nothing was saved.",
                )
                return redirect("families:family-detail", pk=pk)
    return _page(
        request, "families/upkeep_link.html", school_family, form=form, link=link, conflict=conflict
    )


@require_http_methods(["GET", "POST"])
def child_add(request: SchoolRequest, pk: int):
    """A brother or sister joining (or already at) the school, in the same family."""
    school_family, children = _family_for_upkeep(request, pk)
    adults = ParentCarer.objects.filter(family_id=school_family.family_id).order_by(
        "first_name", "pk"
    )
    form = ChildAddForm(
        request.POST or None,
        instance=Child(family=school_family.family, school=request.school),
        school=request.school,
        adults=adults,
        initial={"parents": list(adults), "last_name": _common_last_name(children)},
    )
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            child = upkeep.child_add(
                family=school_family.family,
                school=request.school,
                values=form.child_values(),
                parents=list(form.cleaned_data["parents"]),
                by=request.user,
            )
            messages.success(request, f"{child.full_name} is added to the family.")
            return redirect("families:family-detail", pk=pk)
    return _page(request, "families/upkeep_child_add.html", school_family, form=form)


def _common_last_name(children) -> str:
    names = {c.last_name for c in children}
    return names.pop() if len(names) == 1 else ""


def _restriction_target(request: SchoolRequest, pk: int, parent_pk: int):
    """The family, and one of its adults, for those who may record or lift a restriction."""
    school_family = family_for(request, pk, may=access.may_record_restriction, for_page=True)
    parent = get_object_or_404(ParentCarer, pk=parent_pk, family_id=school_family.family_id)
    links = (
        ChildParent.objects.filter(
            parent=parent, child__school=request.school, child__left_on__isnull=True
        )
        .select_related("child")
        .order_by("child__first_name", "pk")
    )
    return school_family, parent, links


@require_http_methods(["GET", "POST"])
def restriction_add(request: SchoolRequest, pk: int, parent_pk: int):
    """Pastoral staff and the headteacher record a restriction on a parent or carer."""
    school_family, parent, links = _restriction_target(request, pk, parent_pk)
    open_links = links.filter(restriction="")
    form = RestrictionForm(request.POST or None, links=open_links)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            try:
                upkeep.restriction_record(
                    links=list(form.cleaned_data["links"]),
                    words=form.cleaned_data["words"],
                    source=form.cleaned_data["source"],
                    source_detail=form.cleaned_data["source_detail"],
                    dated=form.cleaned_data["dated"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"The restriction on {parent.full_name} is recorded.")
                return redirect("families:family-detail", pk=pk)
    return _page(
        request,
        "families/upkeep_restriction.html",
        school_family,
        form=form,
        parent=parent,
        restricted=[link for link in links if link.is_restricted],
        history=_restrictions_of(parent),
    )


@require_http_methods(["GET", "POST"])
def restriction_lift(request: SchoolRequest, pk: int, parent_pk: int):
    """Pastoral staff and the headteacher lift a restriction: when, why and by whom are kept."""
    school_family, parent, links = _restriction_target(request, pk, parent_pk)
    restricted = links.exclude(restriction="")
    form = RestrictionLiftForm(request.POST or None, links=restricted)
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            upkeep.restriction_lift(
                links=list(form.cleaned_data["links"]),
                lifted_on=form.cleaned_data["lifted_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            messages.success(request, f"The restriction on {parent.full_name} is lifted.")
            return redirect("families:family-detail", pk=pk)
    return _page(
        request,
        "families/upkeep_restriction_lift.html",
        school_family,
        form=form,
        parent=parent,
        restricted=list(restricted),
        history=_restrictions_of(parent),
    )


def _restrictions_of(parent) -> list[Restriction]:
    """Every restriction recorded on this adult, current and lifted, newest first."""
    return list(
        Restriction.objects.filter(link__parent=parent)
        .select_related("link__child", "recorded_by", "lifted_by")
        .order_by("-recorded_at", "-pk")[:50]
    )


def upkeep_context(request: SchoolRequest, school_family, children) -> dict:
    """What the family page offers this user for keeping the family up to date: the ids of
    the shown children whose who-is-who they may change, and whether they may record or lift
    a restriction. No query for pastoral staff and headteachers, one for a teacher whose
    school allows it, none for other teachers."""
    user, school = request.user, request.school
    if access.may_keep_child_up_to_date(user, school, teaches_child=False):
        child_ids = {c.pk for c in children}
    elif access.may_keep_child_up_to_date(user, school, teaches_child=True):
        child_ids = {c.pk for c in children} & _taught_ids(request, school_family)
    else:
        child_ids = set()
    return {
        "child_ids": child_ids,
        "can_record_restriction": access.may_record_restriction(user, school),
    }
