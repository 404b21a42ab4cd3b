"""Import pupils, families and parents/carers from a school information system CSV export.

One row per pupil–parent pair. Used by the `import_families` command and, through a background
task (families/tasks.py), by the admin import page.
Rules, also in docs/importing.md: children go into the chosen school and are matched by (school,
pupil_id); parents by (family, parent_id); a family_ref groups the rows of one household. An
empty cell never wipes what the portal already holds, and a restriction is never cleared.
What staff changed in the portal (families.StaffChange) is kept: where the file differs, the
report lists the difference instead. A child or parent staff added (no id from the export yet)
is matched by name (and a child's date of birth) in the same family, and takes the file's id.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from families.models import Child, ChildParent, Family, ParentCarer, SchoolFamily, StaffChange
from families.services import summaries_refresh
from portal.models import ClassGroup, School

# Progress is reported after each chunk of this many rows (see families_import's `progress`).
CHUNK_ROWS = 500

# (column, required, what it holds) — docs/importing.md documents the same list.
COLUMNS = [
    ("pupil_id", True, "The pupil's id in the school information system."),
    ("pupil_first_name", True, "Pupil's first name."),
    ("pupil_last_name", True, "Pupil's last name."),
    ("date_of_birth", True, "YYYY-MM-DD or DD/MM/YYYY."),
    ("year_group", False, "e.g. P4 or S3; taken from the class if empty."),
    ("class", False, "Class or registration group name; must already exist at the school."),
    ("looked_after", False, "yes/no."),
    ("asn", False, "Additional support needs, yes/no."),
    ("young_carer", False, "yes/no."),
    (
        "start_date",
        False,
        "For a pupil still to start: their first day (counts in no roll figure until then).",
    ),
    ("coming_from", False, "For a pupil still to start: the nursery or school they attend now."),
    (
        "family_ref",
        True,
        "The household's id in the export; rows with the same ref are one family.",
    ),
    ("parent_id", True, "The parent or carer's id in the export (the same across the authority)."),
    ("parent_first_name", False, "Parent or carer's first name."),
    ("parent_last_name", True, "Parent or carer's last name (or the service's name)."),
    (
        "relationship",
        True,
        "mother, father, step-parent, foster carer, kinship carer, key worker, "
        "corporate parent or other.",
    ),
    ("parental_responsibility", False, "yes/no (yes if empty for a new link)."),
    ("lives_with_pupil", False, "yes/no (yes if empty for a new link)."),
    ("household", False, "Which home, where a pupil lives across two, e.g. Dad's house."),
    ("phone", False, "Phone number."),
    ("email", False, "Email address."),
    ("language", False, "Preferred language (English if empty for a new parent)."),
    ("interpreter_needed", False, "yes/no."),
    (
        "restriction",
        False,
        "A recorded restriction on what this person may be told, and its source.",
    ),
]
REQUIRED = [name for name, required, _ in COLUMNS if required]
KNOWN = {name for name, _, _ in COLUMNS}
KINDS = {
    "families": "families",
    "children": "children",
    "parents": "parents and carers",
    "links": "parent–child links",
}

_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0"}
_RELATIONSHIPS = {
    **{value: value for value in ChildParent.Relationship.values},
    **{label.lower(): value for value, label in ChildParent.Relationship.choices},
    "mum": "mother",
    "mam": "mother",
    "dad": "father",
    "step-parent": "step_parent",
    "step parent": "step_parent",
    "stepmother": "step_parent",
    "step-mother": "step_parent",
    "stepfather": "step_parent",
    "step-father": "step_parent",
    "foster carer": "foster_carer",
    "foster parent": "foster_carer",
    "kinship carer": "kinship_carer",
    "grandparent": "kinship_carer",
    "grandmother": "kinship_carer",
    "grandfather": "kinship_carer",
    "key worker": "key_worker",
    "residential key worker": "key_worker",
    "corporate parent": "corporate_parent",
    "local authority": "corporate_parent",
    "guardian": "other",
}


# The link's fields by their column, for a reader's "__new_only__" (see families_import).
_LINK_FIELD = {"lives_with_pupil": "lives_with_child"}


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing is saved."""


