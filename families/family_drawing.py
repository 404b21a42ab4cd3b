"""The family page's "Who is who" and "How to reach each parent or carer", drawn here rather
than by the template language.

Each child's table of parents and each parent's card of preferences took the template language
some sixty tags, filters and links apiece: with the key contact's picker, a fifth of the family
page, more than its reads. Drawn here they cost a fraction of that. Change the markup here,
and its test (`tests/families/test_family_drawing.py`) compares it with the template it
replaced.

Every value goes through `escaped` or `filled` (portal.lib.markup), so what staff and parents
wrote is escaped as the template escaped it.
"""

from __future__ import annotations

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from portal.lib.links import link_by_id
from portal.lib.markup import escaped, joined, shown
from portal.lib.words import yes_no
from portal.templatetags.fast_date import date
from portal.templatetags.festivals import festival_names

_WARNING = ' class="table-warning"'


class FamilyDrawing:
    """Draws one family's people for the family page. `upkeep` is the page's upkeep context
    (families.views.upkeep): which children's links this user may change, and whether they may
    record a restriction."""

    def __init__(self, family, *, upkeep: dict, can_edit_strengths: bool):
        self.family = family
        self.upkeep = upkeep
        self.can_edit_strengths = can_edit_strengths

    # Who is who ----------------------------------------------------------------------------

    def who_is_who(self, children, elsewhere_count: int) -> SafeString:
        """Each current pupil with their parents and carers, the upkeep buttons, and how many
        brothers and sisters are at the authority's other schools."""
        pk = self.family.pk
        if children:
            links = {
                "contact": reverse("families:contact-add", args=[pk]),
                "meeting": reverse("meetings:meeting-add", args=[pk]),
                "compass": reverse("compass:placement-add", args=[pk]),
                "link": link_by_id("families:link-edit", pk)
                if self.upkeep.get("child_ids")
                else None,
            }
            pieces = [self._child(child, links) for child in children]
        else:
            pieces = ["<p>No current pupils of this school in this family.</p>\n"]
        if self.upkeep.get("child_ids"):
            pieces.append(
                '<p class="d-flex flex-wrap gap-2 d-print-none" data-testid="upkeep-actions">\n'
                f'<a class="btn btn-sm btn-outline-primary" '
                f'href="{reverse("families:parent-add", args=[pk])}">Add a parent or carer</a>\n'
                f'<a class="btn btn-sm btn-outline-primary" '
                f'href="{reverse("families:child-add", args=[pk])}">Add a brother or sister</a>\n'
                "</p>\n"
            )
        if elsewhere_count:
            plural = "" if elsewhere_count == 1 else "s"
            pieces.append(
                f'<p class="small text-body-secondary">{shown(elsewhere_count)} brother{plural}'
                f" or sister{plural} at other schools of the authority.</p>\n"
            )
        return joined(pieces)

    def _child(self, child, links: dict) -> str:
        first = escaped(child.first_name)
        badges = []
        if child.is_starting:
            now_at = f", now at {escaped(child.coming_from)}" if child.coming_from else ""
            badges.append(
                '<span class="badge text-bg-light border">'
                f"{escaped(capfirst(child.starting_label))}{now_at}</span>"
            )
        if not child.date_of_birth:
            badges.append('<span class="badge text-bg-warning">Date of birth to complete</span>')
        if child.looked_after:
            badges.append('<span class="badge text-bg-info">Looked after</span>')
        if child.additional_support_needs:
            badges.append(
                '<span class="badge text-bg-light border">Additional support needs</span>'
            )
        if child.young_carer:
            badges.append('<span class="badge text-bg-light border">Young carer</span>')
        group = child.class_group.name if child.class_group else ""
        may_change = child.pk in self.upkeep.get("child_ids", ())
        rows = [self._link_row(child, link, links, may_change) for link in child.parent_links.all()]
        if not rows:
            rows = ['<tr><td colspan="5">No parent or carer linked yet.</td></tr>\n']
        about = f'<span class="visually-hidden"> about {first}</span>'
        return (
            '<div class="card mb-2"><div class="card-body">\n'
            f'<h3 class="h6">{escaped(child.full_name)} <span class="text-body-secondary">'
            f"{shown(group or child.year_group)}</span>\n{' '.join(badges)}\n</h3>\n"
            '<table class="table table-sm mb-0 table-stack">\n'
            f'<caption class="visually-hidden">Parents and carers of {first}</caption>\n'
            '<thead><tr><th scope="col">Parent or carer</th><th scope="col">Relationship</th>'
            '<th scope="col">Parental responsibility</th>'
            f'<th scope="col">Lives with {first}</th><th scope="col">Restriction</th></tr>'
            f"</thead>\n<tbody>\n{''.join(rows)}</tbody>\n</table>\n"
            f'<p class="small mt-2 mb-0 d-print-none">About {first}, with {first}\'s own parents'
            f' and carers ticked: <a href="{links["contact"]}?child={child.pk}">Log contact'
            f'{about}</a> · <a href="{links["meeting"]}?child={child.pk}">Plan a meeting'
            f'{about}</a> · <a href="{links["compass"]}?child={child.pk}">Place on compass'
            f'<span class="visually-hidden"> for {first}\'s parents and carers</span></a></p>\n'
            "</div></div>\n"
        )

    def _link_row(self, child, link, links: dict, may_change: bool) -> str:
        parent = link.parent
        name = escaped(parent.full_name)
        first = escaped(child.first_name)
        who = name
        if parent.household and link.household_shown:
            who += f' <span class="text-body-secondary">({escaped(parent.household)})</span>'
        if parent.organisation:
            who += f' <span class="text-body-secondary">— {escaped(parent.organisation)}</span>'
        if may_change:
            who += (
                ' <a class="small d-print-none link-body-emphasis" '
                f'href="{links["link"](link.pk)}">'
                f'Change<span class="visually-hidden"> who {name} is to {first}</span></a>'
            )
        if link.is_restricted:
            restriction = (
                f"<td><strong>Restriction recorded:</strong> {escaped(link.restriction)}"
                f"{_restriction_source(link)}</td>"
            )
        else:
            restriction = '<td data-label="Restriction">None — keep informed</td>'
        return (
            f"<tr{_WARNING if link.is_restricted else ''}>\n"
            f'<th scope="row">{who}</th>\n'
            f'<td data-label="Relationship">{escaped(link.get_relationship_display())}</td>\n'
            f'<td data-label="Parental responsibility">{yes_no(link.parental_responsibility)}'
            "</td>\n"
            f'<td data-label="Lives with {first}">{yes_no(link.lives_with_child)}</td>\n'
            f"{restriction}\n</tr>\n"
        )

    # How to reach each parent or carer ---------------------------------------------------------

    def ways_to_reach(self, parents) -> SafeString:
        """A card for each parent or carer: how they like to be reached and when, and the
        buttons to change it."""
        if not parents:
            return joined(["<p>No parents or carers recorded yet.</p>\n"])
        pk = self.family.pk
        links = {
            "preferences": link_by_id("families:parent-preferences", pk),
            "dates": link_by_id("families:dates-avoid", pk),
            "restrict": link_by_id("families:restriction-add", pk),
            "lift": link_by_id("families:restriction-lift", pk),
        }
        return joined(self._parent(parent, links) for parent in parents)

    def _parent(self, parent, links: dict) -> str:
        name = escaped(parent.full_name)
        badges = [
            '<li class="badge text-bg-light border">Prefers: '
            f"{escaped(parent.get_preferred_channel_display())}</li>"
        ]
        if parent.language and parent.language != "English":
            badges.append(
                f'<li class="badge text-bg-light border">Language: {escaped(parent.language)}</li>'
            )
        if parent.interpreter_needed:
            badges.append('<li class="badge text-bg-warning">Interpreter needed</li>')
        badges.append(
            f'<li class="badge text-bg-light border">{escaped(parent.get_reading_display())}</li>'
        )
        buttons = ""
        if self.can_edit_strengths:
            buttons = (
                '<a class="btn btn-sm btn-outline-primary mt-2 d-print-none" '
                f'href="{links["preferences"](parent.pk)}">Edit how to reach {name}</a> '
                '<a class="btn btn-sm btn-outline-secondary mt-2 d-print-none" '
                f'href="{links["dates"](parent.pk)}">Dates to avoid<span class="visually-hidden">'
                f" for {name}</span></a>\n"
            )
        if self.upkeep.get("can_record_restriction"):
            lift = (
                '<a class="btn btn-sm btn-outline-secondary" '
                f'href="{links["lift"](parent.pk)}">Lift the restriction'
                f'<span class="visually-hidden"> on {name}</span></a>\n'
                if parent.is_restricted
                else ""
            )
            buttons += (
                '<p class="d-flex flex-wrap gap-2 mt-2 mb-0 d-print-none">\n'
                '<a class="btn btn-sm btn-outline-secondary" '
                f'href="{links["restrict"](parent.pk)}">Record a restriction'
                f'<span class="visually-hidden"> on {name}</span></a>\n{lift}</p>\n'
            )
        return (
            '<div class="col-md-6"><div class="card h-100"><div class="card-body">\n'
            f'<h3 class="h6">{name}</h3>\n'
            '<ul class="list-unstyled d-flex flex-wrap gap-1 mb-2 preference-badges">\n'
            f"{chr(10).join(badges)}\n</ul>\n"
            f'<dl class="small mb-0 preference-list">\n{_preferences(parent)}</dl>\n'
            f"{buttons}"
            "</div></div></div>\n"
        )


