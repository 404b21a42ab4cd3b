"""The machinery of the authorisation matrix: a row type, the URL walk, and one row's run.
The table itself, and how to write a row, are in test_authorisation_matrix.py."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass

import pypdf
from django.core.cache import cache
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.urls import URLResolver, get_resolver, reverse

from tests.security.matrix_world import INSIDERS, MARKERS, OUTSIDERS, World, user_school_markers

LOGIN = "login"  # 302 to the portal's login page (Location checked)
REDIRECT = "302"  # 302 anywhere else
COLUMNS = ("teacher", "pastoral", "headteacher", "authority_officer", "admin")
# A POST that was refused must have changed nothing; these tables change on any request.
BOOKKEEPING_TABLES = ("django_session", "axes_accessattempt", "axes_accesslog")


@dataclass(frozen=True)
class Row:
    name: str
    kwargs: Callable | dict | None
    expect: dict
    method: str = "GET"
    data: Callable | dict | None = None
    post: int | str = 200
    query: Callable | str = ""  # appended to the URL; a function of the Side like kwargs
    variant: str = ""
    scope: str = "school"  # "all": the object is open to its role at any school (admin pages)
    writes: bool = True  # False: no POST of the row may change anything, even an allowed one

    @property
    def has_object(self) -> bool:
        return callable(self.kwargs) and self.scope == "school"

    def label(self) -> str:
        return f"{self.name}{f' [{self.variant}]' if self.variant else ''}"


def R(name, kwargs=None, expect="", *, anonymous=LOGIN, **options) -> Row:
    """One row: `expect` holds five statuses, for teacher, pastoral, headteacher, authority
    officer and administrator, on the OWN school's object (see the module docstring)."""
    tokens = expect.split()
    assert len(tokens) == len(COLUMNS), f"{name}: expect needs {len(COLUMNS)} statuses"
    statuses = {
        role: token if token in (LOGIN, REDIRECT) else int(token)
        for role, token in zip(COLUMNS, tokens, strict=True)
    }
    return Row(name=name, kwargs=kwargs, expect={"anonymous": anonymous, **statuses}, **options)


def url_patterns(resolver=None, prefix="", namespace=""):
    """(route, name) of every URL pattern of the project, includes walked recursively."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, route, inner)
        else:
            yield route, f"{namespace}{pattern.name}" if pattern.name else None


def _changes() -> int:
    """Rows inserted, updated or deleted so far in this transaction (bookkeeping aside)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
            " FROM pg_stat_xact_user_tables WHERE NOT (relname = ANY(%s))",
            [list(BOOKKEEPING_TABLES)],
        )
        return cursor.fetchone()[0]


def _body(response) -> str:
    """The response as text; a PDF's text extracted (its streams are compressed)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        reader = pypdf.PdfReader(io.BytesIO(content))
        return "\n".join(page.extract_text() for page in reader.pages)
    return content.decode("utf-8", errors="replace")


def request(client, method: str, url: str, data=None):
    """One request, its effects on the database and the client's session undone afterwards
    (so every request of the matrix sees the same data); returns (response, body, changed)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        if method == "POST":
            before = _changes()
            response = client.post(url, data or {})
            changed = _changes() != before
        else:
            response, changed = client.get(url), False
        body = _body(response)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, body, changed


def check(response, expected) -> str | None:
    """What is wrong with the response, if anything."""
    location = response.get("Location", "")
    if expected == LOGIN:
        if response.status_code != 302 or not location.startswith(resolve_url("login")):
            return f"expected a redirect to login, got {response.status_code} {location}"
    elif expected == REDIRECT:
        if response.status_code != 302 or location.startswith(resolve_url("login")):
            return f"expected a redirect (not to login), got {response.status_code} {location}"
    elif response.status_code != expected:
        return f"expected {expected}, got {response.status_code} {location}"
    return None


def leaked(role: str, body: str) -> list[str]:
    """Markers in a response that this role must never see."""
    allowed = user_school_markers(role)
    return [m for m in MARKERS if m not in allowed and m in body]


def _cases(row: Row, world: World):
    """(role, side, expected) for every request of the row: insiders on the own school's
    object, everyone but anonymous on the other school's object (always 404), outsiders on
    the own school's object (always 404). Rows without an object: outsiders as their role."""
    for role in ("anonymous", *INSIDERS):
        yield role, world.own, row.expect[role]
    if row.has_object:
        for role in INSIDERS:
            yield role, world.other, 404
        for role in OUTSIDERS:
            yield role, world.own, 404
    else:
        for role in OUTSIDERS:
            yield role, world.own, row.expect[role.removeprefix("outsider_")]


def _url(row: Row, side) -> str:
    kwargs = row.kwargs(side) if callable(row.kwargs) else row.kwargs or {}
    query = row.query(side) if callable(row.query) else row.query
    if "/" in row.name:  # an unnamed pattern, named by its route
        return "/" + row.name + query
    return reverse(row.name, kwargs=kwargs) + query


def _post_expected(row: Row, role: str, expected):
    """A FORM row's POST: `post` for roles whose GET succeeds; or a five-status string."""
    if isinstance(row.post, str) and row.post not in (LOGIN, REDIRECT):
        if expected == 404 and role not in row.expect:
            return 404
        tokens = dict(zip(COLUMNS, row.post.split(), strict=True))
        token = tokens.get(role.removeprefix("outsider_"), expected)
        return token if token in (LOGIN, REDIRECT) else int(token)
    return row.post if expected == 200 else expected


def _data(row: Row, side) -> dict:
    return row.data(side) if callable(row.data) else dict(row.data or {})


def run_row(row: Row, world: World) -> list[str]:
    """Every request of one row; a list of problems (empty when all is as expected)."""
    # Each row starts with no throttle counted (e.g. a parent's link tried at random is slowed
    # per connection; the matrix asks every row from one address).
    cache.clear()
    problems = []
    methods = {"GET": ["GET"], "POST": ["POST"], "FORM": ["GET", "POST"]}[row.method]
    if row.method == "POST":  # wrong method: a signed-in user gets 405 before anything else
        response, _body_, _c = request(world.clients["headteacher"], "GET", _url(row, world.own))
        if response.status_code != 405:
            problems.append(f"{row.label()} GET as headteacher: expected 405, got {response}")
    for role, side, expected in _cases(row, world):
        url = _url(row, side)
        for method in methods:
            if method == "POST" and row.method == "FORM" and role.startswith("outsider_"):
                continue  # the same refusal as the GET's; insiders POST to the other school
            want = expected
            if method == "POST" and row.method == "FORM":
                want = _post_expected(row, role, expected)
            data = _data(row, side) if method == "POST" else None
            response, body, changed = request(world.clients[role], method, url, data)
            where = f"{row.label()} {method} as {role} ({side.marker})"
            if problem := check(response, want):
                problems.append(f"{where}: {problem}")
            refused = want in (LOGIN, 403, 404, 405) or not row.writes
            if method == "POST" and refused and changed:
                problems.append(f"{where}: refused, but the database changed")
            if role != "anonymous" and "no-store" not in response.get("Cache-Control", ""):
                problems.append(f"{where}: a signed-in response without Cache-Control: no-store")
            if found := leaked(role, body):
                problems.append(f"{where}: response shows {', '.join(found)}")
    return problems