class RowProblem(Exception):
    """One row cannot be imported; the message is shown with its line number."""


@dataclass
class RowError:
    line: int
    message: str
    where: str = ""  # e.g. "users.csv line 12", where the rows did not come from one CSV file

    def __str__(self):
        return f"{self.where or f'Line {self.line}'}: {self.message}"


@dataclass
class KeptDifference:
    """A detail staff changed in the portal that the file gives otherwise: the portal's is
    kept."""

    line: int
    record: str
    field: str
    portal: str
    file: str
    where: str = ""  # as RowError.where

    def __str__(self):
        return (
            f"{self.where or f'Line {self.line}'}: {self.record}, {self.field}: kept "
            f"“{self.portal}” as changed in the portal; the file says “{self.file}”."
        )


@dataclass
class ImportResult:
    dry_run: bool
    all_or_nothing: bool
    rows: int = 0
    saved: bool = False
    errors: list[RowError] = field(default_factory=list)
    kept: list[KeptDifference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. classes a OneRoster import added
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {
            kind: {"created": 0, "updated": 0, "unchanged": 0} for kind in KINDS
        }
    )

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())

    @property
    def can_confirm(self) -> bool:
        """Whether saving this dry run would import anything at all."""
        return self.rows > len(self.errors) and not (self.all_or_nothing and self.errors)

    def summary_lines(self) -> list[str]:
        verb = "would be" if not self.saved else "were"
        lines = []
        for kind, label in KINDS.items():
            c = self.counts[kind]
            lines.append(
                f"{label.capitalize()}: {c['created']} {verb} created, {c['updated']} {verb} "
                f"updated, {c['unchanged']} unchanged."
            )
        if self.kept:
            lines.append(
                f"Changed by staff in the portal and kept: {len(self.kept)} detail(s) where the "
                "file differs (check them with the school information system)."
            )
        return lines + self.notes

    def as_json(self) -> dict:
        """The result as stored with a background import run (families.ImportRun.report)."""
        return {
            "dry_run": self.dry_run,
            "all_or_nothing": self.all_or_nothing,
            "rows": self.rows,
            "saved": self.saved,
            "errors": [
                [error.line, error.message, *([error.where] if error.where else [])]
                for error in self.errors
            ],
            "kept": [
                [k.line, k.record, k.field, k.portal, k.file, *([k.where] if k.where else [])]
                for k in self.kept
            ],
            "counts": self.counts,
            **({"notes": self.notes} if self.notes else {}),
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportResult:
        result = cls(
            dry_run=data["dry_run"],
            all_or_nothing=data["all_or_nothing"],
            rows=data["rows"],
            saved=data["saved"],
            errors=[RowError(*error) for error in data["errors"]],
            kept=[KeptDifference(*kept) for kept in data.get("kept", [])],
            notes=list(data.get("notes", [])),
        )
        for kind in KINDS:
            result.counts[kind].update(data["counts"].get(kind, {}))
        return result

    def headline(self) -> str:
        problems = f"{len(self.errors)} row(s) with problems" if self.errors else "no problems"
        if self.dry_run:
            return f"Dry run of {self.rows} row(s), nothing saved: {problems}."
        if not self.saved:
            return (
                f"Nothing was imported: {problems}, and all or nothing was chosen. "
                "Fix the rows listed and import again."
            )
        if not self.changed:
            return f"Imported {self.rows} row(s): everything was already up to date ({problems})."
        return f"Imported {self.rows} row(s) ({problems})."


def decode(raw: bytes) -> str:
    """Bytes of an upload to text, or a plain reason why it is not a CSV file we can read."""
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "This looks like a spreadsheet workbook, not a CSV file. In the spreadsheet choose "
            "Save as → CSV UTF-8, then import that file."
        )
    if b"\x00" in raw:
        raise ImportFileError("This is not a CSV file: it contains binary data.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (unreadable byte at position {exc.start}). Save it as "
            "CSV UTF-8 from the spreadsheet or information system and try again."
        ) from exc


