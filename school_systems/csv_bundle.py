"""Read a OneRoster 1.1 or 1.2 CSV bundle (a folder, or a .zip as school systems export it) into
a school_systems.bundle.Bundle, which school_systems/roster_import.py imports.

Real exports are messy, so this reader is forgiving about form and strict about substance:
column names are matched whatever their case, spaces, underscores or hyphens, and common
variants are understood ("sourced_id", "given name", "familyname", "DOB"…); unknown columns
are ignored; a byte-order mark, Windows encoding, semicolons or tabs, and a last line with no
newline are fine; a file the manifest marks absent, and the optional files, may be missing.
What cannot be read as a whole (not a zip, no users file, a version we do not read, a users
file with no sourcedId column, a delta export, a file the manifest lists but the bundle lacks)
raises BundleError with a plain message: nothing is imported.
A single row that cannot be read (more cells than columns) is kept with a `__problem__` field,
which the importer reports with its file and line."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from school_systems.bundle import TABLES, Bundle, BundleError, Record

VERSIONS = ("1.1", "1.2")
OPTIONAL = ("orgs", "roles", "demographics", "classes", "enrollments")
MAX_FILES = 200  # entries in a zip
MAX_BYTES = 200 * 1024 * 1024  # all the CSV files together, uncompressed
PROBLEM = "__problem__"

# OneRoster's column names (1.1 and 1.2), by the key `_key` makes of them.
COLUMNS = (
    "sourcedId",
    "status",
    "dateLastModified",
    "name",
    "type",
    "identifier",
    "parentSourcedId",
    "enabledUser",
    "orgSourcedIds",
    "orgSourcedId",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "userMasterIdentifier",
    "resourceSourcedIds",
    "preferredGivenName",
    "preferredMiddleName",
    "preferredFamilyName",
    "primaryOrgSourcedId",
    "pronouns",
    "userSourcedId",
    "roleType",
    "beginDate",
    "endDate",
    "userProfileSourcedId",
    "birthDate",
    "sex",
    "title",
    "courseSourcedId",
    "classCode",
    "classType",
    "location",
    "schoolSourcedId",
    "termSourcedIds",
    "subjects",
    "subjectCodes",
    "periods",
    "classSourcedId",
    "primary",
    "propertyName",
    "value",
    "relationship",
    "parentalResponsibility",
)
# Variants seen in the wild, by their key.
ALIASES = {
    "sourceid": "sourcedId",
    "sourceids": "sourcedId",
    "firstname": "givenName",
    "forename": "givenName",
    "givennames": "givenName",
    "lastname": "familyName",
    "surname": "familyName",
    "familynames": "familyName",
    "dob": "birthDate",
    "dateofbirth": "birthDate",
    "birthday": "birthDate",
    "agentsourcedid": "agentSourcedIds",
    "agentsourceid": "agentSourcedIds",
    "agentsourceids": "agentSourcedIds",
    "agents": "agentSourcedIds",
    "agentids": "agentSourcedIds",
    "orgsourceids": "orgSourcedIds",
    "orgsourceid": "orgSourcedId",
    "usersourceid": "userSourcedId",
    "classsourceid": "classSourcedId",
    "schoolsourceid": "schoolSourcedId",
    "emailaddress": "email",
    "mobile": "sms",
    "mobilephone": "sms",
    "phonenumber": "phone",
    "telephone": "phone",
    "grade": "grades",
    "yeargroup": "grades",
    "relationshiptype": "relationship",
    "relation": "relationship",
    "metadata.relationship": "relationship",
}
CANONICAL = {**{c.lower(): c for c in COLUMNS}, **ALIASES}
# The columns without which a table means nothing.
NEEDED = {
    "users": ("sourcedId",),
    "orgs": ("sourcedId",),
    "roles": ("userSourcedId", "role"),
    "demographics": ("sourcedId",),
    "classes": ("sourcedId",),
    "enrollments": ("classSourcedId", "userSourcedId"),
}


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.replace("\ufeff", "")).lower()


def column_name(header: str) -> str:
    """A header cell as OneRoster names it; an unknown column keeps its own (stripped) name."""
    return CANONICAL.get(_key(header), header.strip())


def _text(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        raise BundleError(f"{name} is not a CSV file: it holds binary data.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")  # a Windows export saved as "ANSI"
    except UnicodeDecodeError as exc:
        raise BundleError(
            f"{name} is not UTF-8 text (unreadable byte at position {exc.start}). Export it "
            "as UTF-8 CSV."
        ) from exc


def read_table(raw: bytes, name: str, needed: tuple[str, ...] = ()) -> list[Record]:
    """One CSV file to records (blank lines skipped), or BundleError."""
    text = _text(raw, name)
    if not text.strip():
        return []
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[Record] = []
    names: list[str] | None = None
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(c.strip() for c in cells):
                continue
            if names is None:
                names = [column_name(c) for c in cells]
                continue
            fields: dict[str, str] = {}
            for column, cell in zip(names, cells, strict=False):
                if column and column not in fields:
                    fields[column] = cell.strip()
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
                fields[PROBLEM] = (
                    f"the row has {len(cells)} cells but the header has {len(names)} columns "
                    "(a value holding a comma that is not in quotes?), so it is left out."
                )
            records.append(Record(file=name, line=start, fields=fields))
    except csv.Error as exc:
        raise BundleError(f"{name} line {reader.line_num} is not valid CSV: {exc}.") from exc
    if names is None:
        return []
    missing = [column for column in needed if column not in names]
    if missing:
        raise BundleError(
            f"{name} has no {' or '.join(missing)} column, so its rows cannot be matched. "
            "Check it is a OneRoster export."
        )
    return records


def _manifest(raw: bytes | None) -> dict[str, str]:
    if raw is None:
        return {}
    found = {}
    for record in read_table(raw, "manifest.csv"):
        prop = record.get("propertyName") or next(iter(record.fields.values()), "")
        found[prop.strip().lower()] = record.get("value").strip()
    return found


def _version(manifest: dict[str, str], files: dict[str, bytes]) -> str:
    stated = manifest.get("oneroster.version", "")
    if stated:
        plain = stated.lower().removeprefix("v").replace("p", ".")
        version = next((v for v in VERSIONS if plain == v or plain.startswith(v + ".")), None)
        if version is None:
            raise BundleError(
                f"manifest.csv says this is OneRoster version {stated}; the portal reads "
                "OneRoster 1.1 and 1.2 CSV bundles."
            )
        return version
    return "1.2" if "roles.csv" in files else "1.1"


def _check_manifest(manifest: dict[str, str], files: dict[str, bytes]) -> None:
    """A delta export holds only what changed since the last one, so read as a full roster it
    would look as if everyone else had gone: refused. A file the manifest lists as there (bulk
    or delta) but missing means the bundle is incomplete (e.g. orgs.csv, which tells which
    school is which): refused too."""
    delta = sorted(t for t in TABLES if manifest.get(f"file.{t}", "").lower() == "delta")
    if delta:
        names = ", ".join(f"{t}.csv" for t in delta)
        raise BundleError(
            f"manifest.csv says this is a delta export ({names} hold only what changed since "
            "the last export). The portal needs a bulk (full) export, or it would read the "
            "changes as the whole roster: export it again as bulk."
        )
    missing = sorted(
        t
        for t in TABLES
        if manifest.get(f"file.{t}", "").lower() in {"bulk", "delta"} and f"{t}.csv" not in files
    )
    if missing:
        names = ", ".join(f"{t}.csv" for t in missing)
        raise BundleError(
            f"manifest.csv lists {names} but the bundle does not hold "
            f"{'it' if len(missing) == 1 else 'them'}: the export is incomplete. Export the "
            "bundle again with all its files."
        )


def read_files(files: dict[str, bytes], source: str) -> Bundle:
    """The bundle from its files (by lower-case file name), or BundleError."""
    if "users.csv" not in files:
        raise BundleError(
            f"{source} has no users.csv, so it holds no pupils or parents. A OneRoster bundle "
            "has manifest.csv, users.csv and other files side by side."
        )
    manifest = _manifest(files.get("manifest.csv"))
    bundle = Bundle(version=_version(manifest, files), source=source)
    _check_manifest(manifest, files)
    for table in TABLES:
        file_name = f"{table}.csv"
        if manifest.get(f"file.{table}") == "absent" and table != "users":
            bundle.missing.append(table)
            continue
        if file_name not in files:
            if table in OPTIONAL and not (table == "roles" and bundle.version == "1.1"):
                bundle.missing.append(table)
            continue
        setattr(bundle, table, read_table(files[file_name], file_name, NEEDED[table]))
    if not bundle.users:
        raise BundleError("users.csv has no rows: there is nobody to import.")
    has_role = any(r.get("role") for r in bundle.users)
    if not bundle.roles and not has_role:
        raise BundleError(
            "Nobody's role can be told: users.csv has no role column and there is no roles.csv "
            "(OneRoster 1.2 keeps roles there)."
        )
    return bundle


def read_zip(data: bytes, name: str) -> Bundle:
    """A .zip bundle (as uploaded or read from disk), or BundleError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise BundleError(
            f"{name} is not a .zip file. Upload the OneRoster export as the .zip the school "
            "system makes."
        ) from exc
    with archive:
        entries = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(".csv")
            and not any(part.startswith((".", "__MACOSX")) for part in info.filename.split("/"))
        ]
        if len(entries) > MAX_FILES:
            raise BundleError(f"{name} holds {len(entries)} CSV files; a bundle has a handful.")
        if sum(info.file_size for info in entries) > MAX_BYTES:
            raise BundleError(f"{name} is too large to import here (over 200 MB unpacked).")
        files: dict[str, bytes] = {}
        # The shallowest copy of each file wins (some zips wrap the files in a folder).
        for info in sorted(entries, key=lambda i: i.filename.count("/")):
            base = info.filename.rsplit("/", 1)[-1].lower()
            if base in files:
                continue
            try:
                with archive.open(info) as handle:
                    raw = handle.read(MAX_BYTES + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
                raise BundleError(f"{info.filename} in {name} cannot be unpacked: {exc}.") from exc
            if len(raw) > MAX_BYTES:
                raise BundleError(f"{name} is too large to import here (over 200 MB unpacked).")
            files[base] = raw
    return read_files(files, name)


def read_path(path: str | Path) -> Bundle:
    """A folder holding the bundle's CSV files, or a .zip of them; BundleError otherwise."""
    path = Path(path)
    if path.is_dir():
        files = {
            child.name.lower(): child.read_bytes()
            for child in sorted(path.iterdir())
            if child.is_file() and child.suffix.lower() == ".csv"
        }
        return read_files(files, path.name or str(path))
    if path.is_file():
        return read_zip(path.read_bytes(), path.name)
    raise BundleError(f"There is no folder or file at {path}.")
