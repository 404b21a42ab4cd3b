"""A small OneRoster 1.1 REST server with its OAuth 2 token endpoint, on 127.0.0.1 at a free
port in a thread, for the tests: it serves FIXTURE (or data given to it) with limit/offset
paging and X-Total-Count, checks the client credentials and the bearer token, and can be told
to misbehave (refuse the credentials, expire its tokens, answer 500 or 429 with Retry-After or
something that is not JSON), as real school systems sometimes do."""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CLIENT_ID = "portal-client"
CLIENT_SECRET = "s3cret-Xporter-key"  # noqa: S105 (a test fixture)
PREFIX = "/ims/oneroster/v1p1"
SCHOOL = "SCH-RIVER"
OTHER_SCHOOL = "SCH-HILL"


def _ref(kind: str, sourced_id: str) -> dict:
    return {"href": f"{PREFIX}/{kind}s/{sourced_id}", "sourcedId": sourced_id, "type": kind}


def _user(sourced_id, role, given, family, *, org=SCHOOL, agents=(), grades=(), **more):
    return {
        "sourcedId": sourced_id,
        "status": "active",
        "dateLastModified": "2026-11-30T08:00:00.000Z",
        "enabledUser": "true",
        "orgs": [_ref("org", org)],
        "role": role,
        "username": sourced_id.lower(),
        "userIds": [{"type": "MIS", "identifier": sourced_id}],
        "givenName": given,
        "familyName": family,
        "identifier": sourced_id,
        "agents": [_ref("user", a) for a in agents],
        "grades": list(grades),
        **more,
    }


# Seven users: three pupils of Riverside (two of them brothers), their mother and a guardian,
# a teacher, and a pupil of another school the endpoint also serves.
FIXTURE: dict[str, list[dict]] = {
    "orgs": [
        {"sourcedId": "LA-1", "status": "active", "name": "Riverside Council", "type": "district"},
        {
            "sourcedId": SCHOOL,
            "status": "active",
            "name": "Riverside Primary",
            "type": "school",
            "identifier": "5012345",
            "parent": _ref("org", "LA-1"),
        },
        {
            "sourcedId": OTHER_SCHOOL,
            "status": "active",
            "name": "Hillside Academy",
            "type": "school",
            "parent": _ref("org", "LA-1"),
        },
    ],
    "users": [
        _user("STU-1", "student", "Ewan", "Reid", agents=["PAR-1"], grades=["P4"]),
        _user("STU-2", "student", "Lewis", "Reid", agents=["PAR-1"], grades=["P2"]),
        _user("STU-3", "student", "Maya", "Okafor", agents=["PAR-2"], grades=["P4"]),
        _user(
            "PAR-1",
            "parent",
            "Anna",
            "Reid",
            agents=["STU-1", "STU-2"],
            email="anna.reid@example.org",
            phone="07700 900123",
        ),
        _user("PAR-2", "guardian", "Grace", "Okafor", agents=["STU-3"], phone="07700 900456"),
        _user("TEA-1", "teacher", "Iain", "Fraser", email="i.fraser@example.org"),
        _user("STU-9", "student", "Zoe", "Hill", org=OTHER_SCHOOL, grades=["S1"]),
    ],
    "demographics": [
        {"sourcedId": "STU-1", "status": "active", "birthDate": "2018-03-14", "sex": "male"},
        {"sourcedId": "STU-2", "status": "active", "birthDate": "2020-06-02", "sex": "male"},
        {"sourcedId": "STU-3", "status": "active", "birthDate": "2018-09-30", "sex": "female"},
        {"sourcedId": "STU-9", "status": "active", "birthDate": "2014-01-05", "sex": "female"},
    ],
    "classes": [
        {
            "sourcedId": "CLS-P4",
            "status": "active",
            "title": "P4 Reid",
            "classCode": "P4R",
            "classType": "homeroom",
            "grades": ["P4"],
            "school": _ref("org", SCHOOL),
            "terms": [_ref("academicSession", "T-2026")],
        },
        {
            "sourcedId": "CLS-S1",
            "status": "active",
            "title": "S1 Hill",
            "classType": "homeroom",
            "grades": ["S1"],
            "school": _ref("org", OTHER_SCHOOL),
            "terms": [_ref("academicSession", "T-2026")],
        },
    ],
    "enrollments": [
        {
            "sourcedId": "ENR-1",
            "status": "active",
            "user": _ref("user", "STU-1"),
            "class": _ref("class", "CLS-P4"),
            "school": _ref("org", SCHOOL),
            "role": "student",
            "primary": "false",
        },
        {
            "sourcedId": "ENR-2",
            "status": "active",
            "user": _ref("user", "STU-3"),
            "class": _ref("class", "CLS-P4"),
            "school": _ref("org", SCHOOL),
            "role": "student",
            "primary": "false",
        },
        {
            "sourcedId": "ENR-3",
            "status": "active",
            "user": _ref("user", "TEA-1"),
            "class": _ref("class", "CLS-P4"),
            "school": _ref("org", SCHOOL),
            "role": "teacher",
            "primary": "true",
        },
        {
            "sourcedId": "ENR-9",
            "status": "active",
            "user": _ref("user", "STU-9"),
            "class": _ref("class", "CLS-S1"),
            "school": _ref("org", OTHER_SCHOOL),
            "role": "student",
            "primary": "false",
        },
    ],
}