def _header(reader) -> list[str]:
    """The normalised column names of the first line, or ImportFileError."""
    names = [h.strip().lower().replace(" ", "_") for h in next(reader)]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ImportFileError(
            "The file is missing these columns: "
            + ", ".join(missing)
            + ". The first line must name the columns (see the list on this page or in "
            "docs/importing.md)."
        )
    duplicates = sorted({n for n in names if n and names.count(n) > 1})
    if duplicates:
        raise ImportFileError("These columns appear twice: " + ", ".join(duplicates) + ".")
    return names


def _delimiter(content: str) -> str:
    if "\x00" in content:  # text handed to the service directly, not through decode()
        raise ImportFileError("This is not a CSV file: it contains binary data.")
    if not content.strip():
        raise ImportFileError("The file is empty.")
    first_line = content.lstrip().splitlines()[0]
    return max(",;\t", key=first_line.count)


def check_header(content: str) -> None:
    """Reads only the first line: whether the file names the columns we need (ImportFileError
    if not). Quick enough for the upload request; the rows are read by the background task."""
    content = content.removeprefix("\ufeff")
    delimiter = _delimiter(content)
    first = content.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(first, newline=""), delimiter=delimiter)
    try:
        _header(reader)
    except (csv.Error, StopIteration) as exc:
        raise ImportFileError("The first line is not a line of column names.") from exc


def parse(content: str) -> list[tuple[int, dict[str, str]]]:
    """Text to (line number, row) pairs with normalised column names, or ImportFileError."""
    content = content.removeprefix("\ufeff")
    delimiter = _delimiter(content)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)
    try:
        names = _header(reader)
        rows = []
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            row = {n: c.strip() for n, c in zip(names, cells, strict=False) if n in KNOWN}
            if len(cells) > len(names):
                row["__extra__"] = "yes"
            rows.append((line, row))
    except csv.Error as exc:
        raise ImportFileError(f"Line {reader.line_num} is not valid CSV: {exc}.") from exc
    if not rows:
        raise ImportFileError("The file has a header line but no rows of pupils.")
    return rows


def _bool(row, column) -> bool | None:
    value = row.get(column, "").lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise RowProblem(f"{column} is “{row[column]}”; use yes or no.")


def _date(row, column) -> datetime.date:
    value = row.get(column, "")
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise RowProblem(f"{column} is “{value}”, which is not a date; use YYYY-MM-DD or DD/MM/YYYY.")


def _plain(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(msgs)}" if name != "__all__" else " ".join(msgs)
            for name, msgs in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def _shown(obj, name: str, value) -> str:
    """A value as the report shows it: a choice's label, yes or no, a class's name."""
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    model_field = obj._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _apply(obj, values: dict) -> bool:
    """Set the non-empty values on obj; return whether anything changed."""
    changed = False
    for name, value in values.items():
        if value is None or value == "":
            continue
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


