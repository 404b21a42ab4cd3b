"""A contact in the family chronology, drawn here rather than by the template language.

The chronology shows twenty entries at a time, most of them contacts, and the template
language spent about a millisecond on each (some forty tags, filters and links apiece): a
third of the family page. Drawn here a contact costs a tenth of that. Its amendments, seldom
there, are still drawn by `includes/amendments.html`. Change a contact's markup here, and its
test (`tests/families/test_contact_entry.py`) compares it with the template it replaced.

Every value that staff, parents or the school's settings wrote is escaped (`escaped`, or
`filled`: portal.lib.markup) as the template escaped it; only what the drawing makes itself of
digits and plain words (an id, a date, a time of day) is put in as it is.
"""

from __future__ import annotations

import html
import re
from functools import cached_property

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from portal.lib.clock import time_of_day
from portal.lib.links import link_by_id
from portal.lib.markup import escaped, filled, joined
from portal.templatetags.fast_date import date

_ENTRY = (
    '<article class="timeline-entry card mb-2" aria-labelledby="contact-{pk}-title">\n'
    '  <div class="card-body py-2">\n'
    '    <h3 class="h6 mb-1" id="contact-{pk}-title">\n'
    '      <time datetime="{iso}">{day}, {time}</time>\n'
    "      · {channel}\n"
    '      · <span class="tone-{tone}">{tone_label}</span>\n'
    "      {confidential}\n"
    "    </h3>\n"
    '    <p class="small text-body-secondary mb-1">\n'
    "      {staff} with {with_names}{about}\n"
    "      · {purpose} · {formality}, {level} level · started by {initiated_by}{in_school}\n"
    "    </p>\n"
    "    {late}\n"
    "    {own_words}\n"
    '    <p class="mb-1">{summary}</p>\n'
    "    {agreed}\n"
    "    {why_restricted}\n"
    "    {follow_up}\n"
    "    {amendments}\n"
    '    <p class="small mb-0 d-print-none">\n'
    "      {edited}\n"
    "      {edit}\n"
    "      {amend}\n"
    "      {withdraw}\n"
    "    </p>\n"
    "  </div>\n"
    "</article>\n"
)


class ContactDrawing:
    """Draws the contacts of one page: each link reversed once for them all, when first used
    (a family with no contacts reverses none)."""

    log = cached_property(lambda self: link_by_id("families:contact-add"))
    history = cached_property(lambda self: link_by_id("families:contact-history"))
    edit = cached_property(lambda self: link_by_id("families:contact-edit"))
    amend = cached_property(lambda self: link_by_id("families:contact-amend"))
    withdraw = cached_property(lambda self: link_by_id("families:contact-withdraw"))
    # The time zone the page is drawn in, asked once (template_localtime asks for each time).
    zone = cached_property(lambda self: timezone.get_current_timezone())

    def draw(self, contact) -> SafeString:
        """The contact as families/includes/contact_entry.html drew it."""
        occurred = contact.occurred_at.astimezone(self.zone)
        pk = int(contact.pk)
        between = " · " if contact.last_edited_at else ""
        # Each value is escaped here, once, unless it is made only of digits, letters and
        # punctuation with no meaning in HTML (an id, a date, a time of day).
        return joined(
            [
                _ENTRY.format(
                    pk=pk,
                    iso=date(occurred, "c"),
                    day=date(occurred, "j M Y"),
                    time=time_of_day(occurred),
                    channel=_label(contact, "channel"),
                    tone=escaped(contact.tone),
                    tone_label=_label(contact, "tone"),
                    confidential='<span class="badge text-bg-warning">Confidential: '
                    f"{_label(contact, 'confidentiality')}</span>"
                    if contact.is_confidential
                    else "",
                    staff=escaped(contact.staff.get_full_name()) if contact.staff else "",
                    with_names=escaped(", ".join(contact.with_names)),
                    about=f" · about {escaped(', '.join(contact.child_names))}"
                    if contact.child_names
                    else "",
                    purpose=_label(contact, "purpose"),
                    formality=_label(contact, "formality"),
                    level=_label(contact, "level", lower=True),
                    initiated_by=_label(contact, "initiated_by", lower=True),
                    in_school=_in_school(contact),
                    late=_late(contact),
                    own_words='<p class="small fst-italic mb-1">In '
                    f"{escaped(' and '.join(contact.with_names))}'s own words, through their "
                    "link:</p>"
                    if contact.channel == "link" and contact.initiated_by == "family"
                    else "",
                    summary=_lines(contact.summary),
                    agreed=f'<p class="mb-1"><strong>Agreed:</strong> {_lines(contact.agreed)}</p>'
                    if contact.agreed
                    else "",
                    why_restricted=_why_restricted(contact),
                    follow_up=self._follow_up(contact),
                    amendments=_amendments(contact),
                    edited=self._edited(contact),
                    edit=f'{between}<a href="{escaped(self.edit(pk))}">Edit<span '
                    'class="visually-hidden"> this contact</span></a>'
                    if contact.can_edit
                    else "",
                    amend=f'{" · " if between or contact.can_edit else ""}<a href="'
                    f'{escaped(self.amend(pk))}">Amend or record a dispute<span '
                    'class="visually-hidden"> about this contact</span></a>'
                    if contact.can_amend
                    else "",
                    withdraw=f' · <a href="{escaped(self.withdraw(pk))}">Withdraw<span '
                    'class="visually-hidden"> this contact</span></a>'
                    if contact.can_withdraw
                    else "",
                )
            ]
        )

    def _follow_up(self, contact) -> SafeString | str:
        if not contact.follow_up_on:
            return ""
        if contact.follow_up_done_at:
            done = date(template_localtime(contact.follow_up_done_at), "j M Y")
            return filled('<p class="small mb-1">Followed up on {}.</p>', done)
        owner = contact.follow_up_owner
        return filled(
            '<p class="small mb-1">Follow-up by {} ({}). <a class="d-print-none" '
            'href="{}?completes={}">Log the follow-up</a></p>',
            date(contact.follow_up_on, "j M Y"),
            owner.get_full_name() if owner else "",
            self.log(contact.family_id),
            contact.pk,
        )

    def _edited(self, contact) -> SafeString | str:
        if not contact.last_edited_at:
            return ""
        if contact.last_editor_first or contact.last_editor_last:
            who = filled("{} {}", contact.last_editor_first, contact.last_editor_last)
        elif contact.last_editor_username:
            who = filled("{} (account removed)", contact.last_editor_username)
        else:
            who = "the system"
        edited = template_localtime(contact.last_edited_at)
        return filled(
            'Edited by {} on {}, {} · <a href="{}">History<span class="visually-hidden"> of this'
            " contact</span></a>",
            who,
            date(edited, "j M Y"),
            time_of_day(edited),
            self.history(contact.pk),
        )


