"""The family chronology's date range and its CSV rows: plain text in real columns, whatever
app an entry comes from (see families.extensions for how sources describe their rows)."""

from __future__ import annotations

import datetime
import html
import re

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from families import extensions
from families.extensions import ExportRow, amendment_rows, day, names
from portal.lib.staff import staff_name
from portal.lib.widgets import date_input

CONTACT_LABEL = "Contact"
CSV_HEADER = [
    "Kind",
    "When",
    "Who",
    "With",
    "About",
    "Tone",
    "Channel",
    "Summary",
    "Agreed",
    "Who may see this",
    "Subject or department",
    "Lesson or time of day",
]
# Dates outside these years are typing slips, and far enough out they would overflow.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
DATE_ERROR = "Enter a date as day, month and year, for example 14/03/2026."


class ChronologyPeriodForm(forms.Form):
    """The chronology's date range, both ends optional and inclusive."""

    date_from = forms.DateField(
        label="From",
        required=False,
        widget=date_input(),
        error_messages={"invalid": DATE_ERROR},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=date_input(),
        error_messages={"invalid": DATE_ERROR},
    )

    def _in_range(self, name: str) -> datetime.date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(f"Enter a date between {EARLIEST.year} and {LATEST.year}.")
        return day

    def clean_date_from(self):
        return self._in_range("date_from")

    def clean_date_to(self):
        return self._in_range("date_to")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def period(self) -> extensions.Period:
        """The chosen stretch in the school's time zone; an invalid form chooses none."""
        if not self.is_valid():
            return extensions.Period()
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        return extensions.Period(
            start=_midnight(start) if start else None,
            end=_midnight(end + datetime.timedelta(days=1)) if end else None,
        )


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def contact_rows(contact) -> list[ExportRow]:
    """A contact (read by for_chronology and contacts_named) and its amendments."""
    with_, about = names(contact.with_names), names(contact.child_names)
    confidentiality = contact.get_confidentiality_display()
    if contact.is_confidential and contact.confidentiality_reason:
        confidentiality += f". Why: {contact.confidentiality_reason}"
    summary = contact.summary
    if contact.follow_up_on:
        if contact.follow_up_done_at:
            summary += f" (Followed up on {day(contact.follow_up_done_at)}.)"
        else:
            owner = contact.follow_up_owner
            by_whom = f", {owner.get_full_name()}" if owner else ""
            summary += f" (Follow-up by {day(contact.follow_up_on)}{by_whom}.)"
    return [
        ExportRow(
            kind=CONTACT_LABEL,
            when=contact.occurred_at,
            who=staff_name(contact.staff),
            with_=with_,
            about=about,
            tone=contact.get_tone_display(),
            channel=contact.get_channel_display(),
            summary=summary,
            agreed=contact.agreed,
            confidentiality=confidentiality,
            subject=contact.subject,
            lesson=contact.get_lesson_display(),
        ),
        *amendment_rows(contact.amendments.all(), of=CONTACT_LABEL, with_=with_, about=about),
    ]


def _withdrawn_row(entry) -> ExportRow:
    """A withdrawn record as the chronology shows it: who withdrew it, when and why, nothing
    of what it said."""
    record = entry.obj
    by = record.withdrawn_by.get_full_name() if record.withdrawn_by else ""
    return ExportRow(
        kind=f"{entry.kind_label} (withdrawn)",
        when=entry.when,
        who=by,
        summary=f"Withdrawn: {record.withdrawn_reason} (by "
        f"{by or 'a member of staff no longer here'} on {day(record.withdrawn_at)})",
    )


_LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)


def _template_row(request, entry) -> ExportRow:
    """An entry whose source describes no rows: its template's words, without its links."""
    markup = render_to_string(
        entry.template, {"entry": entry, "request": request, "user": request.user}
    )
    text = html.unescape(strip_tags(_LINK.sub("", markup)))
    return ExportRow(
        kind=entry.kind_label,
        when=entry.when,
        tone=entry.tone.title(),
        summary=" ".join(text.split()),
    )


def export_rows(request, entries) -> list[ExportRow]:
    """Every entry's rows, in the chronology's order, each source reading what only the CSV
    needs once for all its entries."""
    for source in extensions.timeline_sources():
        if source.prepare_export is not None:
            mine = [e for e in entries if e.kind == source.kind and not e.withdrawn]
            if mine:
                source.prepare_export(request, mine)
    rows = []
    for entry in entries:
        if entry.withdrawn:
            rows.append(_withdrawn_row(entry))
        elif entry.export is not None:
            rows += entry.export()
        else:
            rows.append(_template_row(request, entry))
    return rows


def csv_cells(row: ExportRow) -> list[str]:
    cells = [
        row.kind,
        timezone.localtime(row.when).strftime("%Y-%m-%d %H:%M"),
        row.who,
        row.with_,
        row.about,
        row.tone,
        row.channel,
        row.summary,
        row.agreed,
        row.confidentiality,
        row.subject,
        row.lesson,
    ]
    return ["" if c is None else str(c) for c in cells]