class _Run:
    """The state of one import: resolved families, what each object did, rows already seen."""

    def __init__(self, school: School, rows, result: ImportResult, birth_date_optional=False):
        self.school = school
        self.birth_date_optional = birth_date_optional
        self.result = result
        self.classes = {c.name.lower(): c for c in ClassGroup.objects.filter(school=school)}
        self.status: dict[tuple[str, object], str] = {}
        self.seen_child: dict[str, tuple[int, tuple]] = {}
        self.seen_parent: dict[tuple[str, str], tuple[int, tuple]] = {}
        self.family_of_ref: dict[str, int] = {}
        self.ambiguous: dict[str, str] = {}
        # (record kind, id) -> the fields staff changed in the portal, which the import keeps.
        self.staff_kept: dict[tuple[str, int], set[str]] = defaultdict(set)
        for record, record_id, name in StaffChange.objects.filter(
            family__authority_id=school.authority_id
        ).values_list("record", "record_id", "field"):
            self.staff_kept[(record, record_id)].add(name)
        self.differences: dict[tuple[str, int, str], KeptDifference] = {}
        self._resolve_families(rows)

    def _resolve_families(self, rows):
        """Match each family_ref to at most one existing family: through its pupils, or, when
        none of them is in the portal yet, through its parents."""
        pupils, parents = defaultdict(set), defaultdict(set)
        for _line, row in rows:
            ref = row.get("family_ref", "")
            if row.get("pupil_id"):
                pupils[ref].add(row["pupil_id"])
            if row.get("parent_id"):
                parents[ref].add(row["parent_id"])
        by_pupil = dict(
            Child.objects.filter(
                school=self.school,
                external_id__in={p for ids in pupils.values() for p in ids},
            ).values_list("external_id", "family_id")
        )
        by_parent = defaultdict(set)
        for external_id, family_id in ParentCarer.objects.filter(
            family__authority_id=self.school.authority_id,
            external_id__in={p for ids in parents.values() for p in ids},
        ).values_list("external_id", "family_id"):
            by_parent[external_id].add(family_id)
        for ref in set(pupils) | set(parents):
            # By pupil first: a carer shared with another family (a council, a worker, a
            # parent with children at another school) must not pull that family in as well.
            found = {by_pupil[p] for p in pupils[ref] if p in by_pupil}
            if not found:
                for p in parents[ref]:
                    found |= by_parent.get(p, set())
            if len(found) == 1:
                self.family_of_ref[ref] = found.pop()
            elif found:
                names = ", ".join(
                    Family.objects.filter(pk__in=found)
                    .order_by("pk")
                    .values_list("name", flat=True)
                )
                self.ambiguous[ref] = (
                    f"family_ref {ref} matches more than one family already in the portal "
                    f"({names}); merge or correct them in admin first."
                )

    def row(self, line: int, row: dict[str, str]):
        """Import one row inside the caller's savepoint; record outcomes only if it succeeds."""
        if row.get("__extra__"):
            raise RowProblem("the row has more cells than the header has columns.")
        for column in REQUIRED:
            if column == "date_of_birth" and self.birth_date_optional:
                continue
            if not row.get(column):
                raise RowProblem(f"{column} is empty.")
        ref = row["family_ref"]
        if ref in self.ambiguous:
            raise RowProblem(self.ambiguous[ref])
        outcomes = {}
        differences: dict[tuple[str, int, str], KeptDifference] = {}

        child_values = self._child_values(row)
        parent_values = self._parent_values(row)
        self._check_consistent(line, row, child_values, parent_values)

        family_id = self.family_of_ref.get(ref)
        if family_id is None:
            family = Family(
                authority_id=self.school.authority_id,
                name=f"Family of {row['pupil_first_name']} {row['pupil_last_name']}"[:200],
            )
            family.full_clean()
            family.save()
            outcomes[("families", family.pk)] = "created"
        else:
            family = Family.objects.get(pk=family_id)
            outcomes[("families", family.pk)] = "unchanged"
        SchoolFamily.objects.get_or_create(school=self.school, family=family)

        child = Child.objects.filter(school=self.school, external_id=row["pupil_id"]).first()
        adopted = False
        if child is None and family_id is not None:
            child = self._added_by_staff_child(family, child_values, row["pupil_id"])
            adopted = child is not None
        if child is not None:
            child_values = self._keep(
                line, StaffChange.Record.CHILD, child, child_values, differences
            )
        if child is None:
            child = Child(family=family, school=self.school, external_id=row["pupil_id"])
            _apply(child, child_values)
            outcomes[("children", row["pupil_id"])] = "created"
        else:
            changed = _apply(child, child_values) or adopted
            outcomes[("children", row["pupil_id"])] = "updated" if changed else "unchanged"
        if outcomes[("children", row["pupil_id"])] != "unchanged":
            child.full_clean()
            child.save()

        parent = ParentCarer.objects.filter(family=family, external_id=row["parent_id"]).first()
        adopted = False
        if parent is None and family_id is not None:
            parent = self._added_by_staff_parent(family, parent_values, row["parent_id"])
            adopted = parent is not None
        if parent is not None:
            parent_values = self._keep(
                line, StaffChange.Record.PARENT, parent, parent_values, differences
            )
        key = ("parents", (family.pk, row["parent_id"]))
        if parent is None:
            parent = ParentCarer(family=family, external_id=row["parent_id"])
            _apply(parent, parent_values)
            outcomes[key] = "created"
        else:
            changed = _apply(parent, parent_values) or adopted
            outcomes[key] = "updated" if changed else "unchanged"
        if outcomes[key] != "unchanged":
            parent.full_clean()
            parent.save()

        link = ChildParent.objects.filter(child=child, parent=parent).first()
        link_values = {
            "relationship": self._relationship(row),
            "parental_responsibility": _bool(row, "parental_responsibility"),
            "lives_with_child": _bool(row, "lives_with_pupil"),
            "restriction": row.get("restriction", ""),
        }
        if link is not None:
            # Columns a reader gives only as defaults for a new link (a OneRoster role).
            for column in filter(None, row.get("__new_only__", "").split(",")):
                link_values.pop(_LINK_FIELD.get(column, column), None)
            link_values = self._keep(
                line, StaffChange.Record.LINK, link, link_values, differences, label=str(link)
            )
        key = ("links", (child.pk, parent.pk))
        if link is None:
            link = ChildParent(child=child, parent=parent)
            _apply(link, link_values)
            outcomes[key] = "created"
        else:
            outcomes[key] = "updated" if _apply(link, link_values) else "unchanged"
        if outcomes[key] != "unchanged":
            link.full_clean()
            link.save()

        # The row succeeded: now its outcomes and the family it settled on may be remembered.
        self.family_of_ref[ref] = family.pk
        for ident, difference in differences.items():
            self.differences.setdefault(ident, difference)
        for (kind, ident), status in outcomes.items():
            previous = self.status.get((kind, ident))
            if previous is None or (previous == "unchanged" and status != "unchanged"):
                self.status[(kind, ident)] = status

    def _keep(self, line, record, obj, values, differences, *, label=None) -> dict:
        """`values` without the fields staff changed in the portal; where the file gives such
        a field otherwise, the difference is noted for the report."""
        kept = self.staff_kept.get((record, obj.pk))
        if not kept:
            return values
        left = {}
        for name, value in values.items():
            if name not in kept:
                left[name] = value
                continue
            current = getattr(obj, name)
            if value is not None and value != "" and value != current:
                differences[(record, obj.pk, name)] = KeptDifference(
                    line=line,
                    record=label or str(obj),
                    field=str(obj._meta.get_field(name).verbose_name),
                    portal=_shown(obj, name, current),
                    file=_shown(obj, name, value),
                )
        return left

    def _added_by_staff_child(self, family, values, pupil_id) -> Child | None:
        """A child staff added to this family, not yet known by an id from the export, with
        the same name and date of birth (by name alone where the file gives no date of birth):
        it takes the file's id (nothing is duplicated)."""
        born = {"date_of_birth": values["date_of_birth"]} if values["date_of_birth"] else {}
        child = Child.objects.filter(
            family=family,
            school=self.school,
            external_id="",
            first_name__iexact=values["first_name"],
            last_name__iexact=values["last_name"],
            **born,
        ).first()
        if child is not None:
            child.external_id = pupil_id
        return child

    def _added_by_staff_parent(self, family, values, parent_id) -> ParentCarer | None:
        """A parent or carer staff added to this family, with the same name and no id from
        the export yet: they take the file's id."""
        parent = ParentCarer.objects.filter(
            family=family,
            external_id="",
            first_name__iexact=values["first_name"],
            last_name__iexact=values["last_name"],
        ).first()
        if parent is not None:
            parent.external_id = parent_id
        return parent

    def _child_values(self, row) -> dict:
        class_group = None
        if row.get("class"):
            class_group = self.classes.get(row["class"].lower())
            if class_group is None:
                raise RowProblem(
                    f"there is no class called “{row['class']}” at {self.school}; add it in admin "
                    "or correct the file."
                )
        year_group = row.get("year_group") or (class_group.year_group if class_group else "")
        return {
            "first_name": row["pupil_first_name"],
            "last_name": row["pupil_last_name"],
            "date_of_birth": _date(row, "date_of_birth") if row.get("date_of_birth") else None,
            "year_group": year_group,
            "class_group": class_group,
            "looked_after": _bool(row, "looked_after"),
            "additional_support_needs": _bool(row, "asn"),
            "young_carer": _bool(row, "young_carer"),
            "starts_on": _date(row, "start_date") if row.get("start_date") else None,
            "coming_from": row.get("coming_from", ""),
        }

    def _parent_values(self, row) -> dict:
        return {
            "first_name": row.get("parent_first_name", ""),
            "last_name": row["parent_last_name"],
            "household": row.get("household", ""),
            "phone": row.get("phone", ""),
            "email": row.get("email", ""),
            "language": row.get("language", ""),
            "interpreter_needed": _bool(row, "interpreter_needed"),
        }

    def _relationship(self, row) -> str:
        value = _RELATIONSHIPS.get(row["relationship"].lower().strip())
        if value is None:
            raise RowProblem(
                f"relationship “{row['relationship']}” is not one we know; use mother, father, "
                "step-parent, foster carer, kinship carer, key worker, corporate parent or other."
            )
        return value

    def _check_consistent(self, line, row, child_values, parent_values):
        child_key = tuple(str(v) for v in child_values.values())
        seen = self.seen_child.setdefault(row["pupil_id"], (line, child_key))
        if seen[1] != child_key:
            raise RowProblem(
                f"pupil {row['pupil_id']}'s details differ from line {seen[0]}; "
                "a pupil's details must be the same on every row."
            )
        parent_key = tuple(str(v) for v in parent_values.values())
        seen = self.seen_parent.setdefault(
            (row["family_ref"], row["parent_id"]), (line, parent_key)
        )
        if seen[1] != parent_key:
            raise RowProblem(
                f"parent {row['parent_id']}'s details differ from line {seen[0]}; "
                "a parent's details must be the same on every row."
            )

    def finish(self):
        for (kind, _ident), status in self.status.items():
            self.result.counts[kind][status] += 1
        self.result.kept = sorted(self.differences.values(), key=lambda k: k.line)


