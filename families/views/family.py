"""The family page, its chronology (page, htmx fragment, CSV, print) and its key contact."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q, Window
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

import audit
from families import chronology, extensions
from families.access import family_for
from families.contact_entry import ContactDrawing
from families.family_drawing import FamilyDrawing
from families.forms import KeyContactForm, ParentPreferencesForm, StrengthsForm
from families.models import (
    Child,
    Contact,
    ParentCarer,
    Restriction,
    Tone,
    amendments_exist,
    contacts_named,
    links_with_restrictions,
    with_amendments,
)
from families.rules import edits_contact
from families.services import key_contact_set
from families.views.upkeep import upkeep_context
from portal import access
from portal.compiled import SCHOOL, SHAPE, USER, Compiled, attach_related
from portal.http import SchoolRequest
from portal.lib import conflicts, saving
from portal.lib.limits import parse_id
from portal.lib.spreadsheets import csv_response
from portal.lib.staff import person_columns, shared_people

CONTACT_KIND = "contact"
# The newest entries first; "Show older entries" adds as many again (the print and CSV exports
# take the whole chronology, or what its filter chose). Twenty covers about a year of an
# ordinary family's contact.
DEFAULT_LIMIT = 20
# Window counts read with the chronology's contacts: the family's balance, by tone.
BALANCE_COLUMNS = {tone: f"balance_{tone}" for tone in Tone.values}
MAX_LIMIT = 1000
# The staff a chronology entry names: who wrote it, who owns its follow-up, who withdrew it.
CONTACT_PEOPLE = ("staff", "follow_up_owner", "withdrawn_by")


@dataclass
class ChronologyFilter:
    kind: str = ""
    child_id: int | None = None
    limit: int = DEFAULT_LIMIT
    period: extensions.Period = field(default_factory=extensions.Period)
    # The date range as typed, with a plain message beside a date that cannot be used.
    dates: chronology.ChronologyPeriodForm | None = None

    @property
    def narrowed(self) -> bool:
        return bool(self.kind or self.child_id or self.period)

    def query(self, *, limit: int | None = None) -> str:
        """The filter as a query string, for links that keep it (older entries, exports)."""
        params = {"kind": self.kind, "child": self.child_id or ""}
        if self.dates is not None:
            params |= {
                "date_from": self.dates.data.get("date_from", ""),
                "date_to": self.dates.data.get("date_to", ""),
            }
        if limit is not None:
            params["limit"] = limit
        return urlencode({k: v for k, v in params.items() if v})


def _kinds(request: SchoolRequest) -> list[tuple[str, str]]:
    return [
        (CONTACT_KIND, "Contact"),
        *((s.kind, s.kind_label) for s in extensions.timeline_sources() if s.offered_to(request)),
    ]


def _chronology_filter(request: SchoolRequest, children=None) -> ChronologyFilter:
    """Read the chronology's filters from the query string, ignoring anything unknown; a date
    that cannot be used is left out, with a message to show beside its field. Without `children`
    (the exports) any child id is taken: one of another family's matches none of these entries.
    """
    chosen = ChronologyFilter()
    kind = request.GET.get("kind", "")
    if kind in dict(_kinds(request)):
        chosen.kind = kind
    child_id = parse_id(request.GET.get("child", ""))
    if child_id is not None and (children is None or child_id in {c.pk for c in children}):
        chosen.child_id = child_id
    with contextlib.suppress(ValueError):
        chosen.limit = max(1, min(MAX_LIMIT, int(request.GET.get("limit", DEFAULT_LIMIT))))
    chosen.dates = chronology.ChronologyPeriodForm(
        {name: request.GET.get(name, "")[:100] for name in ("date_from", "date_to")}
    )
    chosen.period = chosen.dates.period()
    return chosen


def _visible_contacts(request: SchoolRequest, school_family):
    """This family's contacts the user may read. Callers hold a school_family from
    family_for, so the family is already visible: only confidentiality is left to
    check (repeating the family check added a semi-join whose cost grew with the authority)."""
    return Contact.objects.readable_by(request.user, request.school).filter(
        family_id=school_family.family_id
    )


def _contact_entries(request: SchoolRequest, school_family, chosen: ChronologyFilter) -> list:
    """The family's contacts the user may read, newest first; withdrawn ones (read in the
    same query) become collapsed entries with who withdrew them, when and why."""
    if chosen.child_id or chosen.period:
        contacts = _family_contacts(request.user, request.school, school_family.family_id)
        contacts = chosen.period.narrow(contacts, "occurred_at")
        if chosen.child_id:
            contacts = contacts.filter(children=chosen.child_id)
        read = list(contacts.fetch_mode(models.FETCH_RAISE)[: chosen.limit])
    else:
        newest = _newest_contacts(
            user=request.user,
            school=request.school,
            family_id=school_family.family_id,
            limit=chosen.limit,
        )
        read = with_amendments(shared_people(newest, *CONTACT_PEOPLE))
    contacts = contacts_named(read)
    drawing = ContactDrawing()
    # Who may amend or withdraw a contact turns only on its author: asked once for each.
    may_amend, may_withdraw = {}, {}
    entries = []
    for contact in contacts:
        if contact.is_withdrawn:
            entries.append(
                extensions.TimelineEntry(
                    when=contact.occurred_at,
                    kind=CONTACT_KIND,
                    kind_label="Contact",
                    template="includes/withdrawn_entry.html",
                    obj=contact,
                    child_ids=contact.child_ids,
                    withdrawn=True,
                )
            )
            continue
        # Whether this user may edit it in place: the rule behind "families.edit_contact"
        # (families.rules.edits_contact), asked directly, at a quarter of has_perm's cost; a
        # superuser may, as has_perm would say.
        contact.can_edit = request.user.is_superuser or edits_contact(request.user, contact)
        author = contact.staff_id
        if author not in may_amend:
            may_amend[author] = access.may_edit_record(
                request.user, request.school, author_id=author
            )
            may_withdraw[author] = access.may_withdraw_record(
                request.user, request.school, author_ids=[author]
            )
        contact.can_amend, contact.can_withdraw = may_amend[author], may_withdraw[author]
        entries.append(
            extensions.TimelineEntry(
                when=contact.occurred_at,
                kind=CONTACT_KIND,
                kind_label="Contact",
                template="",
                obj=contact,
                child_ids=contact.child_ids,
                tone=contact.tone,
                export=lambda contact=contact: chronology.contact_rows(contact),
                draw=lambda contact=contact: drawing.draw(contact),
            )
        )
    return entries


def _family_contacts(user, school, family_id, *, amendments: bool = True):
    readable = Contact.all_objects.readable_by(user, school).filter(family_id=family_id)
    return readable.for_chronology(amendments=amendments)


# The whole chronology's newest entries, built once per process and shape (portal.compiled).
# The family's balance rides along: window counts over every contact the user may read (not
# only this page of them), so the page needs no query of its own for it.
_newest_contacts = Compiled(
    lambda user, school, family_id, limit: (
        Contact.all_objects.readable_by(user, school)
        .filter(family_id=family_id)
        .annotate(
            # Who wrote, owns and withdrew each (for_chronology's select_related): their names'
            # columns, one user made for each person (shared_people).
            **person_columns(*CONTACT_PEOPLE),
            **{
                name: Window(Count("pk", filter=Q(tone=tone, withdrawn_at__isnull=True)))
                for tone, name in BALANCE_COLUMNS.items()
            },
            has_amendments=amendments_exist(),
        )
        .fetch_mode(models.FETCH_RAISE)[:limit]
    ),
    user=USER,
    school=SCHOOL,
    family_id=int,
    limit=SHAPE,
)


def chronology_entries(request: SchoolRequest, school_family, chosen: ChronologyFilter) -> list:
    """Contacts and every registered source's entries, newest first, filtered as chosen."""
    entries = []
    if chosen.kind in ("", CONTACT_KIND):
        entries += _contact_entries(request, school_family, chosen)
    for source in extensions.timeline_sources():
        if chosen.kind not in ("", source.kind):
            continue
        if source.takes_period:
            found = source.entries(request, school_family, chosen.limit, chosen.period)
        else:
            found = source.entries(request, school_family, chosen.limit)
        if chosen.child_id:
            found = [e for e in found if chosen.child_id in e.child_ids]
        if chosen.period:
            found = [e for e in found if chosen.period.holds(e.when)]
        entries += found
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[: chosen.limit]


