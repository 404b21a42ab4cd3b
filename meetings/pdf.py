"""The family's meeting summary as a PDF, drawn with fpdf2 and a Unicode font (DejaVu Sans,
vendored in meetings/fonts) so every name and language prints."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from portal.lib.clock import day_and_time

FONTS = Path(__file__).resolve().parent / "fonts"


class _SummaryPDF(FPDF):
    def footer(self):
        self.set_y(-15)
        self.set_font("DejaVu", size=8)
        self.cell(0, 10, f"Page {self.page_no()}", align="C")


def _heading(doc: FPDF, text: str) -> None:
    doc.ln(3)
    doc.set_font("DejaVu", "B", 13)
    doc.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", size=11)


def _para(doc: FPDF, text: str) -> None:
    doc.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def summary_pdf(context: dict) -> bytes:
    """The same content as the printable summary page, in the same order."""
    meeting, family, school = context["meeting"], context["family"], context["school"]
    doc = _SummaryPDF(format="A4")
    # Made for one parent or carer, the summary does not carry the household's name (it may
    # name another adult's child).
    parent = context.get("addressed_to")
    heading = f"Our meeting — for {parent.full_name}" if parent else f"Our meeting — {family.name}"
    doc.set_title(f"Meeting summary for {parent.full_name if parent else family.name}")
    doc.set_author(school.name)
    doc.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    doc.set_margins(18, 18, 18)
    doc.add_page()
    # The letterhead: the school's name (and website) above a rule, as on the printed page.
    doc.set_font("DejaVu", "B", 14)
    doc.multi_cell(0, 8, school.name, new_x="LMARGIN", new_y="NEXT")
    if school.website:
        doc.set_font("DejaVu", size=9)
        doc.multi_cell(0, 5, school.website, new_x="LMARGIN", new_y="NEXT")
    doc.line(doc.l_margin, doc.get_y() + 1, doc.w - doc.r_margin, doc.get_y() + 1)
    doc.ln(4)
    doc.set_font("DejaVu", "B", 16)
    doc.multi_cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", size=11)
    _para(doc, f"{school.name}, {day_and_time(meeting.starts_at)}")
    children = context["children"]
    if children:
        _para(doc, "About: " + ", ".join(c.first_name for c in children))

    if attended := context.get("attended"):
        _heading(doc, "Who was there")
        if attended["parents"]:
            _para(doc, "• " + ", ".join(attended["parents"]))
        if meeting.child_attending and children:
            _para(doc, "• " + " and ".join(c.first_name for c in children))
        if attended["staff"]:
            _para(doc, "• From the school: " + ", ".join(attended["staff"]))
        if attended["agencies"]:
            _para(doc, "• " + ", ".join(attended["agencies"]))

    _heading(doc, "What is going well")
    if context["strengths"]:
        for item in context["strengths"]:
            _para(doc, f"• {item.party}: {item.words}")
    else:
        _para(doc, "We did not write these down this time.")
    if context["exceptions"]:
        _heading(doc, "When things are already a bit better")
        for item in context["exceptions"]:
            _para(doc, f"• {item.party}: {item.words}")
    if meeting.summary:
        _heading(doc, "What we talked about")
        _para(doc, meeting.summary)

    _heading(doc, "What we agreed to do next")
    if context["points"]:
        for point in context["points"]:
            line = f"• {point.what} — {point.owner_name}, by {point.due_on:%-d %B %Y}"
            if point.status == "done":
                line += " (done)"
            _para(doc, line)
    else:
        _para(doc, "No next steps were written down.")
    if meeting.review_on:
        _para(
            doc, f"We will meet again to see how things are going on {meeting.review_on:%-d %B %Y}."
        )

    _heading(doc, "Who to contact")
    _para(doc, "Please get in touch if anything changes or you have a question.")
    for line in context["contact_lines"]:
        _para(doc, f"{line.label}: " + "\n".join(line.value.splitlines()))
    return bytes(doc.output())
