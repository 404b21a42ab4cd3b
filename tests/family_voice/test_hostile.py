"""Hostile use of the parent's side (issue 18, point 10): addresses tried at random open nothing
and are slowed; a forwarded link still asks the second check; every parent form takes hostile
text without a 500, with its words kept escaped; and no parent page gives a staff session or
opens a staff page."""

from __future__ import annotations

import re
import secrets
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from family_voice import tokens
from family_voice.models import ParentLink, Purpose
from tests.family_voice.conftest import link_path, make_link, pass_check
from tests.robustness.hostile import SCRIPT

# A sweep, not a sample: each field of each parent form in turn gets each of these.
PAYLOADS = [
    SCRIPT,
    f"Robin\x00{SCRIPT}",
    "\u202eevil\u202c",
    "👨‍👩‍👧‍👦" * 30,
    "y" * 30000,
    "{{ 7*7 }}{% debug %}",
    "'; DROP TABLE families_contact; --",
    "2026-02-30",
    "99999999999999999999",
    " ",
]


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {field: first value}, [text field names])."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict, list]] = []
        self._in = False
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in = True
            self.forms.append((a.get("action") or "", {}, []))
        if not self._in:
            return
        _action, data, texts = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                data.setdefault(name, a.get("value", "on"))
            elif kind != "submit":
                data[name] = a.get("value", "")
                if kind in ("text", "email", "tel", "search") and name != "csrfmiddlewaretoken":
                    texts.append(name)
        elif tag == "textarea" and name:
            data[name] = ""
            texts.append(name)
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            data.setdefault(self._select, a.get("value", ""))
        elif tag == "button" and name:
            data.setdefault(name, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in = False
        if tag == "select":
            self._select = None


def _forms(body: str, path: str):
    parser = _Forms()
    parser.feed(body)
    return [
        (action or path, data, texts)
        for action, data, texts in parser.forms
        if texts and "/language/" not in action
    ]


@pytest.mark.parametrize("purpose", Purpose.values)
def test_every_parent_form_takes_hostile_text_without_a_500(purpose, links, client):
    url = links[purpose].url
    page = (
        pass_check(client, url) if links[purpose].link.needs_check else client.get(link_path(url))
    )
    path = link_path(url)
    pages = [(path, page)]
    note = client.get(path + "note/")
    if note.status_code == 200:
        pages.append((path + "note/", note))
    if purpose == Purpose.EVENING:  # the booking form is one step on, at "Choose a time"
        for href in dict.fromkeys(
            re.findall(rf'href="({re.escape(path)}evening/[^"]+)"', page.text)
        ):
            pages.append((unescape(href), client.get(unescape(href))))
    swept = 0
    for where, shown in pages:
        for action, base, texts in _forms(shown.text, where):
            for name in texts:
                for value in PAYLOADS:
                    response = client.post(action, {**base, name: value})
                    assert response.status_code < 500, (action, name, value[:20])
                    body = response.content.decode(errors="replace")
                    assert SCRIPT not in body, (action, name)
                    again = client.get(where)
                    assert again.status_code < 500
                    assert SCRIPT not in again.content.decode(errors="replace")
                    swept += 1
    assert swept, f"no parent form was found on the {purpose} pages"


def test_addresses_tried_at_random_open_nothing_and_are_slowed(cast, fam, client):
    make_link(cast, fam[1])
    seen = set()
    for i in range(40):
        # Half are not ours at all; half are signed by us but carry a secret that is not the
        # link's (as if the digest leaked without the secret, or a token was altered).
        if i % 2:
            token = secrets.token_urlsafe(32)
        else:
            link_id = ParentLink.objects.get().pk
            token = tokens.make(link_id, secrets.token_urlsafe(32))
        response = client.get(f"/p/{token}/")
        seen.add(response.status_code)
        assert response.status_code in (404, 429)
        assert "Ailsa" not in response.text and "Rowan" not in response.text
    # Guessing is slowed: after the allowance, addresses that are not ours get "please wait".
    assert 429 in seen
    assert ParentLink.objects.get().times_opened == 0


def test_a_forwarded_link_still_asks_the_second_check(cast, fam, client, django_user_model):
    from django.test import Client

    _sf, mum, _dad, meeting = fam
    made = make_link(cast, mum, Purpose.VIEWS, meeting)
    assert "Isla" in pass_check(client, made.url).text
    forwarded = Client().get(link_path(made.url))
    assert forwarded.status_code == 200
    assert "Check it is you" in forwarded.text and "Isla" not in forwarded.text


def test_no_parent_page_gives_a_staff_session_or_opens_a_staff_page(cast, fam, client):
    _sf, mum, _dad, meeting = fam
    made = make_link(cast, mum, Purpose.VIEWS, meeting)
    pass_check(client, made.url)
    for response in (client.get(link_path(made.url)), client.get(link_path(made.url) + "note/")):
        assert "sessionid" not in response.cookies
    assert "sessionid" not in client.cookies
    for staff_url in (
        reverse("home"),
        reverse("families:family-detail", args=[mum.family_id]),
        reverse("meetings:meeting-plan", args=[meeting.pk]),
    ):
        response = client.get(staff_url)
        assert response.status_code == 302 and "/login" in response["Location"]
