"""Paging without a separate COUNT query: the total rides along with the page's rows."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Window

from portal.lib.limits import BIGINT_MAX

TOTAL = "_paging_total"


def rows_and_total(queryset, start: int, stop: int) -> tuple[list, int | None]:
    """Rows [start:stop] of the queryset and how many rows it has in all, in one query (a
    window count over the filtered rows). The total is None when the slice is empty."""
    return total_of(list(with_total(queryset)[start:stop]))


def with_total(queryset):
    """The queryset with each row carrying how many rows it has in all (see total_of)."""
    return queryset.annotate(**{TOTAL: Window(Count("pk"))})


def total_of(rows: list) -> tuple[list, int | None]:
    """The rows of a with_total read, and the total they carry (None when there are none)."""
    return rows, (getattr(rows[0], TOTAL) if rows else None)


def page_of(queryset, per_page: int, number, rows_for=None) -> Page:
    """Like Paginator(queryset, per_page).get_page(number), one query fewer: the count comes
    with the rows. Only a page past the end (a stale link) pays for a COUNT and a second read.
    `rows_for(bottom, top)`, if given, reads the rows with their total instead (a compiled
    read of the same queryset: portal.compiled), and `queryset` may then be a function that
    builds it, called only for a page past the end."""
    if rows_for is not None:
        return _page_read(queryset, per_page, number, rows_for)
    paginator = Paginator(queryset, per_page)
    wanted = _wanted(number, per_page)
    bottom = (wanted - 1) * per_page
    rows, total = rows_and_total(queryset, bottom, bottom + per_page)
    if total is None:
        total = 0 if wanted == 1 else queryset.count()
        paginator.count = total  # the cached_property, set from what we know
        if total and wanted > 1:
            return paginator.get_page(wanted)
    paginator.count = total
    try:
        number = paginator.validate_number(wanted)
    except (PageNotAnInteger, EmptyPage):
        number = 1
    return Page(rows, number, paginator)


def _page_read(build, per_page: int, number, rows_for) -> Page:
    """page_of with the rows from `rows_for`, building the queryset only past the end."""
    wanted = _wanted(number, per_page)
    bottom = (wanted - 1) * per_page
    rows, total = total_of(rows_for(bottom, bottom + per_page))
    if total is None:
        if wanted > 1:
            return page_of(build() if callable(build) else build, per_page, number)
        total = 0
    paginator = Paginator([], per_page)
    paginator.count = total  # the cached_property, set from what we know
    return Page(rows, paginator.validate_number(wanted), paginator)


def _wanted(number, per_page: int) -> int:
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    # A page number no list can reach (?page=10**30) would overflow the query's OFFSET: it is
    # treated like any page past the end, which shows the last page.
    return min(wanted, BIGINT_MAX // per_page)
