"""portal.lib.markup.filled gives exactly what Django's format_html gives, for every kind of
value a drawn row or entry puts in."""

import datetime

import pytest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from portal.lib.markup import filled

VALUES = [
    "<script>alert(\"x\")</script> & 'quoted'",
    "Ó Dónaill & Co",
    format_html("<b>{}</b>", "<i>"),  # already safe: put in as it is
    gettext_lazy("Phone call"),  # a lazy translation
    3,
    0,
    None,
    datetime.date(2026, 6, 1),
    "",
    "{braces} stay as they are",
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_filled_is_format_html(value):
    shape = '<p class="x">{}</p><a href="/f/{}/">{}</a>'
    drawn = filled(shape, value, value, value)
    assert drawn == format_html(shape, value, value, value)
    assert isinstance(drawn, SafeString)
    named = filled("<td>{a}</td><td>{b}</td>", a=value, b=value)
    assert named == format_html("<td>{a}</td><td>{b}</td>", a=value, b=value)


def test_filled_escapes_what_is_not_safe():
    assert filled("<p>{}</p>", "<b>") == "<p>&lt;b&gt;</p>"


NUMBERS = [0, 7, -3, 1234, 1234567, True, 2.5, -1234.75]


@pytest.mark.parametrize("use_separator", [False, True])
@pytest.mark.parametrize("value", NUMBERS, ids=[repr(n) for n in NUMBERS])
def test_shown_draws_a_number_as_the_template_does(settings, value, use_separator):
    """A whole number takes a short way round the locale's formats: the same text."""
    from django.template import Context, Template

    from portal.lib.markup import shown

    settings.USE_THOUSAND_SEPARATOR = use_separator
    context = Context({"value": value})
    assert shown(value) == Template("{{ value }}").render(context)
    off = Template("{% load l10n %}{% localize off %}{{ value }}{% endlocalize %}")
    assert shown(value, localised=False) == off.render(context)