# Each choice's label, escaped, by field and value: a chronology draws about a hundred. The
# contact's choices have plain (not translated) labels, so one table serves every page.
_LABELS: dict[tuple[str, object, bool], str] = {}


def _label(contact, name: str, *, lower: bool = False) -> str:
    """`contact.get_<name>_display()`, escaped (and in lower case if asked)."""
    key = (name, getattr(contact, name), lower)
    found = _LABELS.get(key)
    if found is None:
        label = getattr(contact, f"get_{name}_display")()
        found = _LABELS[key] = escaped(label.lower() if lower else label)
    return found


_NEWLINES = re.compile(r"\r\n|\r")


def _lines(text: str) -> SafeString:
    """`linebreaksbr(text, autoescape=True)` for text as read from the database, without the
    filter's checks for lazy and safe strings at every step: escaped, each line break a <br>."""
    # Safe as linebreaksbr is: the text is escaped before the breaks are put in.
    return joined([html.escape(_NEWLINES.sub("\n", text)).replace("\n", "<br>")])


def _in_school(contact) -> SafeString | str:
    if not (contact.subject or contact.lesson):
        return ""
    parts = [contact.subject] if contact.subject else []
    if contact.lesson:
        parts.append(contact.get_lesson_display().lower())
    return filled(" · in school: {}", ", ".join(parts))


def _late(contact) -> SafeString | str:
    days = contact.written_days_late
    if not days:
        return ""
    return filled(
        '<p class="small mb-1 late-entry">Written {} — {} day{} after</p>',
        date(template_localtime(contact.recorded_at), "j M Y"),
        days,
        "" if days == 1 else "s",
    )


def _why_restricted(contact) -> SafeString | str:
    if not contact.is_confidential:
        return ""
    consent = filled(" · <strong>Consent:</strong> {}", contact.consent) if contact.consent else ""
    return filled(
        '<p class="small mb-1"><strong>Why restricted:</strong> {}{}</p>',
        contact.confidentiality_reason,
        consent,
    )


def _amendments(contact) -> SafeString | str:
    if not getattr(contact, "has_amendments", True):  # read with the contact: none to show
        return ""
    amendments = contact.amendments.all()
    if not amendments:
        return ""
    return render_to_string("includes/amendments.html", {"amendments": amendments})
