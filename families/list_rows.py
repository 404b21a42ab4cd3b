"""The family list's rows, drawn here rather than by the template language.

A page of the list is 25 rows of a few cells each, and drawing them took the template
language a third of the page (its cost per tag, filter and loop, not the data): drawn here
they cost a tenth of that. The table around them, its caption and headings, and everything
else on the page stay in `families/family_list.html`; change a row's markup here, and its
test (`tests/families/test_list_rows.py`) compares it with the template it replaced.

Names, labels and everything else read from the database are escaped (`escaped`, or `filled`:
portal.lib.markup) as the template escaped them; only what the drawing makes of digits and
plain words (a link by a record's id, a date) is put in as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.timezone import template_localtime

from portal.lib.links import link_by_id
from portal.lib.markup import escaped, filled, joined
from portal.templatetags.fast_date import date

_BADGE = ' <span class="badge text-bg-light border">{}</span>'
_YOUR_PUPIL = filled(_BADGE, "Your pupil")
_LOOKED_AFTER = filled(_BADGE, "Looked after")


def draw_rows(rows: Iterable) -> SafeString:
    """The `<tr>`s of a page of the family list (SchoolFamily rows read by `for_list` and
    `with_seen_summary`, their families' `pupils` prefetched with their classes)."""
    detail, log = link_by_id("families:family-detail"), link_by_id("families:contact-add")
    return joined(_row(row, detail, log) for row in rows)


def _row(row, detail, log) -> str:
    # Each value is escaped here, once, unless the drawing made it of digits and plain words
    # (a link to a record by its id, a date).
    pk = row.family_id
    return (
        "<tr>\n"
        '  <th scope="row">\n'
        f'    <a href="{detail(pk)}">{escaped(row.family.label)}</a>\n'
        f"    {_YOUR_PUPIL if row.is_mine else ''}\n"
        "  </th>\n"
        f'  <td data-label="Children here">{_children(row.family.pupils)}</td>\n'
        f'  <td data-label="Key contact">{escaped(row.key_contact_name or "Not named yet")}'
        "</td>\n"
        f'  <td data-label="Last contact">{_last_contact(row)}</td>\n'
        f'  <td data-label="Positive : neutral : concern">{escaped(row.seen_positive)} : '
        f"{escaped(row.seen_neutral)} : {escaped(row.seen_concern)}</td>\n"
        f'  <td><a class="btn btn-sm btn-outline-primary" href="{log(pk)}">Log contact'
        f'<span class="visually-hidden"> with {escaped(row.family.name)}</span></a></td>\n'
        "</tr>\n"
    )


def _children(pupils) -> str:
    """Each pupil's name, class and badges, a line each."""
    if not pupils:
        return "—"
    return "<br>".join(
        f"{escaped(child.first_name)} {escaped(child.last_name)} "
        '<span class="text-body-secondary">('
        f"{escaped((child.class_group.name if child.class_group else '') or child.year_group)})"
        "</span>"
        f"{filled(_BADGE, capfirst(child.starting_label)) if child.is_starting else ''}"
        f"{_LOOKED_AFTER if child.looked_after else ''}"
        for child in pupils
    )


def _last_contact(row) -> str:
    if not row.seen_last_at:
        return "No contact yet"
    when = date(template_localtime(row.seen_last_at), "j M Y")
    tone = escaped(row.seen_last_tone)
    return f'{when} <span class="tone-{tone}">({tone})</span>'