def _balance(request: SchoolRequest, school_family, entries=()) -> dict:
    """Positive, neutral and concern contacts among those this user may see: from the window
    counts on the chronology's contacts when it read the whole family's, else one aggregate.
    (Three correlated counts on the family's own row saved a round trip too, but took the ORM
    three times as long to build as the query takes to run.)"""
    read = next((e.obj for e in entries if e.kind == CONTACT_KIND), None)
    if read is not None and hasattr(read, BALANCE_COLUMNS[Tone.POSITIVE]):
        counts = {tone: getattr(read, name) for tone, name in BALANCE_COLUMNS.items()}
    else:
        counts = _visible_contacts(request, school_family).aggregate(
            **{tone: Count("pk", filter=Q(tone=tone)) for tone in BALANCE_COLUMNS}
        )
    counts["total"] = sum(counts.values())
    return counts


def _current_children(request: SchoolRequest, school_family) -> tuple[list, int]:
    """The family's current pupils at this school with their parents, and how many of its
    children attend other schools, in one read (and the family's links, shared with its
    parents: extensions.family_links)."""
    children = _children_of(family_id=school_family.family_id)
    if children:
        # Each child's links to their parents (`child.parent_links.all()`).
        links = extensions.family_links(request, school_family)
        attach_related(children, "parent_links", links, _PARENT_LINKS)
    here = [c for c in children if c.school_id == school_family.school_id]
    return here, len(children) - len(here)


