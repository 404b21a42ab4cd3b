"""`|date` (portal/templatetags/fast_date.py) gives what Django's own filter gives, for every
format the templates use, in every language the portal speaks, and hands the rest to it."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError, defaultfilters
from django.utils import timezone, translation

from portal.templatetags import fast_date

LONDON = zoneinfo.ZoneInfo("Europe/London")
ROOT = Path(settings.BASE_DIR)


def _formats_in_templates() -> set[str]:
    found = set()
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found |= {a or b for a, b in re.findall(r"\|date:(?:\"([^\"]*)\"|'([^']*)')", text)}
    return found


FORMATS = sorted(
    _formats_in_templates()
    | {"j M Y", "c", "D j M Y H:i", r"j \o\f F", "N j, Y", "SHORT_DATE_FORMAT", "DATE_FORMAT", "r"}
)
VALUES = [
    datetime.datetime(2026, 1, 5, 9, 7, tzinfo=LONDON),
    datetime.datetime(2026, 7, 31, 23, 59, 59, 123456, tzinfo=LONDON),
    datetime.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON),  # the hour the clocks go back
    datetime.datetime(2026, 12, 3, 15, 0, tzinfo=datetime.UTC),
    datetime.datetime(2027, 3, 9, 0, 0),  # naive
    datetime.date(2026, 2, 28),
    datetime.date(999, 5, 1),
]


def test_the_templates_use_formats_drawn_here():
    """The formats in the templates are found (the comparison below is not over nothing), and
    the ones used most are drawn here rather than handed to Django's filter."""
    used = _formats_in_templates()
    assert {"j M Y", "c", "j F Y", "D j M Y"} <= used
    assert all(fast_date._parts(f) is not None for f in ("j M Y", "c", "j F Y", "D j M Y"))


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_every_format_and_value_reads_as_django_draws_it(language):
    with translation.override(language):
        for value in VALUES:
            for format_string in FORMATS:
                try:
                    expected = defaultfilters.date(value, format_string)
                except TypeError as refused:  # a time part asked of a plain date
                    with pytest.raises(TypeError, match=re.escape(str(refused))):
                        fast_date.date(value, format_string)
                    continue
                assert fast_date.date(value, format_string) == expected, (value, format_string)


@pytest.mark.parametrize("value", [None, "", "not a date", 42, "2026-01-05"])
def test_anything_else_is_drawn_by_djangos_filter(value):
    for format_string in ("j M Y", "c", None):
        assert fast_date.date(value, format_string) == defaultfilters.date(value, format_string)


def test_the_template_filter_is_this_one_in_the_schools_time_zone():
    when = datetime.datetime(2026, 6, 1, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 2 June here
    with timezone.override(LONDON):
        drawn = Template('{{ when|date:"D j M Y, H:i" }}|{{ when|date }}').render(
            Context({"when": when})
        )
    assert drawn == "Tue 2 Jun 2026, 00:30|" + defaultfilters.date(timezone.localtime(when, LONDON))


def test_a_month_reads_in_the_language_of_the_page():
    when = datetime.date(2026, 12, 3)
    template = Template('{{ when|date:"j F Y" }}')
    drawn = {}
    for language in ("en-gb", "pl", "en-gb"):
        with translation.override(language):
            drawn[language] = template.render(Context({"when": when}))
            assert drawn[language] == defaultfilters.date(when, "j F Y")
    assert drawn["en-gb"] == "3 December 2026"
    assert drawn["pl"] != drawn["en-gb"]


def test_a_time_of_a_plain_date_is_refused_in_the_template_as_before():
    with pytest.raises(TypeError):
        Template('{{ when|date:"H:i" }}').render(Context({"when": datetime.date(2026, 1, 1)}))
    with pytest.raises(TemplateSyntaxError):
        Template('{{ when|date:"j M" "Y" }}')


def test_formats_built_from_data_do_not_grow_without_bound(monkeypatch):
    monkeypatch.setattr(fast_date, "_read", {})
    for n in range(fast_date.MAX_FORMATS * 3):
        fast_date.date(datetime.date(2026, 1, 1), f"j M Y {n}")
    assert len(fast_date._read) <= fast_date.MAX_FORMATS


def test_names_kept_per_language_are_let_go_when_the_catalogues_change(settings):
    when = datetime.date(2026, 12, 3)
    with translation.override("en-gb"):
        assert fast_date.date(when, "F") == "December"
    assert any(fast_date._KEPT_NAMES)
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]  # as a test or reload that changes them
    assert not any(fast_date._KEPT_NAMES)
