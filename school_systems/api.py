"""Reads a school's roster from a OneRoster 1.1 REST endpoint (e.g. Groupcall Xporter) into a
school_systems.bundle.Bundle, the same shape a CSV bundle gives, so one importer serves both.

Sign-in is OAuth 2 client credentials; every collection is paged with `limit`/`offset`. Every
failure becomes a OneRosterError whose message says what went wrong in plain words (it is shown
to administrators and kept on the source): never a stack trace, never the secret.
docs/oneroster-api.md describes setting a source up.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings

from school_systems.bundle import Bundle, Record

logger = logging.getLogger("school_systems")

# (table, path under the base URL, the JSON key holding the list). Classes and enrollments are
# read through OneRoster's school endpoints when the source names its school (see _paths).
TABLES = (
    ("orgs", "/orgs", "orgs"),
    ("users", "/users", "users"),
    ("demographics", "/demographics", "demographics"),
    ("classes", "/classes", "classes"),
    ("enrollments", "/enrollments", "enrollments"),
)
# Lists of references whose CSV column is not simply the key's singular + "SourcedIds".
_REF_LISTS = {"children": ""}  # an org's children are not a CSV column: dropped
_REF_LIST_KEYS = {"orgs", "agents", "terms", "children"}  # lists of references, even if empty
_PARENT_ROLES = {"parent", "guardian", "relative"}


class OneRosterError(Exception):
    """The pull cannot go on; the message says why in plain words, for administrators."""


class _Refused(OneRosterError):
    """The endpoint answered 403 or 404 for one collection (an optional one may be missing)."""


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _retry_after(response: requests.Response) -> float | None:
    """Seconds the server asks us to wait (Retry-After as seconds or an HTTP date), or None."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def record_fields(obj: dict) -> dict[str, str]:
    """One OneRoster JSON object in the CSV bundle's column names: a reference `{"sourcedId":
    …}` under `school` becomes `schoolSourcedId`, a list of them under `agents` becomes a
    comma-separated `agentSourcedIds`, other lists (grades) are comma-joined, and `userIds`
    are written `{type:identifier}` as in users.csv."""
    fields: dict[str, str] = {}
    for key, value in obj.items():
        if value is None:
            continue
        if key == "metadata" and isinstance(value, dict):
            for name, item in value.items():
                if item is not None and not isinstance(item, dict | list):
                    fields[f"metadata.{name}"] = _scalar(item)
        elif isinstance(value, dict):
            if "sourcedId" in value:
                fields[f"{key}SourcedId"] = _scalar(value["sourcedId"])
        elif isinstance(value, list):
            if key == "userIds":
                ids = [v for v in value if isinstance(v, dict)]
                fields[key] = ",".join(
                    f"{{{_scalar(v.get('type', ''))}:{_scalar(v.get('identifier', ''))}}}"
                    for v in ids
                )
            elif key in _REF_LIST_KEYS or (value and all(isinstance(v, dict) for v in value)):
                column = _REF_LISTS.get(key, f"{key.removesuffix('s')}SourcedIds")
                if column:
                    fields[column] = ",".join(
                        _scalar(v["sourcedId"])
                        for v in value
                        if isinstance(v, dict) and "sourcedId" in v
                    )
            else:
                fields[key] = ",".join(_scalar(v) for v in value if not isinstance(v, dict))
        else:
            fields[key] = _scalar(value)
    return fields


def _ids(record: Record, column: str) -> set[str]:
    return {part.strip() for part in record.get(column).split(",") if part.strip()}