def _restriction_source(link) -> str:
    if not link.restriction_source_label:
        return ""
    dated = f", {escaped(date(link.restriction_dated, 'j F Y'))}" if link.restriction_dated else ""
    return (
        ' <span class="small text-body-secondary" data-testid="restriction-source">'
        f"({escaped(link.restriction_source_label)}{dated})</span>"
    )


def _preferences(parent) -> str:
    """The parent's preferences as terms and descriptions, each only where one is recorded."""
    pieces = []
    for term, value in (
        ("Good times", parent.good_times),
        ("Good places", parent.good_places),
        ("Work pattern", parent.work_pattern),
        ("Transport", parent.transport_needs),
        ("Mobility", parent.mobility_needs),
        ("Dates to avoid", parent.dates_to_avoid),
    ):
        if value:
            pieces.append(f"<dt>{term}</dt><dd>{escaped(value)}</dd>\n")
    if parent.avoid_festivals:
        pieces.append(
            '<dt>Festivals to avoid</dt><dd data-testid="festivals-avoided">'
            f"{escaped(festival_names(parent.avoid_festivals))}</dd>\n"
        )
    ranges = parent.dates_avoided.all()
    if ranges:
        days = "".join(_date_range(row) for row in ranges)
        pieces.append(
            '<dt>Days to avoid</dt><dd data-testid="dates-avoided"><ul class="list-unstyled mb-0">'
            f"{days}</ul></dd>\n"
        )
    before, after = parent.no_contact_before, parent.no_contact_after
    if before or after:
        times = [f"not before {before:%H:%M}"] if before else []
        if after:
            times.append(f"not after {after:%H:%M}")
        pieces.append(f"<dt>Messages</dt><dd>{', '.join(times)}</dd>\n")
    if parent.details_shown:
        if parent.phone:
            pieces.append(f"<dt>Phone</dt><dd>{escaped(parent.phone)}</dd>\n")
        if parent.email:
            pieces.append(f"<dt>Email</dt><dd>{escaped(parent.email)}</dd>\n")
        if parent.postal_address:
            address = linebreaksbr(parent.postal_address, autoescape=True)
            pieces.append(f"<dt>Address</dt><dd>{address}</dd>\n")
    else:
        pieces.append(
            '<dt>Phone and e-mail</dt><dd data-testid="details-held">Held by the pastoral team'
            " and the family's key contact, because a restriction is recorded. Ask them if you"
            " need to get in touch.</dd>\n"
        )
    return "".join(pieces)


def _date_range(row) -> str:
    ends = f" to {date(row.ends_on, 'j M Y')}" if row.ends_on != row.starts_on else ""
    words = f": {escaped(row.words)}" if row.words else ""
    return f"<li>{date(row.starts_on, 'j M Y')}{ends}{words}</li>"
