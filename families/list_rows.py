"""The family list's rows, drawn here rather than by the template language.

A page of the list is 25 rows of a few cells each, and drawing them took the template
language a third of the page (its cost per tag, filter and loop, not the data): drawn here
they cost a tenth of that. The table around them, its caption and headings, and everything
else on the page stay in `families/family_list.html`; change a row's markup here, and its
test (`tests/families/test_list_rows.py`) compares it with the template it replaced.

Every value goes through `filled` (portal.lib.markup: `format_html`, made faster), so names
and labels are escaped as the template escaped them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.timezone import template_localtime

from portal.lib.links import link_by_id
from portal.lib.markup import filled, joined
from portal.templatetags.fast_date import date

_ROW = (
    "<tr>\n"
    '  <th scope="row">\n'
    '    <a href="{detail}">{label}</a>\n'
    "    {mine}\n"
    "  </th>\n"
    '  <td data-label="Children here">{children}</td>\n'
    '  <td data-label="Key contact">{key_contact}</td>\n'
    '  <td data-label="Last contact">{last}</td>\n'
    '  <td data-label="Positive : neutral : concern">{positive} : {neutral} : {concern}</td>\n'
    '  <td><a class="btn btn-sm btn-outline-primary" href="{log}">Log contact'
    '<span class="visually-hidden"> with {name}</span></a></td>\n'
    "</tr>\n"
)
_BADGE = ' <span class="badge text-bg-light border">{}</span>'
_YOUR_PUPIL = filled(_BADGE, "Your pupil")
_CHILD = '{} {} <span class="text-body-secondary">({})</span>{}{}'
_LAST = '{} <span class="tone-{}">({})</span>'


def draw_rows(rows: Iterable) -> SafeString:
    """The `<tr>`s of a page of the family list (SchoolFamily rows read by `for_list` and
    `with_seen_summary`, their families' `pupils` prefetched with their classes)."""
    detail, log = link_by_id("families:family-detail"), link_by_id("families:contact-add")
    return joined(
        filled(
            _ROW,
            detail=detail(row.family_id),
            label=row.family.label,
            mine=_YOUR_PUPIL if row.is_mine else "",
            children=_children(row.family.pupils),
            key_contact=row.key_contact_name or "Not named yet",
            last=_last_contact(row),
            positive=row.seen_positive,
            neutral=row.seen_neutral,
            concern=row.seen_concern,
            log=log(row.family_id),
            name=row.family.name,
        )
        for row in rows
    )


def _children(pupils) -> SafeString | str:
    """Each pupil's name, class and badges, a line each."""
    if not pupils:
        return "—"
    lines = [
        filled(
            _CHILD,
            child.first_name,
            child.last_name,
            (child.class_group.name if child.class_group else "") or child.year_group,
            filled(_BADGE, capfirst(child.starting_label)) if child.is_starting else "",
            filled(_BADGE, "Looked after") if child.looked_after else "",
        )
        for child in pupils
    ]
    return filled("{}" + "<br>{}" * (len(lines) - 1), *lines)


def _last_contact(row) -> SafeString | str:
    if not row.seen_last_at:
        return "No contact yet"
    when = date(template_localtime(row.seen_last_at), "j M Y")
    return filled(_LAST, when, row.seen_last_tone, row.seen_last_tone)
