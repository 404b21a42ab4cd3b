"""The printed letters: one PDF a batch, one letter a page in name order, each addressed to
its own reader only, in their language, with their link and its QR code where the words ask."""

import io
import time

import pypdf
import pytest
from django.utils import timezone

from reaching_out import services
from reaching_out.letters import batch_pdf
from reaching_out.models import Channel, Kind, LetterBatch, Message
from tests import factories


def _pages(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


@pytest.fixture
def school(db):
    return factories.SchoolFactory(
        name="Castlebrae Primary",
        postal_address="12 High Street\nCastlebrae\nCB1 2AB",
        phone="0131 496 0000",
    )


def _letter(school, parent, *, body=None, subject="Good news about Robin", language="en-gb", **kw):
    message = Message.objects.create(
        school=school,
        family=parent.family,
        parent=parent,
        kind=kw.pop("kind", Kind.GOOD_NEWS),
        channel=Channel.LETTER,
        language=language,
        subject=subject,
        body=body or f"Dear {parent.full_name},\n\nRobin read to the class today.\n\nMs Reid",
        state=Message.State.TO_PRINT,
        send_after=timezone.now(),
        **kw,
    )
    return message


def _batch(school, messages):
    user = factories.UserFactory()
    return services.letters_print(school=school, by=user, messages=messages)


def test_one_page_per_letter_in_name_order_each_for_its_reader_only(school):
    family = factories.FamilyFactory(authority=school.authority)
    # Separated parents: each letter names one and holds only that one's address.
    mum = factories.ParentCarerFactory(
        family=family,
        first_name="Ailsa",
        last_name="Rowan",
        postal_address="Flat 2, 7 Mill Lane\nCastlebrae\nCB3 9XY",
    )
    dad = factories.ParentCarerFactory(
        family=family, first_name="Dougie", last_name="Baird", postal_address=""
    )
    other = factories.ParentCarerFactory(
        first_name="Zofia", last_name="Nowak", postal_address="4 Kirk Wynd\nCastlebrae"
    )
    letters = [_letter(school, p) for p in (other, mum, dad)]
    batch = _batch(school, letters)
    assert batch.letters.count() == 3

    pages = _pages(batch_pdf(batch))

    assert len(pages) == 3
    # In name order: Baird, Nowak, Rowan.
    assert "Dougie Baird" in pages[0] and "Zofia Nowak" in pages[1] and "Ailsa Rowan" in pages[2]
    assert "By hand" in pages[0]  # no postal address: it goes home by hand
    assert "Mill Lane" not in pages[0] and "Ailsa Rowan" not in pages[0]
    assert "Flat 2, 7 Mill Lane" in pages[2] and "CB3 9XY" in pages[2]
    assert "Dougie" not in pages[2] and "Kirk Wynd" not in pages[2] and "By hand" not in pages[2]
    assert "Kirk Wynd" in pages[1] and "Mill Lane" not in pages[1]
    for page in pages:
        assert "Castlebrae Primary" in page  # the letterhead
        assert "0131 496 0000" in page
        assert "Good news about Robin" in page
        assert "Robin read to the class today." in page
        assert timezone.localdate().strftime("%B %Y") in page


def test_the_link_is_printed_with_a_qr_code_or_dropped(school):
    with_link = factories.ParentCarerFactory(first_name="Ailsa", last_name="Rowan")
    without = factories.ParentCarerFactory(first_name="Dougie", last_name="Baird")
    body = "Please tell us what you hope for here: {link}\n\nThank you."
    a = _letter(school, with_link, body=body, kind=Kind.INVITATION, subject="Our meeting")
    b = _letter(school, without, body=body, kind=Kind.INVITATION, subject="Our meeting")
    batch = _batch(school, [a, b])
    url = "https://portal.example.org/p/abcDEF123/"

    pdf = batch_pdf(batch, links={a.pk: url})

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    baird, rowan = (page.extract_text() for page in reader.pages)
    assert url in rowan and "{link}" not in rowan
    assert "point your phone" in rowan
    assert "{link}" not in baird and "https://" not in baird
    assert "what you hope for here: Thank you." not in baird
    assert "what you hope for here:" in baird
    # The QR code is an image on the page with the link, and only there.
    assert len(reader.pages[1].images) == 1
    assert len(reader.pages[0].images) == 0


def test_each_letter_is_in_its_readers_language(school):
    polish = factories.ParentCarerFactory(first_name="Zofia", last_name="Nowak")
    arabic = factories.ParentCarerFactory(first_name="Amal", last_name="Haddad")
    ukrainian = factories.ParentCarerFactory(first_name="Olena", last_name="Kovalenko")
    letters = [
        _letter(
            school,
            polish,
            language="pl",
            subject="Dobra wiadomość",
            body="Dzień dobry, Zofia Nowak!\n\nŻaneta świetnie czytała.",
        ),
        _letter(
            school,
            arabic,
            language="ar",
            subject="أخبار سارة",
            body="مرحبا Amal Haddad\n\nقرأت ليلى أمام الصف اليوم.\n\n{link}",
            kind=Kind.HEAR_FROM_YOU,
        ),
        _letter(
            school,
            ukrainian,
            language="uk",
            subject="Гарна новина",
            body="Доброго дня, Olena Kovalenko!\n\nДмитро сьогодні гарно читав.",
        ),
    ]
    urdu = factories.ParentCarerFactory(first_name="Ayesha", last_name="Iqbal")
    letters.append(
        _letter(
            school,
            urdu,
            language="ur",
            subject="اچھی خبر",
            body="محترم/محترمہ Ayesha Iqbal،\n\nآج Aleena نے پوری کلاس کو کہانی سنائی۔",
        )
    )
    batch = _batch(school, letters)
    url = "https://portal.example.org/p/arabic/"

    pdf = batch_pdf(batch, links={letters[1].pk: url})

    pages = _pages(pdf)
    haddad, iqbal, kovalenko, nowak = pages
    assert "Ayesha Iqbal" in iqbal and "Aleena" in iqbal
    # Urdu's own letters (ہ ے ۔) are not in DejaVu: Arabic and Urdu pages are set in Amiri.
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = [
        {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
        for page in reader.pages
    ]
    assert any("Amiri" in name for name in fonts[0]) and any("Amiri" in n for n in fonts[1])
    assert not any("Amiri" in name for name in fonts[2] | fonts[3])
    assert "Amal Haddad" in haddad and url in haddad
    assert "Żaneta świetnie czytała." in nowak
    assert "Дмитро сьогодні гарно читав." in kovalenko
    # The date in the reader's language, the month as Polish says it in a date.
    assert timezone.localdate().strftime("%B") not in nowak
    assert f"{timezone.localdate().day} " in nowak
    assert any(f" {month} {timezone.localdate().year}" in nowak for month in POLISH_MONTHS)


POLISH_MONTHS = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
]


def test_two_hundred_letters_build_quickly(school):
    families = factories.FamilyFactory.create_batch(5, authority=school.authority)
    parents = [
        factories.ParentCarerFactory(
            family=families[i % 5],
            first_name=f"Parent{i:03d}",
            last_name="Letter",
            postal_address=f"{i} Long Road\nCastlebrae",
        )
        for i in range(200)
    ]
    letters = [
        _letter(school, p, body=f"Dear {p.full_name},\n\nThank you.\n\n{{link}}") for p in parents
    ]
    batch = _batch(school, letters)
    assert isinstance(batch, LetterBatch)
    links = {m.pk: f"https://portal.example.org/p/{m.pk}/" for m in letters[::2]}

    started = time.perf_counter()
    pdf = batch_pdf(batch, links=links)
    took = time.perf_counter() - started

    pages = _pages(pdf)
    assert len(pages) == 200
    assert "Parent000 Letter" in pages[0] and "Parent199 Letter" in pages[199]
    assert took < 20, f"200 letters took {took:.1f} s"
