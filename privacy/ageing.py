"""Ageing out the tables that only grow with time: the access log and the edit history of
contacts and their amendments, a whole month at a time (docs/partitions.md).

On PostgreSQL these tables are partitioned by month (audit/partitions.py), so a month past its
limit leaves by DETACH and DROP instead of a row delete per row; the rows of the default
partition, and every row on SQLite, are deleted one by one under the same rule.

The limits, from the rules in privacy.models and docs/data-protection.md:
- **Access log**: ACCESS_LOG_YEARS (6) in whole months. No period existed (the log was kept for
  ever); six years is the project's choice, to be confirmed locally: the limitation period for
  most claims in England and Wales (Limitation Act 1980; five in Scotland), so the log can
  still answer a claim or complaint about who saw a record. Rows of a family under an active
  legal hold are kept (moved to the default partition) however old.
- **Edit history of contacts and amendments**: no period of its own. A history row is kept as
  long as its record: erasure past retention removes it with the family's records
  (privacy/services.py, unchanged). A month before the current one is dropped only when no
  row in it belongs to a contact (or amendment) still held, i.e. once erasure has taken
  everything of that month it had to keep; left-over rows of records already gone go with it.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.db import OperationalError, connection, models, transaction
from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL

from audit import partitions
from audit.models import AccessLog
from families.models import Contact, ContactAmendment
from privacy.models import LegalHold
from privacy.retention import years_before

logger = logging.getLogger("privacy")

ACCESS_LOG_YEARS = 6


def _start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Ageing:
    """One table's rule: which months are past (`cutoff`), which rows of a past month stay."""

    label: str
    model: type[models.Model]
    column: str
    limit: str  # the rule in words, for the command's listing

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def cutoff(self, as_of: datetime.date) -> datetime.date:
        """The first month kept: every month before it is past."""
        raise NotImplementedError

    def keeps_month(self, month: partitions.Month) -> bool:
        """Whether a row of this past month must stay where it is (the month is left whole)."""
        return False

    def kept_rows(self) -> str:
        """SQL condition for the rows of a past month that stay (moved to the default)."""
        return ""

    def rows_past(self, cutoff: datetime.date) -> models.QuerySet:
        """The rows past the limit, one by one (SQLite, and the default partition)."""
        raise NotImplementedError


class AccessLogAgeing(Ageing):
    def cutoff(self, as_of):
        limit = partitions.first_of_month(years_before(as_of, ACCESS_LOG_YEARS))
        return min(limit, partitions.this_month())

    def kept_rows(self):
        # The legal-hold rule of LegalHold.objects.active(), as SQL (it takes no parameters).
        held = LegalHold.objects.active().order_by().values("family_id")
        sql, _params = held.query.sql_with_params()
        return f"family_id IN ({sql})"

    def rows_past(self, cutoff):
        held = LegalHold.objects.active().values("family_id")
        return AccessLog.objects.filter(at__lt=_start(cutoff)).exclude(family_id__in=held)


@dataclass(frozen=True)
class HistoryAgeing(Ageing):
    record: type[models.Model] = Contact

    def cutoff(self, as_of):
        return min(partitions.first_of_month(as_of), partitions.this_month())

    def keeps_month(self, month):
        record, pk = self.record._meta.db_table, self.record._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                # Names only (tables, partitions, columns: from the models, quoted).
                f'SELECT 1 FROM "{month.name}" h WHERE EXISTS '  # nosec B608
                f'(SELECT 1 FROM "{record}" r WHERE r."{pk}" = h.id) LIMIT 1'
            )
            return cursor.fetchone() is not None

    def rows_past(self, cutoff):
        held = self.record._base_manager.filter(pk=OuterRef("id"))
        return self.model.objects.filter(history_date__lt=_start(cutoff)).filter(~Exists(held))


