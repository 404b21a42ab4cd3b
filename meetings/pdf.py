"""The family's meeting summary as a PDF, drawn with fpdf2 and a Unicode font (DejaVu Sans,
vendored in meetings/fonts) so every name and language prints. Made for one parent, its fixed
words are in their language (the same catalogue entries as the summary page); Arabic and Urdu
are shaped with HarfBuzz and run right to left. What the school wrote stays as written."""

from __future__ import annotations

from pathlib import Path

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from portal.lib.clock import day_and_time
from portal.lib.languages import ENGLISH

FONTS = Path(__file__).resolve().parent / "fonts"


class _SummaryPDF(FPDF):
    family = "DejaVu"  # ARABIC_SCRIPT for a summary in Arabic or Urdu

    def footer(self):
        self.set_y(-15)
        self.set_font(self.family, size=8)
        self.cell(0, 10, _("Page %(number)s") % {"number": self.page_no()}, align="C")


# Arabic script as Urdu writes it too: DejaVu Sans has Arabic but not Urdu's heh goal, yeh
# barree or full stop (ہ ے ۔), so letters in Arabic and Urdu are set in Amiri (which also has
# the Latin letters of names and links, so no fallback font is needed).
ARABIC_SCRIPT = "Amiri"


def add_fonts(doc: FPDF, *, arabic_script: bool = True) -> None:
    """The fonts a printout uses: "DejaVu" (Latin, Cyrillic, Arabic), regular and bold, and,
    where a page is in Arabic or Urdu, ARABIC_SCRIPT (read only then: it is a large font)."""
    doc.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    if arabic_script:
        doc.add_font(ARABIC_SCRIPT, "", str(FONTS / "Amiri-Regular.ttf"))
        doc.add_font(ARABIC_SCRIPT, "B", str(FONTS / "Amiri-Bold.ttf"))


def letterhead(doc: FPDF, school) -> None:
    """The school's name (and website) above a rule, as on the printed page."""
    doc.set_font("DejaVu", "B", 14)
    doc.multi_cell(0, 8, school.name, new_x="LMARGIN", new_y="NEXT")
    if school.website:
        doc.set_font("DejaVu", size=9)
        doc.multi_cell(0, 5, school.website, new_x="LMARGIN", new_y="NEXT")
    doc.line(doc.l_margin, doc.get_y() + 1, doc.w - doc.r_margin, doc.get_y() + 1)
    doc.ln(4)


def _heading(doc: FPDF, text: str) -> None:
    doc.ln(3)
    doc.set_font(_family(doc), "B", 13)
    doc.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    doc.set_font(_family(doc), size=11)


def _family(doc: FPDF) -> str:
    return getattr(doc, "family", "DejaVu")


def _para(doc: FPDF, text: str) -> None:
    doc.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def _when(value, language: str) -> str:
    if language == ENGLISH:
        return day_and_time(value)
    at = timezone.localtime(value)
    return f"{formats.date_format(at, 'l j F Y')}, {formats.time_format(at, 'H:i')}"


def _day(value, language: str) -> str:
    return f"{value:%-d %B %Y}" if language == ENGLISH else formats.date_format(value, "j F Y")


def summary_pdf(context: dict) -> bytes:
    """The same content as the printable summary page, in the same order, in the language of
    the parent it is made for (context["summary_language"]), else the current one."""
    language = context.get("summary_language") or translation.get_language() or ENGLISH
    with translation.override(language):
        return _summary_pdf(context, language)


def _summary_pdf(context: dict, language: str) -> bytes:
    meeting, family, school = context["meeting"], context["family"], context["school"]
    right_to_left = translation.get_language_bidi()
    doc = _SummaryPDF(format="A4")
    # Made for one parent or carer, the summary does not carry the household's name (it may
    # name another adult's child).
    parent = context.get("addressed_to")
    heading = (
        _("Our meeting — for %(name)s") % {"name": parent.full_name}
        if parent
        else f"Our meeting — {family.name}"
    )
    doc.set_title(f"Meeting summary for {parent.full_name if parent else family.name}")
    doc.set_author(school.name)
    add_fonts(doc, arabic_script=right_to_left)
    doc.set_margins(18, 18, 18)
    if right_to_left:
        # Letters joined and runs ordered by the Unicode bidirectional rules, per paragraph,
        # in a font with Urdu's own letters.
        doc.set_text_shaping(use_shaping_engine=True)
        doc.family = ARABIC_SCRIPT
    doc.add_page()
    letterhead(doc, school)
    doc.set_font(doc.family, "B", 16)
    doc.multi_cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
    doc.set_font(doc.family, size=11)
    _para(doc, f"{school.name}, {_when(meeting.starts_at, language)}")
    children = context["children"]
    names = f" {_('and')} ".join(c.first_name for c in children)
    if children:
        _para(doc, _("About %(children)s") % {"children": names})

    if attended := context.get("attended"):
        _heading(doc, _("Who was there"))
        if attended["parents"]:
            _para(doc, "• " + ", ".join(attended["parents"]))
        if meeting.child_attending and children:
            _para(doc, "• " + names)
        if attended["staff"]:
            staff = ", ".join(attended["staff"])
            _para(doc, "• " + _("From the school: %(staff)s") % {"staff": staff})
        if attended["agencies"]:
            _para(doc, "• " + ", ".join(attended["agencies"]))

    _heading(doc, _("What is going well"))
    if context["strengths"]:
        for item in context["strengths"]:
            _para(doc, f"• {item.party}: {item.words}")
    else:
        _para(doc, _("We did not write these down this time."))
    if context["exceptions"]:
        _heading(doc, _("When things are already a bit better"))
        for item in context["exceptions"]:
            _para(doc, f"• {item.party}: {item.words}")
    if meeting.summary:
        _heading(doc, _("What we talked about"))
        _para(doc, meeting.summary)

    _heading(doc, _("What we agreed to do next"))
    if context["points"]:
        for point in context["points"]:
            by = _day(point.due_on, language)
            line = f"• {point.what} — {point.owner_name}, " + _("by %(day)s") % {"day": by}
            if point.status == "done":
                line += f" ({_('done')})"
            _para(doc, line)
    else:
        _para(doc, _("No next steps were written down."))
    if meeting.review_on:
        day = _day(meeting.review_on, language)
        _para(doc, _("We will meet again to see how things are going on %(day)s.") % {"day": day})

    _heading(doc, _("Who to contact"))
    _para(doc, _("Please get in touch if anything changes or you have a question."))
    for line in context["contact_lines"]:
        _para(doc, f"{line.label}: " + "\n".join(line.value.splitlines()))
    return bytes(doc.output())
