"""The family list: filters by GET, name search by POST (names never go in the URL)."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from families.access import require_family_worker
from families.filters import CUTOFF_KINDS, FamilyFilter
from families.forms import FamilySearchForm
from families.list_rows import draw_rows
from families.models import Child, ParentCarer, SchoolFamily, anything_hidden, with_pupils
from families.views.paging import page_of, with_total
from portal.compiled import MAX_SHAPES, SCHOOL, SHAPE, USER, Compiled
from portal.http import SchoolRequest
from portal.lib.search import search_recall, search_remember

SEARCH_SESSION_KEY = "families_search"
# Per school: whether a contact was hidden from the user when they last read the list (which
# of its two reads to try first: see _summarised_rows).
HIDDEN_KEY = "families_list_hidden"
PER_PAGE = 25


def _search_term(request: SchoolRequest) -> str:
    return search_recall(request, SEARCH_SESSION_KEY)


def _name_search(queryset, school, term: str):
    """Each word must match the family's name, a current pupil's name here or a parent's."""
    for word in term.split():
        pupils = Child.objects.filter(family=OuterRef("family"), school=school).filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
        parents = ParentCarer.objects.filter(family=OuterRef("family")).filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
        queryset = queryset.filter(
            Q(family__name__icontains=word) | Exists(pupils) | Exists(parents)
        )
    return queryset


@require_GET
def family_list(request: SchoolRequest):
    """The families this person works with, filtered and sorted, their own pupils' first."""
    require_family_worker(request)
    school = request.school
    term = _search_term(request)
    filterset = FamilyFilter(
        request.GET, queryset=SchoolFamily.objects.none(), school=school, user=request.user
    )

    def queryset():
        rows = (
            SchoolFamily.objects.visible_to(request.user, school)
            .for_list(request.user, school)
            .with_seen_summary(request.user, school)
        )
        if term:
            rows = _name_search(rows, school, term)
        # The same filters, validated once: only the rows they narrow are built here.
        filterset.queryset = rows
        ordered = (
            filterset.qs if filterset.is_valid() else rows.order_by("-is_mine", "family__name")
        )
        return ordered.fetch_mode(models.FETCH_PEERS)

    rows_for = None
    if not term:
        # The list's read is built once per process and shape, its filters being the shape
        # (portal.compiled); a name search is built each time. Whether the filters are valid
        # is part of it too: that depends on the school's data (a year group, a class), and
        # an invalid filter drops them all.
        filters = tuple(sorted((k, tuple(v)) for k, v in request.GET.lists() if k != "page"))
        valid = filterset.is_valid()
        # (Invalid filters are all dropped: no cut-off reaches the read.)
        cutoffs = filterset.date_cutoffs() if valid else {}

        def rows_for(bottom: int, top: int) -> list:
            return _summarised_rows(
                request, filters=filters, valid=valid, span=(bottom, top), cutoffs=cutoffs
            )

    page = page_of(
        queryset if rows_for else queryset(), PER_PAGE, request.GET.get("page"), rows_for
    )
    return render(
        request,
        "families/family_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": draw_rows(page.object_list),
            "search_form": FamilySearchForm(initial={"q": term}),
            "search_term": term,
            "may_record_child_before_start": request.user.has_perm(
                "families.record_child_before_start", school
            ),
        },
    )


def _summarised_rows(
    request: SchoolRequest, *, filters: tuple, valid: bool, span: tuple, cutoffs: dict
):
    """The page's rows, their contact summaries counting only contacts this user may read.

    While no contact is hidden from the user, the stored summaries are those; otherwise every
    summary is worked out from the readable contacts (SchoolFamilyQuerySet.with_seen_summary).
    That test is asked in the list's query; when the last list found nothing hidden (the
    session remembers, per school), the stored summaries alone are read instead, with the
    test asked once as a column (`seen_hidden`): rows read so when something was hidden after
    all are read again, in full, before anything of them is shown. An empty page read so is
    checked with one more read."""
    user, school = request.user, request.school
    values = {
        "user": user,
        "school": school,
        "filters": filters,
        "valid": valid,
        "span": span,
        **cutoffs,
    }
    remembered = request.session.get(HIDDEN_KEY, {})
    known = remembered.get(str(school.pk))  # None until the session knows
    # Until it knows, the read that is right either way.
    stored = known is False
    rows = _rows(**values, stored=stored)
    # An empty page read from the stored summaries is asked about once more.
    found = rows[0].seen_hidden if rows else (anything_hidden(user, school) if stored else known)
    if found is not None and found != known:
        request.session[HIDDEN_KEY] = {**remembered, str(school.pk): found}
    if found and stored:
        rows = _rows(**values, stored=False)
    return with_pupils(rows, school)