def families_import(
    *,
    content: str = "",
    school: School,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    progress: Callable[[int, int], None] | None = None,
    rows: list[tuple[int, dict[str, str]]] | None = None,
    problems: list[RowError] | None = None,
    birth_date_optional: bool = False,
) -> ImportResult:
    """Import a CSV export into `school`. A dry run and a failed all-or-nothing save nothing.

    `progress(rows_done, rows_total)` is called once the file is read, after every CHUNK_ROWS
    rows and at the end (inside the import's transaction but for the first call).
    Raises ImportFileError when the file as a whole cannot be read.

    Another reader (a OneRoster bundle, school_systems/roster_import.py) passes `rows` already
    in this file's columns instead of `content`, each row's "__where__" naming where it came
    from (reported instead of "Line N") and "__new_only__" the link columns (e.g.
    "relationship,parental_responsibility") that only set up a new link, never changing an
    existing one; and `problems` it found itself, which count as rows
    with problems (so all or nothing saves nothing). With `birth_date_optional` a pupil may come
    without a date of birth; the school completes it in the portal.
    """
    rows = parse(content) if rows is None else rows
    wheres = {line: row.pop("__where__") for line, row in rows if "__where__" in row}
    total = len(rows) + len(problems or [])
    result = ImportResult(dry_run=dry_run, all_or_nothing=all_or_nothing, rows=total)
    result.errors.extend(problems or [])
    if progress:
        progress(0, total)
    with transaction.atomic():
        run = _Run(school, rows, result, birth_date_optional)
        for done, (line, row) in enumerate(rows, start=1):
            try:
                with transaction.atomic():
                    run.row(line, row)
            except RowProblem as exc:
                result.errors.append(RowError(line, str(exc), wheres.get(line, "")))
            except ValidationError as exc:
                result.errors.append(RowError(line, _plain(exc), wheres.get(line, "")))
            if progress and done % CHUNK_ROWS == 0 and done < total:
                progress(done, total)
        run.finish()
        for kept in result.kept:
            kept.where = wheres.get(kept.line, "")
        if progress:
            progress(total, total)
        if dry_run or (all_or_nothing and result.errors):
            transaction.set_rollback(True)
        else:
            summaries_refresh(school=school)
            result.saved = True
    return result