# The family page's children, built once per process (portal.compiled).
_children_of = Compiled(
    lambda family_id: (
        Child.objects.filter(family_id=family_id, left_on__isnull=True)
        .select_related("class_group")
        .order_by("first_name")
    ),
    family_id=int,
)
# The links' own queryset, built once: a query chained from a child's links starts from it.
_PARENT_LINKS = links_with_restrictions()


def _children(request: SchoolRequest, school_family):
    return _current_children(request, school_family)[0]


def _chronology_context(request: SchoolRequest, school_family, children) -> dict:
    chosen = _chronology_filter(request, children)
    entries = chronology_entries(request, school_family, chosen)
    more = len(entries) >= chosen.limit
    return {
        "entries": entries,
        "chosen": chosen,
        "kinds": _kinds(request),
        "balance": _balance(request, school_family, entries),
        "more_query": chosen.query(limit=chosen.limit + DEFAULT_LIMIT) if more else None,
        "export_query": chosen.query(),
    }


def _log_views(request: SchoolRequest, school_family, entries) -> None:
    """The access log: the family page itself, and each confidential contact it showed."""
    family = school_family.family
    confidential = [
        e.obj
        for e in entries
        if e.kind == CONTACT_KIND
        and not e.withdrawn
        and e.obj.confidentiality != Contact.Confidentiality.SCHOOL
    ]
    audit.record_many(request, action=audit.VIEW, objs=[family, *confidential], family=family)


@require_GET
def family_detail(request: SchoolRequest, pk: int):
    """Strengths first, then the family's shape and preferences, then the chronology."""
    school_family = family_for(request, pk, for_page=True)
    children, elsewhere_count = _current_children(request, school_family)
    context = {
        "school_family": school_family,
        "family": school_family.family,
        "children": children,
        **_chronology_context(request, school_family, children),
    }
    _log_views(request, school_family, context["entries"])
    if request.htmx and request.htmx.target == "chronology":
        return render(request, "families/family_detail.html#chronology", context)
    parents = sorted(extensions.family_parents(request, school_family), key=lambda p: p.first_name)
    may_see_details = access.may_see_restricted_contact_details(
        request.user, request.school, key_contact_id=school_family.key_contact_id
    )
    for parent in parents:
        # A restricted adult's phone, e-mail and home are for those who need them to honour it.
        parent.details_shown = may_see_details or not parent.is_restricted
    hidden = {p.pk for p in parents if not p.details_shown}
    for child in children:
        for link in child.parent_links.all():
            link.household_shown = link.parent_id not in hidden
            link.restriction_source_label = (
                Restriction.Source(link.restriction_source).label if link.restriction_source else ""
            )
    can_edit_strengths = _may_edit_strengths(request, school_family)
    upkeep = upkeep_context(request, school_family, children)
    drawing = FamilyDrawing(
        school_family.family, upkeep=upkeep, can_edit_strengths=can_edit_strengths
    )
    context |= {
        "parents": parents,
        "upkeep": upkeep,
        "elsewhere_count": elsewhere_count,
        "who_is_who": drawing.who_is_who(children, elsewhere_count),
        "ways_to_reach": drawing.ways_to_reach(parents),
        "sections": [
            {"template": section.template, **ctx}
            for section in extensions.sections()
            if (ctx := section.context(request, school_family)) is not None
        ],
        "can_edit_strengths": can_edit_strengths,
        "strengths_changed": _family_changed(school_family),
        "can_set_key_contact": request.user.has_perm("families.set_key_contact", request.school),
        "can_see_audit": access.may_see_family_audit(request.user, request.school),
        "key_contact_form": KeyContactForm(instance=school_family, school=request.school),
    }
    return render(request, "families/family_detail.html", context)


def _family_changed(school_family) -> dict | None:
    """When the family's record last changed and by whom ("" for a change by the system)."""
    if school_family.family_changed_at is None:
        return None
    first = school_family.family_changed_by_first or ""
    last = school_family.family_changed_by_last or ""
    return {"at": school_family.family_changed_at, "by": f"{first} {last}".strip()}


def _back_to_the_dates(request: SchoolRequest, pk: int, chosen: ChronologyFilter, done: str):
    """An export asked for with a date it cannot use: back to the family page, which shows the
    filter with a message beside that date."""
    messages.error(request, f"The chronology was not {done}: check the dates.")
    url = reverse("families:family-detail", args=[pk])
    return redirect(f"{url}?{chosen.query()}#chronology")