@dataclass
class Scripted:
    """An answer given once to the next request whose path ends with `path`."""

    path: str
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class OneRosterServer:
    """Start with `with OneRosterServer() as server:`; `server.base_url` and
    `server.token_url` are what a RosterSource holds. `requests` lists (method, path, query)
    of every request, `tokens_issued` counts sign-ins."""

    def __init__(self, data: dict[str, list[dict]] | None = None, *, expires_in: int = 3600):
        self.data = copy.deepcopy(FIXTURE if data is None else data)
        self.expires_in = expires_in
        self.refuse_credentials = False
        self.link_next = False  # page with Link rel="next" instead of offsets alone
        self.total_count = True  # send X-Total-Count
        self.max_limit: int | None = None  # cap `limit` as some servers do
        self.script: list[Scripted] = []
        self.tokens: set[str] = set()
        self.tokens_issued = 0
        self.token_forms: list[dict[str, list[str]]] = []
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return self.origin + PREFIX

    @property
    def token_url(self) -> str:
        return self.origin + "/oauth/token"

    def __enter__(self) -> OneRosterServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def answer_once(self, path: str, status: int, body: str = "", **kwargs) -> None:
        self.script.append(Scripted(path, status, body, **kwargs))

    def expire_tokens(self) -> None:
        """Every token issued so far stops working (as when a token's hour runs out)."""
        with self._lock:
            self.tokens.clear()

    def gets(self, path: str) -> list[dict[str, list[str]]]:
        """The query of each GET of one path (e.g. "/users")."""
        return [q for m, p, q in self.requests if m == "GET" and p == PREFIX + path]

    # Used by the handler -------------------------------------------------------------------

    def _scripted(self, path: str) -> Scripted | None:
        with self._lock:
            for i, scripted in enumerate(self.script):
                if path.endswith(scripted.path):
                    return self.script.pop(i)
        return None

    def _issue(self) -> str:
        token = secrets.token_urlsafe(16)
        with self._lock:
            self.tokens.add(token)
            self.tokens_issued += 1
        return token

    def _collection(self, path: str) -> tuple[str, list[dict]] | None:
        """The list a GET path serves, with /schools/{id}/… kept to that school."""
        rest = path.removeprefix(PREFIX).strip("/").split("/")
        if len(rest) == 1 and rest[0] in self.data:
            return rest[0], self.data[rest[0]]
        if len(rest) == 3 and rest[0] == "schools" and rest[2] in ("classes", "enrollments"):
            if rest[1] not in {o["sourcedId"] for o in self.data["orgs"]}:
                return None
            items = [i for i in self.data[rest[2]] if i["school"]["sourcedId"] == rest[1]]
            return rest[2], items
        return None


def _handler(server: OneRosterServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body, headers: dict[str, str] | None = None) -> None:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            content_type = "application/json"
            for name, value in (headers or {}).items():
                if name.lower() == "content-type":
                    content_type = value
                else:
                    self.send_header(name, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _play(self, path: str) -> bool:
            scripted = server._scripted(path)
            if scripted is None:
                return False
            if scripted.delay:
                time.sleep(scripted.delay)
            headers = dict(scripted.headers)
            headers.setdefault("Content-Type", "text/html")
            # The client may have given up waiting, as a timeout test wants.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(scripted.status, scripted.body.encode(), headers)
            return True

        def do_POST(self):
            path = urlsplit(self.path).path
            length = int(self.headers.get("Content-Length", 0))
            form = parse_qs(self.rfile.read(length).decode())
            server.requests.append(("POST", path, form))
            if path != "/oauth/token":
                return self._send(404, {"error": "not found"})
            if self._play(path):
                return None
            server.token_forms.append(form)
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if server.refuse_credentials or self.headers.get("Authorization") != (
                f"Basic {expected}"
            ):
                return self._send(401, {"error": "invalid_client"})
            if form.get("grant_type") != ["client_credentials"]:
                return self._send(400, {"error": "unsupported_grant_type"})
            return self._send(
                200,
                {
                    "access_token": server._issue(),
                    "token_type": "bearer",
                    "expires_in": server.expires_in,
                },
            )

        def do_GET(self):
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            server.requests.append(("GET", parts.path, query))
            if self._play(parts.path):
                return None
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in server.tokens:
                return self._send(401, {"imsx_codeMajor": "failure", "imsx_description": "token"})
            found = server._collection(parts.path)
            if found is None:
                return self._send(404, {"imsx_codeMajor": "failure"})
            key, items = found
            limit = int(query.get("limit", ["100"])[0])
            if server.max_limit:
                limit = min(limit, server.max_limit)
            offset = int(query.get("offset", ["0"])[0])
            page = items[offset : offset + limit]
            headers = {"X-Total-Count": str(len(items))} if server.total_count else {}
            if server.link_next and offset + limit < len(items):
                following = f"{parts.path}?limit={limit}&offset={offset + limit}"
                headers["Link"] = f'<{following}>; rel="next"'
            return self._send(200, {key: page}, headers)

    return Handler