def _list_rows(
    user, school, filters: tuple, valid: bool, span: tuple[int, int], stored: bool, **cutoffs
):
    rows = (
        SchoolFamily.objects.visible_to(user, school)
        .for_list(user, school, pupils=False)
        .with_seen_summary(user, school, stored=stored, guard=True)
    )
    query = QueryDict(mutable=True)
    for key, values in filters:
        query.setlist(key, list(values))
    filterset = FamilyFilter(query, queryset=rows, school=school, user=user, cutoffs=cutoffs)
    queryset = filterset.qs if filterset.is_valid() else rows.order_by("-is_mine", "family__name")
    return with_total(queryset.fetch_mode(models.FETCH_PEERS))[span[0] : span[1]]


# The list's first pages are prepared statements, planned once per connection and shape: the
# school's id, the sort and the page are constants of their SQL, so the one plan knows them
# (portal.compiled). Planned afresh on every run a list cost about 1 ms of planning, and 3 ms
# for a class teacher, whose rows are narrowed to their own families. (Before the key contact's
# name was read by a lookup of its own, the one plan took a deep page from 4 to 25 ms: measure
# a new column's plan on a deep page at authority size.) Deeper pages, opened far less, are
# planned on each run instead: each prepared statement is kept on its connection (at most
# MAX_PREPARED, then all are let go), and every page of every list would crowd out the reads
# every page makes.
PREPARED_PAGES = 2
_ROW_KINDS = {
    "user": USER,
    "school": SCHOOL,
    "filters": SHAPE,
    "valid": SHAPE,
    "span": SHAPE,
    "stored": SHAPE,
}
# One kept read per set of date cut-offs the filters use (each cut-off a named value: worked
# out from "now" inside the build, a date would have made the read build afresh on every page;
# a filter by weeks without contact took the ORM 15 ms to build, three times the query), and
# per first pages or deeper. Together they keep MAX_SHAPES shapes at most, as one read would.
_rows_by_cutoffs: dict[tuple[frozenset[str], bool], Compiled] = {}


def _rows(**values) -> list:
    cutoffs = frozenset(values) - set(_ROW_KINDS)
    prepare = values["span"][0] < PREPARED_PAGES * PER_PAGE
    read = _rows_by_cutoffs.get((cutoffs, prepare))
    if read is None:
        kinds = {name: CUTOFF_KINDS[name] for name in cutoffs}
        read = Compiled(_list_rows, prepare=prepare, **_ROW_KINDS, **kinds)
        _rows_by_cutoffs[(cutoffs, prepare)] = read
    if sum(kept.shapes for kept in _rows_by_cutoffs.values()) >= MAX_SHAPES:
        for kept in _rows_by_cutoffs.values():
            kept.forget()
    return read(**values)


@require_POST
def family_search(request: SchoolRequest):
    """Keep the name searched for in the session and show the list; an empty term clears it."""
    require_family_worker(request)
    form = FamilySearchForm(request.POST)
    term = form.cleaned_data["q"] if form.is_valid() else ""
    search_remember(request, SEARCH_SESSION_KEY, "" if "clear" in request.POST else term)
    # Only the list's own filter parameters come back: they hold no names.
    filters = QueryDict(request.POST.get("filters", ""), mutable=True)
    for key in list(filters):
        if key not in FamilyFilter.base_filters:
            del filters[key]
    url = reverse("families:family-list")
    return redirect(f"{url}?{filters.urlencode()}" if filters else url)
