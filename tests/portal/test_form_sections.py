"""Long forms in sections: the contact form, the meeting plan and the meeting record open with a
short index of links, each to a fieldset (or a section of the record) with its heading; a field
no section names is still drawn; and the movement chart leaves room for its slanted labels."""

import re

import pytest
from django import forms
from django.urls import reverse

from dashboards.charts import flow_grid
from portal.lib.sections import form_sections, sectioned_helper
from tests.families.conftest import make_family

INDEX = re.compile(r'<nav aria-label="(Parts of [^"]+)"[^>]*>(.*?)</nav>', re.S)


def _index(html: str) -> tuple[str, list[str]]:
    """The index's name and the ids its links lead to."""
    found = INDEX.search(html)
    assert found, "no index of the form's parts"
    return found.group(1), re.findall(r'href="#([^"]+)"', found.group(2))


def _targets(html: str, ids: list[str], tag: str) -> None:
    for target in ids:
        assert re.search(rf'<{tag}\s[^>]*id="{target}"', html), f"no {tag} with id {target}"


@pytest.fixture
def fam(cast):
    return make_family(cast, teacher=cast.teacher)


def test_the_contact_form_opens_with_links_to_each_of_its_fieldsets(cast, login, fam):
    html = login(cast.teacher).get(reverse("families:contact-add", args=[fam.family.pk])).text
    name, ids = _index(html)
    assert name == "Parts of this form"
    # Where in school it happened follows what happened.
    assert ids[:3] == ["part-what-happened", "part-in-school-optional", "part-kind-of-contact"]
    assert "part-follow-up" in ids and "part-who-may-see-this" in ids
    _targets(html, ids, "fieldset")
    assert html.index("Parts of this form") < html.index('name="summary"')


def test_the_meeting_plan_form_is_in_sections_with_an_index(cast, login, fam):
    html = login(cast.pastoral).get(reverse("meetings:meeting-add", args=[fam.family.pk])).text
    name, ids = _index(html)
    assert name == "Parts of this form"
    assert ids == [
        "part-what-the-meeting-is-for",
        "part-when",
        "part-where",
        "part-who-comes",
        "part-what-the-family-needs",
        "part-who-may-see-this",
    ]
    _targets(html, ids, "fieldset")
    # Every field is still on the page, each inside its section.
    for field in ("purpose", "date", "place_kind", "chair", "interpreter_language"):
        assert f'name="{field}"' in html
    who_comes = html[html.index('id="part-who-comes"') : html.index('id="part-what-the-family')]
    assert 'name="invited"' in who_comes
    # Each adult's own "why not invited" is asked beside the invitations.
    for parent in (fam.mum, fam.dad):
        assert f'name="not_invited_reason_{parent.pk}"' in who_comes


def test_the_meeting_record_opens_with_links_to_its_sections(cast, login, fam):
    from tests import factories

    meeting = factories.MeetingFactory(school=cast.school, family=fam.family, chair=cast.pastoral)
    meeting.children.add(fam.child)
    html = login(cast.pastoral).get(reverse("meetings:meeting-detail", args=[meeting.pk])).text
    name, ids = _index(html)
    assert name == "Parts of the record"
    assert ids[-3:] == ["scaling", "actions", "after"]
    assert any(i.startswith("section-") for i in ids)
    _targets(html, ids, "section")


class _Form(forms.Form):
    first = forms.CharField()
    second = forms.CharField()
    added_later = forms.CharField()


def test_sections_leave_out_missing_fields_and_draw_unnamed_ones_after():
    form = _Form()
    form.helper = sectioned_helper(
        form, [("One", ["first", "gone"]), ("Empty", ["gone too"]), ("Two", ["second"])]
    )
    assert form_sections(form) == [("part-one", "One"), ("part-two", "Two")]
    assert form.helper.render_unmentioned_fields


def test_the_movement_chart_leaves_room_above_the_grid_for_its_slanted_labels():
    matrix = [{"label": "Parents as positive partners", "cells": [1, 2]}] * 2
    columns = ["Getting to know each other"] * 2
    chart = flow_grid("Movement", "Where families moved", matrix, columns)
    # A 22-character label at 11 px slants up at 30°: about 6.5 px a character, half of it up.
    rise = 22 * 6.5 * 0.5 + 11
    assert chart.label_y - rise >= 0
    assert chart.label_y < min(dot.cy - dot.r for dot in chart.dots)