class Client:
    """A OneRoster 1.1 REST client for one source: one access token, reused until it is about
    to expire and fetched again once if the endpoint refuses it (401); a request that meets
    429, 5xx, a timeout or a dropped connection is tried again after a wait (Retry-After where
    the server gives one). `sleep` and `clock` are there so tests need not wait."""

    def __init__(
        self,
        *,
        base_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str | None = None,
        page_size: int | None = None,
        timeout: float | None = None,
        tries: int | None = None,
        backoff: float | None = None,
        max_wait: float | None = None,
        max_records: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = settings.ONEROSTER_SCOPE if scope is None else scope
        self.page_size = max(1, page_size or settings.ONEROSTER_PAGE_SIZE)
        self.timeout = timeout or settings.ONEROSTER_TIMEOUT_SECONDS
        self.tries = max(1, tries or settings.ONEROSTER_TRIES)
        self.backoff = settings.ONEROSTER_BACKOFF_SECONDS if backoff is None else backoff
        self.max_wait = settings.ONEROSTER_MAX_WAIT_SECONDS if max_wait is None else max_wait
        self.max_records = max_records or settings.ONEROSTER_MAX_RECORDS
        self.sleep = sleep
        self.clock = clock
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        self._token: str | None = None
        self._expires_at = 0.0
        self.tokens_fetched = 0

    def close(self) -> None:
        self.session.close()

    # Requests, with retries -------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        """One request, tried up to `tries` times on 429, 5xx, a timeout or a dropped
        connection; any other answer is returned for the caller to judge."""
        host = _host(url)
        problem = ""
        for attempt in range(1, self.tries + 1):
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                # No redirects: the bearer token and the secret go to the addresses set in admin
                # only; a redirect is answered as a problem below (status 3xx).
                response = self.session.request(
                    method, url, timeout=self.timeout, allow_redirects=False, **kwargs
                )
            except requests.Timeout:
                problem = (
                    f"The school system at {host} did not answer within {self.timeout:g} seconds."
                )
            except requests.exceptions.SSLError as exc:
                raise OneRosterError(
                    f"The portal could not check the security certificate of {host}, so it did "
                    "not connect: ask the supplier or your IT team to check the address."
                ) from exc
            except requests.exceptions.InvalidURL as exc:
                raise OneRosterError(f"The address “{url}” is not a web address.") from exc
            except requests.ConnectionError:
                problem = (
                    f"The portal could not reach the school system at {host}: check the address, "
                    "or whether the system is down."
                )
            else:
                status = response.status_code
                if status != 429 and status < 500:
                    return response
                asked = _retry_after(response)
                if asked is not None and asked > self.max_wait:
                    raise OneRosterError(
                        f"The school system at {host} is busy ({status}) and asked the portal to "
                        f"wait {asked:.0f} seconds; the next pull will try again."
                    )
                if asked is not None:
                    wait = asked
                problem = (
                    f"The school system at {host} is busy (429)."
                    if status == 429
                    else f"The school system at {host} had a fault ({status})."
                )
            if attempt < self.tries:
                logger.info("OneRoster %s %s: %s; trying again", method, host, problem)
                self.sleep(wait)
        raise OneRosterError(
            f"{problem} The portal tried {self.tries} times; the next pull will try again."
        )

    def _json(self, response: requests.Response, what: str) -> dict:
        try:
            data = response.json()
        except (json.JSONDecodeError, ValueError) as exc:
            kind = response.headers.get("Content-Type", "").split(";")[0].strip() or "unknown"
            raise OneRosterError(
                f"The school system's answer to {what} was not JSON (it was {kind}): check "
                "the OneRoster base URL."
            ) from exc
        if not isinstance(data, dict):
            raise OneRosterError(f"The school system's answer to {what} was not a JSON object.")
        return data

    # The access token ----------------------------------------------------------------------

    def token(self, *, fresh: bool = False) -> str:
        """The bearer token: the one we hold while it lasts, else a new one."""
        if self._token and not fresh and self.clock() < self._expires_at:
            return self._token
        response = self._send(
            "POST",
            self.token_url,
            data={"grant_type": "client_credentials", "scope": self.scope},
            auth=(self.client_id, self.client_secret),
        )
        status = response.status_code
        error = ""
        if status >= 400:
            try:
                body = response.json()
                error = str(body.get("error", "")) if isinstance(body, dict) else ""
            except ValueError:
                error = ""
        if status == 401 or error in ("invalid_client", "unauthorized_client"):
            raise OneRosterError(
                f"The school system refused the portal's client id or secret ({status})."
            )
        if error == "invalid_scope":
            raise OneRosterError(
                f"The school system would not grant the access the portal asks for "
                f"(invalid_scope, {status}): ask the supplier to allow the OneRoster read-only "
                "roster scopes for the portal's client."
            )
        if status == 404:
            raise OneRosterError("There is nothing at the OAuth 2 token URL (404): check it.")
        if status >= 300:
            detail = f", {error}" if error else ""
            raise OneRosterError(
                f"The school system would not give the portal an access token ({status}{detail})."
            )
        data = self._json(response, "the sign-in (token URL)")
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise OneRosterError("The school system's sign-in answer held no access token.")
        try:
            lasts = float(data.get("expires_in", 3600))
        except (TypeError, ValueError):
            lasts = 3600.0
        # Renew a little early, so a token does not run out between our check and its use.
        self._token = token
        self._expires_at = self.clock() + lasts - min(30.0, lasts / 10)
        self.tokens_fetched += 1
        return token

    def get(self, url: str, params: dict | None, what: str) -> requests.Response:
        """GET with the bearer token; a 401 is answered once with a freshly fetched token."""
        response = self._send("GET", url, params=params, headers=self._auth(self.token()))
        if response.status_code == 401:
            response = self._send(
                "GET", url, params=params, headers=self._auth(self.token(fresh=True))
            )
            if response.status_code == 401:
                raise OneRosterError(
                    f"The school system refused the portal's access token for {what} (401), even "
                    "a new one: ask the supplier to check the portal's access."
                )
        status = response.status_code
        if status == 403:
            raise _Refused(
                f"The school system does not let the portal read {what} (403): ask the supplier "
                "to give the portal's client the OneRoster read-only roster scopes."
            )
        if status == 404:
            raise _Refused(
                f"The school system has nothing at {what} (404): check the OneRoster base URL "
                "and the school's sourcedId."
            )
        if status >= 300:
            raise OneRosterError(f"The school system answered {status} to {what}.")
        return response

    @staticmethod
    def _auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    # Collections, page by page ----------------------------------------------------------

    def collection(self, path: str, key: str) -> list[dict]:
        """Every record of one collection: pages of `limit` from `offset` 0 until X-Total-Count
        is reached or, without it, a page is empty; a Link rel="next" is followed instead where
        the server gives one. A record seen twice (offsets shift when data changes between
        pages) is kept once."""
        url: str | None = self.base_url + path
        params: dict | None = {"limit": self.page_size, "offset": 0}
        records: list[dict] = []
        seen: set[str] = set()
        visited: set[str] = set()
        offset = 0
        linked = False  # the server pages by Link rel="next": a page without one is the last
        while url:
            response = self.get(url, params, path)
            visited.add(response.url)
            data = self._json(response, path)
            items = data.get(key)
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise OneRosterError(f"The school system's answer to {path} had no “{key}” list.")
            before = len(records)
            for item in items:
                sourced_id = str(item.get("sourcedId", ""))
                if sourced_id and sourced_id in seen:
                    continue
                seen.add(sourced_id)
                records.append(item)
            if items and len(records) == before:
                break  # a page with nothing new: the server is not paging by offset
            if len(records) > self.max_records:
                raise OneRosterError(
                    f"The school system gave more than {self.max_records} records at {path}; the "
                    "portal stopped, as paging seems to have gone wrong."
                )
            linked = linked or "next" in response.links
            url, params = self._next(response, path, items, offset, linked)
            offset += len(items)
            if url and url in visited:
                break
        return records

    def _next(self, response, path, items, offset, linked) -> tuple[str | None, dict | None]:
        """Where the next page is, or (None, None) when this was the last."""
        if not items or (linked and "next" not in response.links):
            return None, None
        link = response.links.get("next", {}).get("url")
        if link:
            target = urljoin(response.url, link)
            if urlsplit(target)[:2] != urlsplit(self.base_url)[:2]:
                # The bearer token goes to the school system only, never to another host.
                raise OneRosterError(
                    f"The school system's next page of {path} is at another address "
                    f"({_host(target)}); the portal did not follow it."
                )
            return target, None
        offset += len(items)
        try:
            total: int | None = int(response.headers.get("X-Total-Count", ""))
        except ValueError:
            total = None
        # The total decides where given. Without one, only an empty page ends the list: a
        # server may cap `limit` below what we asked for, so a short page need not be the last
        # (one more request per list, against silently leaving pupils out). A page longer than
        # asked means the server ignores paging and sent everything.
        done = offset >= total if total is not None else len(items) > self.page_size
        if done:
            return None, None
        return self.base_url + path, {"limit": self.page_size, "offset": offset}


def _paths(org: str) -> dict[str, str]:
    """Where each table is read. With the school's sourcedId, classes and enrollments come
    from OneRoster's school endpoints (/schools/{id}/classes, /schools/{id}/enrollments), so
    other schools' timetables never leave the school system. OneRoster 1.1 has no school
    endpoint for parents and carers or for demographics, and servers differ in filtering on a
    user's orgs, so users and demographics are read whole and kept to the school here."""
    paths = {table: path for table, path, _ in TABLES}
    if org:
        paths["classes"] = f"/schools/{org}/classes"
        paths["enrollments"] = f"/schools/{org}/enrollments"
    return paths


def _records(table: str, items: list[dict]) -> list[Record]:
    return [
        Record(file=f"{table} (API)", line=position, fields=record_fields(item))
        for position, item in enumerate(items, start=1)
    ]


def _keep_school(bundle: Bundle, org: str) -> None:
    """Keeps the school's own pupils and staff, the parents and carers linked to its pupils
    (a link may be written on either side), and their demographics."""
    pupils = {
        r.get("sourcedId")
        for r in bundle.users
        if r.get("role").lower() == "student" and org in _ids(r, "orgSourcedIds")
    }
    agents_of_pupils = set().union(
        *(_ids(r, "agentSourcedIds") for r in bundle.users if r.get("sourcedId") in pupils)
    )
    kept = []
    for record in bundle.users:
        role = record.get("role").lower()
        if role == "student":
            keep = record.get("sourcedId") in pupils
        elif role in _PARENT_ROLES:
            keep = record.get("sourcedId") in agents_of_pupils or bool(
                _ids(record, "agentSourcedIds") & pupils
            )
        else:
            keep = org in _ids(record, "orgSourcedIds")
        if keep:
            kept.append(record)
    bundle.users = kept
    people = {r.get("sourcedId") for r in kept}
    bundle.demographics = [r for r in bundle.demographics if r.get("sourcedId") in people]


def fetch_bundle(
    *, base_url: str, token_url: str, client_id: str, client_secret: str, org: str = "", **options
) -> Bundle:
    """The roster as a Bundle (version 1.1), or OneRosterError. `org` is the school's
    sourcedId where the endpoint serves more than one school. A refused or missing
    /demographics is listed in `missing` (birth dates are optional in OneRoster)."""
    client = Client(
        base_url=base_url,
        token_url=token_url,
        client_id=client_id,
        client_secret=client_secret,
        **options,
    )
    bundle = Bundle(version="1.1", source=base_url)
    paths = _paths(org)
    try:
        for table, _, key in TABLES:
            try:
                items = client.collection(paths[table], key)
            except _Refused:
                if table != "demographics":
                    raise
                bundle.missing.append(table)
                continue
            setattr(bundle, table, _records(table, items))
            if table == "orgs" and org and org not in {i.get("sourcedId") for i in items}:
                raise OneRosterError(
                    f"The school system has no org with sourcedId “{org}”: check the school's "
                    "sourcedId on the OneRoster source."
                )
    finally:
        client.close()
    if org:
        _keep_school(bundle, org)
    return bundle
