"""A batch of letters as one PDF for the school office to print and post: one letter a page, in
name order, each in its reader's language, with the school's letterhead, the date, the
recipient's name and address (or "By hand" when letters go home with the child), the subject
as a heading and the words that were queued. Where the words hold the parent's link ("{link}")
the caller passes the link made for that letter: it is printed, with a QR code to open it on a
phone; without one the placeholder is dropped. The font and the right-to-left shaping (Arabic,
Urdu) are the meeting summary's (meetings.pdf)."""

from __future__ import annotations

import io

import segno
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from meetings.pdf import ARABIC_SCRIPT, add_fonts, letterhead
from portal.lib.languages import ENGLISH
from reaching_out.models import LetterBatch, Message

BY_HAND = "By hand"
# Point sizes: Amiri's letters sit smaller than DejaVu's at the same size.
SIZES = {"DejaVu": (11, 14, 9), ARABIC_SCRIPT: (13, 16, 11)}
LINK = "{link}"


def _right_to_left(language: str) -> bool:
    try:
        return bool(translation.get_language_info(language or ENGLISH)["bidi"])
    except KeyError:
        return False


def batch_pdf(batch: LetterBatch, *, links: dict[int, str] | None = None) -> bytes:
    """The batch's letters, one a page (a very long letter runs on to the next), ordered by
    the recipient's name. `links` gives each letter's link by message id."""
    links = links or {}
    letters = list(
        batch.letters.select_related("parent", "school").order_by(
            "parent__last_name", "parent__first_name", "pk"
        )
    )
    school = batch.school
    doc = FPDF(format="A4")
    doc.set_title(f"Letters from {school.name}")
    doc.set_author(school.name)
    doc.set_creator("Parent Compass")
    add_fonts(
        doc,
        arabic_script=any(_right_to_left(m.language) for m in letters),
    )
    doc.set_margins(20, 18, 20)
    doc.set_auto_page_break(True, margin=18)
    today = timezone.localdate(batch.made_at) if batch.made_at else timezone.localdate()
    for message in letters:
        _letter(doc, message, school=school, day=today, link=links.get(message.pk, ""))
    return bytes(doc.output())


def _letter(doc: FPDF, message: Message, *, school, day, link: str) -> None:
    language = message.language or ENGLISH
    with translation.override(language):
        right_to_left = translation.get_language_bidi()
        if right_to_left:
            # Letters joined and runs ordered by the Unicode bidirectional rules.
            doc.set_text_shaping(use_shaping_engine=True)
        else:
            doc.set_text_shaping(use_shaping_engine=False)
        align = "R" if right_to_left else "L"
        # Arabic and Urdu in Amiri (Urdu's own letters, and Latin for names), others in DejaVu.
        family = ARABIC_SCRIPT if right_to_left else "DejaVu"
        doc.add_page()
        letterhead(doc, school)
        _school_lines(doc, school, align)
        doc.ln(4)
        # Who it is for, as on an envelope window, and the date.
        doc.set_font(family, size=SIZES[family][0])
        parent = message.parent
        name = parent.full_name if parent else message.recipient_name
        address = [line.strip() for line in (parent.postal_address if parent else "").splitlines()]
        address = [line for line in address if line] or [BY_HAND]
        for line in [name, *address]:
            doc.multi_cell(0, 5.5, line, align=align, new_x="LMARGIN", new_y="NEXT")
        doc.ln(4)
        doc.multi_cell(0, 6, _date(day, language), align=align, new_x="LMARGIN", new_y="NEXT")
        doc.ln(4)
        doc.set_font(family, "B", SIZES[family][1])
        doc.multi_cell(0, 7.5, message.subject, align=align, new_x="LMARGIN", new_y="NEXT")
        doc.ln(3)
        doc.set_font(family, size=SIZES[family][0])
        _body(doc, message.body, link=link, align=align, family=family)


def _school_lines(doc: FPDF, school, align: str) -> None:
    lines = [*school.address_lines, school.phone, school.email]
    lines = [line.strip() for line in lines if line and line.strip()]
    if lines:
        doc.set_font("DejaVu", size=9)
        doc.multi_cell(0, 4.5, "\n".join(lines), align=align, new_x="LMARGIN", new_y="NEXT")


def _date(day, language: str) -> str:
    if language == ENGLISH:
        return f"{day:%-d %B %Y}"
    # "E": the month as a date says it where the language changes it (Polish "4 grudnia").
    return formats.date_format(day, "j E Y")


def _body(doc: FPDF, body: str, *, link: str, align: str, family: str) -> None:
    """The words, paragraph by paragraph; the link printed where "{link}" stands (on a line of
    its own in a right-to-left letter, so the bidirectional rules cannot reorder it), with its
    QR code after that paragraph (once), or the placeholder dropped when there is no link."""
    text = body.replace("\r\n", "\n").strip()
    inline = bool(link) and align != "R"
    code_drawn = False
    for paragraph in text.split("\n\n"):
        has_link = LINK in paragraph
        paragraph = paragraph.replace(LINK, link if inline else "")
        if has_link and not inline:
            # A dropped placeholder leaves no double space or space before punctuation.
            paragraph = "\n".join(" ".join(line.split()) for line in paragraph.split("\n"))
            for mark in (".", ",", ":", ";", "!", "?", "،", "۔"):
                paragraph = paragraph.replace(" " + mark, mark)
        if paragraph.strip():
            doc.multi_cell(0, 6, paragraph, align=align, new_x="LMARGIN", new_y="NEXT")
            doc.ln(2.5)
        if has_link and link and not code_drawn:
            if not inline:
                _url(doc, link, align, family)
            _qr(doc, link, align, family)
            code_drawn = True
    if link and not code_drawn:
        # The sender's words lost the placeholder: the link still reaches the parent.
        _url(doc, link, align, family)
        _qr(doc, link, align, family)


def _url(doc: FPDF, url: str, align: str, family: str) -> None:
    """The link alone on its line, left to right whatever the letter's direction."""
    shaped = doc.text_shaping is not None
    if shaped:
        doc.set_text_shaping(use_shaping_engine=False)
    doc.set_font("DejaVu", size=11)
    doc.multi_cell(0, 6, url, align=align, new_x="LMARGIN", new_y="NEXT")
    doc.ln(1)
    doc.set_font(family, size=SIZES[family][0])
    if shaped:
        doc.set_text_shaping(use_shaping_engine=True)


def _qr(doc: FPDF, url: str, align: str, family: str) -> None:
    size = 32  # mm: easy for an old phone's camera
    if doc.get_y() + size + 12 > doc.h - doc.b_margin:
        doc.add_page()
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    x = doc.w - doc.r_margin - size if align == "R" else doc.l_margin
    doc.image(buffer, x=x, y=doc.get_y(), w=size, h=size)
    doc.set_y(doc.get_y() + size + 1)
    doc.set_font(family, size=SIZES[family][2])
    doc.multi_cell(
        0,
        4.5,
        _("Or point your phone's camera at this square to open the link."),
        align=align,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_font(family, size=SIZES[family][0])
    doc.ln(2)