def ageings() -> list[Ageing]:
    return [
        AccessLogAgeing(
            "Access log",
            AccessLog,
            "at",
            f"{ACCESS_LOG_YEARS} years, in whole months (families on legal hold kept)",
        ),
        HistoryAgeing(
            "Edit history of contacts",
            Contact.history.model,
            "history_date",
            "as long as the contact",
            record=Contact,
        ),
        HistoryAgeing(
            "Edit history of contact amendments",
            ContactAmendment.history.model,
            "history_date",
            "as long as the amendment",
            record=ContactAmendment,
        ),
    ]


@dataclass
class Aged:
    """What ageing did (or, listed, would do) to one table."""

    ageing: Ageing
    cutoff: datetime.date
    months: list[tuple[str, int]] = field(default_factory=list)  # (partition, rows dropped)
    months_left_whole: list[str] = field(default_factory=list)
    busy: list[str] = field(default_factory=list)  # months whose lock did not come in time
    kept: int = 0  # rows of dropped months moved to the default partition
    rows: int = 0  # rows deleted one by one

    @property
    def total(self) -> int:
        return sum(n for _name, n in self.months) + self.rows


def _row_by_row(ageing: Ageing, cutoff: datetime.date) -> models.QuerySet:
    rows = ageing.rows_past(cutoff)
    if partitions.is_partitioned(connection, ageing.table):
        # Only the default partition: the months are detached whole, never row by row.
        default = partitions.default_name(ageing.table)
        rows = rows.filter(
            # Fixed text and a table name from the models; the value is a parameter.
            RawSQL(  # nosec B611
                f'"{ageing.table}".tableoid = %s::regclass', [default], output_field=BooleanField()
            )
        )
    return rows


def _past_months(ageing: Ageing, cutoff: datetime.date) -> list[partitions.Month]:
    return [m for m in partitions.months(connection, ageing.table) if m.end <= cutoff]


def ageing_review(*, as_of: datetime.date) -> list[Aged]:
    """What ageing out would remove on `as_of`, table by table (counts only)."""
    found = []
    for ageing in ageings():
        cutoff = ageing.cutoff(as_of)
        aged = Aged(ageing, cutoff, rows=_row_by_row(ageing, cutoff).count())
        for month in _past_months(ageing, cutoff):
            if ageing.keeps_month(month):
                aged.months_left_whole.append(month.name)
            else:
                aged.months.append((month.name, partitions.month_rows(connection, month)))
        found.append(aged)
    return found


def ageing_out(*, as_of: datetime.date) -> list[Aged]:
    """Removes what is past each table's limit on `as_of`: whole months detached and dropped
    (each in its own short transaction), then the row-by-row rule for the rest."""
    done = []
    for ageing in ageings():
        cutoff = ageing.cutoff(as_of)
        aged = Aged(ageing, cutoff)
        for month in _past_months(ageing, cutoff):
            try:
                with transaction.atomic():
                    if ageing.keeps_month(month):
                        aged.months_left_whole.append(month.name)
                        continue
                    dropped, kept = partitions.month_detach(
                        connection, ageing.table, month, keep=ageing.kept_rows()
                    )
            except OperationalError:
                # A lock not given within partitions.LOCK_TIMEOUT: nothing changed; next run.
                logger.warning("Could not detach %s (table busy): left for the next run", month)
                aged.busy.append(month.name)
                continue
            aged.months.append((month.name, dropped))
            aged.kept += kept
            logger.info("Aged out %s: %s rows dropped, %s kept", month.name, dropped, kept)
        with transaction.atomic():
            aged.rows = _row_by_row(ageing, cutoff).delete()[0]
        if aged.rows:
            logger.info("Aged out %s rows of %s before %s", aged.rows, ageing.table, cutoff)
        done.append(aged)
    return done


def months_ahead() -> list[str]:
    """Makes the coming months' partitions of every partitioned table (none on SQLite)."""
    made = []
    for table, _column in partitions.partitioned_tables(connection):
        try:
            with transaction.atomic():
                made += partitions.months_ensure(connection, table)
        except OperationalError:
            # A busy table: the months already made last weeks; the next run makes these.
            logger.warning("Could not make the coming months of %s (table busy)", table)
    if made:
        logger.info("Partitions made: %s", ", ".join(made))
    return made
