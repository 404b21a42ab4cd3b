"""Paging without a separate COUNT query: the total rides along with the page's rows."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Window

from portal.lib.limits import BIGINT_MAX

TOTAL = "_paging_total"


def rows_and_total(queryset, start: int, stop: int) -> tuple[list, int | None]:
    """Rows [start:stop] of the queryset and how many rows it has in all, in one query (a
    window count over the filtered rows). The total is None when the slice is empty."""
    rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[start:stop])
    return rows, (getattr(rows[0], TOTAL) if rows else None)


def page_of(queryset, per_page: int, number) -> Page:
    """Like Paginator(queryset, per_page).get_page(number), one query fewer: the count comes
    with the rows. Only a page past the end (a stale link) pays for a COUNT and a second read."""
    paginator = Paginator(queryset, per_page)
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    # A page number no list can reach (?page=10**30) would overflow the query's OFFSET: it is
    # treated like any page past the end, which shows the last page.
    wanted = min(wanted, BIGINT_MAX // per_page)
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
