"""A OneRoster roster as read, before anything is imported: the same shape whether it came from
a CSV bundle (a folder or .zip) or from a OneRoster REST endpoint, so one importer serves both
(school_systems/roster_import.py).

Field names are OneRoster's CSV column names (`sourcedId`, `givenName`, `agentSourcedIds`,
`birthDate`…); a REST reader writes its JSON into the same names (a list such as `agents`
becomes a comma-separated `agentSourcedIds`). Every record keeps where it came from, so a
problem is reported with its file and line (or API page and position)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The tables the importer reads, by their CSV file names (without .csv).
TABLES = ("orgs", "users", "roles", "demographics", "classes", "enrollments")


@dataclass
class Record:
    """One row: the file (or endpoint) it came from, its line (or position), and its fields
    with normalised column names and stripped values."""

    file: str
    line: int
    fields: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.file} line {self.line}"

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default) or default


@dataclass
class Bundle:
    """What was read. `version` is "1.1" or "1.2"; `source` names the folder, .zip or URL;
    `missing` lists optional tables that were not there (e.g. ["demographics"])."""

    version: str
    source: str
    orgs: list[Record] = field(default_factory=list)
    users: list[Record] = field(default_factory=list)
    roles: list[Record] = field(default_factory=list)
    demographics: list[Record] = field(default_factory=list)
    classes: list[Record] = field(default_factory=list)
    enrollments: list[Record] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class BundleError(Exception):
    """The bundle as a whole cannot be read (no users file, not a zip, a manifest that names a
    version we do not read…); the message says so in plain words and nothing is imported."""