@require_GET
def family_export_csv(request: SchoolRequest, pk: int):
    """The chronology as a spreadsheet, as filtered on the page, holding only what this user
    may see: one row per entry (and per amendment), in plain text."""
    school_family = family_for(request, pk, for_page=True)
    chosen = _chronology_filter(request)
    if chosen.dates.errors:
        return _back_to_the_dates(request, pk, chosen, "downloaded")
    audit.record(
        request, action=audit.EXPORT, obj=school_family.family, family=school_family.family
    )
    chosen.limit = MAX_LIMIT
    entries = chronology_entries(request, school_family, chosen)
    return csv_response(
        f"chronology-{pk}",
        chronology.CSV_HEADER,
        (chronology.csv_cells(row) for row in chronology.export_rows(request, entries)),
    )


@require_GET
def family_print(request: SchoolRequest, pk: int):
    """A printable chronology (the print stylesheet hides the site's chrome)."""
    school_family = family_for(request, pk, for_page=True)
    children = _children(request, school_family)
    chosen = _chronology_filter(request, children)
    if chosen.dates.errors:
        return _back_to_the_dates(request, pk, chosen, "printed")
    audit.record(request, action=audit.PRINT, obj=school_family.family, family=school_family.family)
    chosen.limit = MAX_LIMIT
    entries = chronology_entries(request, school_family, chosen)
    return render(
        request,
        "families/family_print.html",
        {
            "school_family": school_family,
            "family": school_family.family,
            "children": children,
            "entries": entries,
            "chosen": chosen,
            "balance": _balance(request, school_family, entries),
            "printed_at": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def family_key_contact(request: SchoolRequest, pk: int):
    """Pastoral staff and headteachers name the family's key member of staff."""
    school_family = family_for(
        request,
        pk,
        may=lambda user, school: user.has_perm("families.set_key_contact", school),
        for_page=True,
    )
    form = KeyContactForm(request.POST or None, instance=school_family, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            key_contact_set(
                school_family=school_family,
                key_contact=form.cleaned_data["key_contact"],
                changed_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            person = school_family.key_contact
            messages.success(
                request,
                f"{person.get_full_name()} is now the key contact."
                if person
                else "The family has no key contact now.",
            )
            return redirect("families:family-detail", pk=pk)
    return render(
        request,
        "families/family_key_contact.html",
        {"school_family": school_family, "family": school_family.family, "form": form},
    )


def _may_edit_strengths(request: SchoolRequest, school_family) -> bool:
    # The key contact stands in for the "author" of a family's strengths.
    return access.may_edit_record(
        request.user, request.school, author_id=school_family.key_contact_id
    )


@require_http_methods(["GET", "POST"])
def parent_preferences(request: SchoolRequest, pk: int, parent_pk: int):
    """The key contact, pastoral staff and headteachers keep a parent's preferences current."""
    school_family = family_for(request, pk, for_page=True)
    if not _may_edit_strengths(request, school_family):
        raise PermissionDenied
    # A parent of another family is a 404, like any record the user cannot see.
    parent = get_object_or_404(ParentCarer, pk=parent_pk, family_id=school_family.family_id)
    form = ParentPreferencesForm(request.POST or None, instance=parent)
    conflict = None
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            parent._history_user = request.user
            conflict = conflicts.save_unless_changed(
                form, form.save, theirs=lambda current: ParentPreferencesForm(instance=current)
            )
            if conflict is None:
                messages.success(request, f"Saved how to reach {parent.full_name}.")
                return redirect("families:family-detail", pk=pk)
    return render(
        request,
        "families/parent_preferences.html",
        {
            "school_family": school_family,
            "family": school_family.family,
            "parent": parent,
            "form": form,
            "conflict": conflict,
        },
    )


@require_http_methods(["GET", "POST"])
def family_strengths(request: SchoolRequest, pk: int):
    """The key contact, pastoral staff and headteachers record strengths and exceptions."""
    school_family = family_for(request, pk, for_page=True)
    if not _may_edit_strengths(request, school_family):
        raise PermissionDenied
    family = school_family.family
    form = StrengthsForm(request.POST or None, instance=family)
    conflict = None
    if request.method == "POST" and form.is_valid():
        with saving.kept_if_connection_lost(request, form):
            family._history_user = request.user
            conflict = conflicts.save_unless_changed(
                form, form.save, theirs=lambda current: StrengthsForm(instance=current)
            )
            if conflict is None:
                messages.success(request, "Strengths and exceptions saved.")
                return redirect("families:family-detail", pk=pk)
    return render(
        request,
        "families/family_strengths.html",
        {"school_family": school_family, "family": family, "form": form, "conflict": conflict},
    )
