"""Reads on hot paths whose SQL Django builds once per process, then runs with new values.

Building a query is most of what a simple read costs here: a filter with a join, an annotation
and an ordering takes the ORM 1–3 ms to resolve and compile to SQL, against a fraction of a
millisecond for PostgreSQL to run it. Every signed-in page makes such reads before it does
anything of its own (the user's memberships), and the home page makes several more. A read
written as a `Compiled` query is built once with stand-in values, its SQL kept, and later runs
only swap the real values into the kept parameters before the rows are read through Django's
own iterables, so callers get the same model instances (or values) as from the queryset.

    memberships_of = Compiled(
        lambda user_id: Membership.objects.filter(user_id=user_id).select_related("school"),
        user_id=int,
    )
    rows = memberships_of(user_id=request.user.pk)   # a list

Rules that keep it exact:
- each named value must reach the SQL as one parameter, unchanged (an id, a date, a string):
  if a stand-in value is not found among the parameters after building, the query is built
  afresh on every call instead (and tests fail: see `VERIFY`);
- a value of another type than declared, or None (which changes `=` into `IS NULL`), is
  built afresh for that call;
- a date or time among the parameters that is not one of the named values (worked out from
  "now" inside the build) makes the read build afresh every time: kept, it would go stale;
- the result is a list, never a queryset to chain further;
- the SQL is kept per database alias, so a dashboard read routed to a replica keeps its own.

With `VERIFY` on (the test suite turns it on), every call also builds the query with the real
values and checks that its SQL and parameters are what the kept SQL would send.

On PostgreSQL, with connections kept between requests (CONN_MAX_AGE not 0, not behind
PgBouncer), a kept read is also a prepared statement of its connection: PostgreSQL parses it
once and plans it once (settings.GENERIC_PLANS), where a plain read is parsed and planned on
every run (planning is most of what these reads cost the database: see `prepared_sql`). Its
constants are written into the prepared SQL, so the one plan knows them; only the named values
are parameters (`_Kept._shared_sql`).
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import functools
import hashlib
import itertools
import logging
import re
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections, router
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

VERIFY = False
logger = logging.getLogger(__name__)


def _stand_in(kind: type, serial: Iterator[int]) -> Any:
    """A value of the type no real row would carry, unique within one build. A whole number is
    negative but within a 32-bit column's range: Django gives up on a lookup of a value its
    column cannot hold (`pk=` on auth_user's id) before writing any SQL."""
    n = next(serial)
    if kind is int:
        return -2_100_000_000 - n
    if kind is str:
        return f"\x1fstand-in-{n}\x1f"
    if kind is dt.date:
        return dt.date(1001, 1, 1) + dt.timedelta(days=n)
    if kind is dt.datetime:
        return dt.datetime(1001, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=n)
    raise TypeError(f"Compiled queries take int, str, date or datetime values, not {kind}.")


DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _looks_dated(param: Any) -> bool:
    return isinstance(param, dt.date) or (isinstance(param, str) and bool(DATE_TEXT.match(param)))


def _adapter(ops, value: Any) -> Callable | None:
    if isinstance(value, dt.datetime):
        return ops.adapt_datetimefield_value
    if isinstance(value, dt.date):
        return ops.adapt_datefield_value
    return None


class _Kept:
    """One database alias's SQL: where each named value goes among the parameters."""

    def __init__(
        self,
        queryset: QuerySet,
        stand_ins: dict[str, Any],
        alias: str,
        required: set[str],
        prepare: bool = True,
    ):
        compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        self.queryset = queryset
        self.compiler = compiler
        # A value may reach the parameters as the database backend adapts it (SQLite: dates
        # and times as text): each stand-in is looked for as it is and as adapted.
        ops = connections[alias].ops
        by_value: dict[tuple, tuple[Any, Callable | None]] = {}
        for name, value in stand_ins.items():
            if isinstance(value, list):  # IDS: each id is a parameter of its own
                for index, one in enumerate(value):
                    by_value[(type(one), one)] = ((name, index), None)
                continue
            by_value[(type(value), value)] = (name, None)
            adapt = _adapter(ops, value)
            if adapt is not None:
                adapted = adapt(value)
                by_value.setdefault((type(adapted), adapted), (name, adapt))
        # (is a named value, the name or the constant, how the value is adapted)
        self.slots: list[tuple[bool, Any, Callable | None]] = []
        found = set()
        dated = False
        for param in params:
            named = by_value.get((type(param), param))
            if named is None:
                # A date or time the caller did not name was worked out inside the build,
                # most likely from "now": kept, it would go stale.
                dated = dated or _looks_dated(param)
                self.slots.append((False, param, None))
            else:
                found.add(named[0])
                self.slots.append((True, named[0], named[1]))
        for name, value in stand_ins.items():
            if isinstance(value, list):  # every id of a list must be found, in its place
                expected = {(name, index) for index in range(len(value))}
                found |= {name} if expected <= found else set()
        # A plain value missing from the parameters was changed on its way (a date moved by a
        # week): the kept SQL cannot take it. A user may be absent (a whole-school read).
        self.complete = required <= found and not dated
        # Prepared statement names by the parameters' types (None: PostgreSQL refused it).
        self.statements: dict[tuple, str | None] = {}
        self.prepare = prepare
        # The columns' converters by connection and columns (see `_read`).
        self._converters: dict[tuple, tuple[Any, dict]] = {}
        # By database alias: the SQL to prepare and where its named values go (_shared_sql);
        # () where it cannot be written.
        self._shared: dict[str, tuple] = {}

    def params(self, values: dict[str, Any]) -> tuple:
        return tuple(
            (adapt(_value(values, slot)) if adapt else _value(values, slot)) if named else slot
            for named, slot, adapt in self.slots
        )

    def run(self, values: dict[str, Any], alias: str) -> list:
        params = self.params(values)
        sql, sent = None, params
        shared = self._shared_sql(alias) if self.prepare and prepares(alias) else None
        if shared is not None:
            template, named_at = shared
            sent = tuple(params[i] for i in named_at)
            sql = prepared_sql(self, alias, sent, sql=template)
        if sql is None:
            return self._read(self.sql, params, alias)
        try:
            return self._read(sql, sent, alias)
        except DatabaseError as error:
            if _pgcode(error) not in STALE_STATEMENT:
                raise
            # The connection's statements are gone (a pooler's reset) or no longer fit the
            # tables (a migration changed a column under a running server): let them all go.
            connection = connections[alias]
            forget_statements(connection)
            if not connection.get_autocommit():
                raise  # the transaction is spoiled; the next one prepares afresh
            return self._read(self.sql, params, alias)

    def _shared_sql(self, alias: str) -> tuple[str, tuple[int, ...]] | None:
        """The SQL to prepare: this read's constants (a level, a tone, the school's id: the
        same on every run of this shape) written into it as literals, so that PostgreSQL's one
        plan for all runs knows them (a partial index whose condition names a constant can
        serve it, and each school's own statistics count), and a placeholder left only for each
        named value; with where those go among the parameters. None if a constant is of a kind
        not written here (it runs as plain SQL, as before)."""
        found = self._shared.get(alias)
        if found is None:
            found = self._shared[alias] = _with_constants_written(
                self.sql, self.slots, connections[alias]
            )
        return found or None

    def _converters_for(self, compiler, expressions) -> dict:
        """The columns' converters, worked out once per connection (each costs a few dozen calls
        into the fields and the backend) instead of on every run. Only for the kept columns
        themselves, in their order; anything else is worked out as Django would."""
        work_out = type(self.compiler).get_converters
        select = self.compiler.select
        if len(expressions) > len(select) or not all(
            e is s[0] for e, s in zip(expressions, select, strict=False)
        ):
            return work_out(compiler, expressions)
        connection = compiler.connection
        key = (id(connection), len(expressions))
        found = self._converters.get(key)
        if found is None or found[0] is not connection:
            if len(self._converters) >= 64:  # connections come and go (threads, restarts)
                self._converters.clear()
            found = self._converters[key] = (connection, work_out(compiler, expressions))
        return found[1]

    def _read(self, sql: str, params: tuple, alias: str) -> list:
        template = self.queryset
        kept = self.compiler
        query = type(template.query).__new__(type(template.query))
        query.__dict__ = template.query.__dict__.copy()

        def get_compiler(using=None, connection=None, elide_empty=True):
            compiler = type(kept)(query, connections[alias], alias, elide_empty)
            compiler.get_converters = functools.partial(self._converters_for, compiler)
            compiler.select = kept.select
            compiler.klass_info = kept.klass_info
            compiler.annotation_col_map = kept.annotation_col_map
            compiler.col_count = kept.col_count
            compiler.has_extra_select = kept.has_extra_select
            compiler.as_sql = lambda *args, **kwargs: (sql, params)
            return compiler

        query.get_compiler = get_compiler  # this copy only: it is never cloned or chained
        queryset = type(template).__new__(type(template))
        queryset.__dict__ = template.__dict__.copy()
        # Not `queryset.query = query`: that setter makes a values_list() read give dicts.
        queryset._query = query
        queryset._db = alias
        queryset._result_cache = None
        queryset._prefetch_done = False
        # Each run its own prefetch querysets: the prefetcher adds hints to them.
        queryset._prefetch_related_lookups = tuple(
            _own_prefetch(lookup) for lookup in template._prefetch_related_lookups
        )
        queryset._fetch_all()
        return list(queryset._result_cache or [])


# --- Prepared statements (PostgreSQL) -----------------------------------------------------
# The type each parameter is declared with, as psycopg2 would have written it in the SQL:
# text is left to PostgreSQL to infer from where it stands, as it does for a quoted literal.
_PG_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "bigint"),
    (decimal.Decimal, "numeric"),
    (str, "unknown"),
    (type(None), "unknown"),
)
# A connection keeps at most this many; past it they are all let go and prepared again.
MAX_PREPARED = 1000
# PostgreSQL's error code for PREPARE of a name the connection already has.
DUPLICATE_PREPARED_STATEMENT = "42P05"
# A statement that is gone (26000) or whose result no longer fits its tables (0A000, "cached
# plan must not change result type"): the connection's statements are let go and prepared again.
STALE_STATEMENT = frozenset({"26000", "0A000"})
# Errors PREPARE can meet that are not about the statement: no permission, a table or column
# missing while a deployment waits for its migration. The read runs plain this once, and its
# statement is tried again next time instead of being given up for good.
PASSING_ERRORS = frozenset({"42501", "42P01", "42703"})
# Each statement's name -> its SQL (with psycopg2's placeholders), to read a logged EXECUTE by.
STATEMENTS: dict[str, str] = {}


def _pg_type(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return "timestamptz" if value.tzinfo is not None else "timestamp"
    if isinstance(value, dt.date):
        return "date"
    for kind, name in _PG_TYPES:  # a choice is a str or int subclass; bool comes before int
        if isinstance(value, kind):
            if kind is int and not -(2**63) <= value < 2**63:
                return None
            return name
    return None  # lists, floats, anything else: the read runs as plain SQL


def prepares(alias: str) -> bool:
    """Whether reads on this database alias are prepared: PostgreSQL only, and only where the
    connection outlives the request (a statement prepared on a connection that closes after
    one request costs a round trip and saves nothing; behind PgBouncer in transaction mode the
    next transaction may get another server connection, without the statement)."""
    connection = connections[alias]
    return (
        getattr(settings, "PREPARED_READS", False)
        and connection.vendor == "postgresql"
        and not getattr(settings, "DATABASE_POOLED", False)
        and connection.settings_dict.get("CONN_MAX_AGE") != 0
    )


def _body(sql: str) -> str:
    """psycopg2's placeholders as PostgreSQL's: %s -> $1, $2...; %% -> %."""
    serial = itertools.count(1)
    return re.sub(r"%[%s]", lambda m: "%" if m.group() == "%%" else f"${next(serial)}", sql)


# Constants written into a prepared read's SQL as literals (_with_constants_written); a read
# with a constant of any other kind is not prepared.
_WRITTEN = (str, int, bool, decimal.Decimal, dt.date, type(None))


def _with_constants_written(sql: str, slots: list, connection) -> tuple:
    """(the SQL with each constant parameter written in as a quoted literal and a %s left for
    each named value, the positions of the named values among the parameters); () if a
    constant cannot be written."""
    if any(not named and not isinstance(slot, _WRITTEN) for named, slot, _ in slots):
        return ()
    if any(not named and isinstance(slot, str) and "\x00" in slot for named, slot, _ in slots):
        return ()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        literal = {
            i: cursor.mogrify("%s", (slot,)).decode().replace("%", "%%")
            for i, (named, slot, _) in enumerate(slots)
            if not named
        }
    serial = itertools.count()
    named_at: list[int] = []

    def place(match: re.Match) -> str:
        if match.group() == "%%":
            return "%%"
        i = next(serial)
        if i in literal:
            return literal[i]
        named_at.append(i)
        return "%s"

    written = re.sub(r"%[%s]", place, sql)
    if next(serial) != len(slots):  # not one placeholder per parameter: leave it plain
        return ()
    return written, tuple(named_at)


def prepared_sql(
    kept: _Kept | KeptStatement, alias: str, params: tuple, *, sql: str | None = None
) -> str | None:
    """`EXECUTE <statement>(%s, ...)` for a kept read, preparing it on this connection first if
    need be; None to run the plain SQL (not PostgreSQL, a parameter of a type not declared
    here, or PostgreSQL refused to prepare it). `sql` is what to prepare, with a %s for each of
    `params` (the kept SQL itself unless given)."""
    if not kept.prepare or not prepares(alias):
        return None
    sql = kept.sql if sql is None else sql
    types = tuple(_pg_type(p) for p in params)
    if None in types:
        return None
    name = kept.statements.get(types, "")
    if name is None:
        return None
    if not name:
        digest = hashlib.blake2b(f"{sql}\0{types}".encode(), digest_size=10).hexdigest()
        name = kept.statements[types] = f"compiled_{digest}"
    if name not in STATEMENTS:
        # (Again after the table was let go: a statement in use stays readable in the log.)
        if len(STATEMENTS) > MAX_PREPARED * 10:
            STATEMENTS.clear()
        STATEMENTS[name] = sql
    connection = connections[alias]
    connection.ensure_connection()
    mine = getattr(connection, "_compiled_prepared", None)
    if mine is None or mine[0] is not connection.connection:
        # A new connection (or the first): nothing is prepared on it yet.
        mine = connection._compiled_prepared = (connection.connection, set())
    if getattr(connection, "_compiled_stale", False):
        # Statements found stale inside a transaction that then failed: let them go now.
        if not _prepare(connection, "DEALLOCATE ALL"):
            return None
        connection._compiled_stale = False
        mine[1].clear()
    prepared: set = mine[1]
    if name not in prepared:
        if len(prepared) >= MAX_PREPARED:
            forget_statements(connection)
            if connection._compiled_stale:
                return None
        declared = f" ({', '.join(types)})" if types else ""
        outcome = _prepare(connection, f"PREPARE {name}{declared} AS {_body(sql)}")
        if outcome is None:  # the connection or transaction failed: the plain read says so
            return None
        if not outcome:
            logger.warning(
                "PostgreSQL would not prepare a compiled read (%s): it runs as plain SQL.",
                getattr(connection, "_compiled_refusal", ""),
            )
            kept.statements[types] = None
            return None
        prepared.add(name)
    return f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"


class KeptStatement:
    """A statement built once (SQL and parameters' places), run with new values: prepared on
    PostgreSQL where kept reads are (`prepared_sql`). For a write on a hot path, e.g. the
    family's summary row after each contact: planning it was about half its cost."""

    def __init__(self, sql: str):
        self.sql = sql
        self.statements: dict[tuple, str | None] = {}
        self.prepare = True

    def execute(self, cursor, alias: str, params: list) -> None:
        sql = prepared_sql(self, alias, tuple(params))
        if sql is None:
            cursor.execute(self.sql, params)
            return
        try:
            cursor.execute(sql, params)
        except DatabaseError as error:
            if _pgcode(error) in STALE_STATEMENT:
                # Gone or no longer fitting its tables: let them go; this write fails as any
                # failed write does (inside its transaction), and the next one prepares afresh.
                forget_statements(connections[alias])
            raise


def show_statements_as_sql() -> None:
    """Make Django's query log (what tests and the benchmark capture) show a prepared read as
    the SQL it stands for, with its values, instead of `EXECUTE compiled_...(values)`: the
    number of round trips is the same either way, and the text says which tables a page read.
    For the test suite and the benchmark only; the statements sent do not change."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.last_executed_query
    if getattr(original, "shows_statements", False):
        return

    def last_executed_query(self, cursor, sql, params):
        name = sql.partition("EXECUTE ")[2].partition("(")[0]
        if sql.startswith("EXECUTE compiled_") and name in STATEMENTS:
            return cursor.mogrify(STATEMENTS[name], params).decode()
        return original(self, cursor, sql, params)

    last_executed_query.shows_statements = True  # type: ignore[attr-defined]
    DatabaseOperations.last_executed_query = last_executed_query  # type: ignore[method-assign]


def _prepare(connection, statement: str) -> bool | None:
    """Run PREPARE (or DEALLOCATE) on the driver's own cursor: like the connection's setup, it
    is done once per connection, not per page, so the page's query count leaves it out. Inside
    a transaction it has a savepoint of its own, so a refusal spoils nothing; one round trip.
    True if done; False if PostgreSQL refused the statement (a type it cannot take: it never
    will); None if anything else failed (a lost connection, an aborted transaction), so that
    the read goes on as plain SQL and fails, if it must, the way every read does."""
    database = connection.Database
    in_transaction = not connection.get_autocommit()
    try:
        with connection.connection.cursor() as cursor:
            if in_transaction:
                cursor.execute(
                    f"SAVEPOINT compiled_prepare; {statement}; RELEASE SAVEPOINT compiled_prepare"
                )
            else:
                cursor.execute(statement)
        return True
    except database.Error as error:
        if getattr(error, "pgcode", None) == DUPLICATE_PREPARED_STATEMENT:
            # Already there (the name is the SQL's and its types' digest): the same statement.
            if in_transaction:
                _roll_back_to_savepoint(connection)
            return True
        if in_transaction and not _roll_back_to_savepoint(connection):
            return None
        code = getattr(error, "pgcode", None) or ""
        if isinstance(error, database.ProgrammingError) and code not in PASSING_ERRORS:
            connection._compiled_refusal = f"{code}: {str(error).strip()[:200]}"
            return False
        return None


def _pgcode(error: BaseException) -> str | None:
    return getattr(error.__cause__, "pgcode", None) or getattr(error, "pgcode", None)


def forget_statements(connection) -> None:
    """Let go of every statement prepared on this connection: at once if it can, else (inside
    a failed transaction) before its next kept read."""
    mine = getattr(connection, "_compiled_prepared", None)
    if mine is not None:
        mine[1].clear()
    connection._compiled_stale = _prepare(connection, "DEALLOCATE ALL") is not True


def _roll_back_to_savepoint(connection) -> bool:
    try:
        with connection.connection.cursor() as cursor:
            cursor.execute(
                "ROLLBACK TO SAVEPOINT compiled_prepare; RELEASE SAVEPOINT compiled_prepare"
            )
    except connection.Database.Error:
        return False
    return True


def _value(values: dict[str, Any], slot: Any) -> Any:
    """A named value, or one id of a named list of ids ((name, index))."""
    if isinstance(slot, tuple):
        name, index = slot
        return values[name][index]
    return values[slot]


def _own_prefetch(lookup: Any) -> Any:
    if isinstance(lookup, Prefetch) and lookup.queryset is not None:
        lookup = copy.copy(lookup)
        lookup.queryset = lookup.queryset._chain()
    return lookup


class Compiled:
    """A read built once per process, database alias and shape, run with new values (see above).

    `kinds` name the values and their types: int, str, date, datetime, or the two objects most
    reads depend on, the user (`USER`) and the school (`SCHOOL`). For those, the read is built
    with stand-in copies carrying stand-in ids, and everything else about them that can change
    the SQL is part of the shape: the user's flags, roles and stored permissions, the school's
    settings. A value of kind `SHAPE` is handed to the build as it is and is part of the shape:
    anything else the caller knows changes the SQL (a panel's size, a list's filters).
    """

    def __init__(self, build: Callable[..., QuerySet], *, prepare: bool = True, **kinds: Any):
        self.build = build
        self.kinds = kinds
        # False for a read whose best plan depends on its values (the authority dashboard's
        # region count), or that is seldom run (a list's deeper pages): PostgreSQL plans it
        # afresh on every run rather than once for all values, and the connection keeps no
        # statement for it.
        self.prepare = prepare
        self._kept: dict[tuple, _Kept] = {}
        self._calls = 0
        self.model: Any = None

    @property
    def shapes(self) -> int:
        """How many shapes the read keeps now (MAX_SHAPES at most)."""
        return len(self._kept)

    def forget(self) -> None:
        """Let go of every shape kept: each is built again when next asked for."""
        self._kept.clear()

    def __call__(self, **values: Any) -> list:
        if set(values) != set(self.kinds) or not all(
            _fits(values[name], kind) for name, kind in self.kinds.items()
        ):
            return list(self.build(**values))
        if self.model is None:
            self.model = self.build(**values).model
        try:
            return self._run(values)
        except EmptyResultSet:  # a read that can match nothing: as list(queryset) answers
            return list(self.build(**values))

    def _run(self, values: dict) -> list:
        alias = router.db_for_read(self.model)
        key = (alias, *(_shape_of(values[n], k, values) for n, k in self.kinds.items()))
        kept = self._kept.get(key)
        if kept is None:
            if len(self._kept) >= MAX_SHAPES:  # shapes from the query string are unbounded
                self._kept.clear()
            stand_ins = _stand_ins(values, self.kinds)
            plain = {name: stand_ins[name] for name, kind in self.kinds.items()}
            # The school keeps its id (it is part of the shape); the user's is a stand-in.
            ids = {n: _id_of(v) for n, v in plain.items() if self.kinds[n] not in (SCHOOL, SHAPE)}
            required = {n for n, k in self.kinds.items() if k not in (USER, SCHOOL, SHAPE)}
            kept = self._kept[key] = _Kept(
                self.build(**plain), ids, alias, required, prepare=self.prepare
            )
        if not kept.complete:
            return list(self.build(**values))
        real_ids = {n: _id_of(v) for n, v in values.items() if self.kinds[n] not in (SCHOOL, SHAPE)}
        self._calls += 1
        if VERIFY or self._calls % CHECK_EVERY == 0:
            real = self.build(**values).query.get_compiler(using=alias).as_sql()
            if real != (kept.sql, kept.params(real_ids)):
                if VERIFY:
                    raise AssertionError((real, kept.sql, kept.params(real_ids)))
                logger.error("A compiled read differed from its query: this shape is built again.")
                self._kept.pop(key, None)
                return list(self.build(**values))
        return kept.run(real_ids, alias)


# Outside the tests, one call in this many is also built afresh and compared, so a shape that
# was missed shows in the log and the read falls back to building, instead of going unseen.
CHECK_EVERY = 200
# The most shapes one read keeps (a list's filters make a shape each).
MAX_SHAPES = 256
USER = "user"
SCHOOL = "school"
# A value handed to the build as it is, and part of the shape (a tuple of region keys).
SHAPE = "shape"
# A list of whole-number ids (for `id__in`): each id a parameter, their number part of the shape.
IDS = "ids"
# Longer lists (a printed chronology's every contact) are built each time: a shape per length
# would only crowd out the others.
MAX_IDS = 100


def attach_related(
    instances: list, name: str, rows: list, template: QuerySet | None = None
) -> None:
    """Give each instance its reverse foreign key's rows (`name`, e.g. a contact's
    "amendments") as Django's prefetch_related would: `instance.<name>.all()` gives them with no
    query, each row's link back is the instance, and a query chained from it is filtered to the
    instance as before (from `template`, the Prefetch's queryset, if there was one).

    For `rows` from a kept read of the related rows of all the instances at once (an `IDS`
    read): the ORM's prefetch builds the SQL of its read on every run, which on the family page
    cost more than running it."""
    if not instances:
        return
    field = getattr(type(instances[0]), name).field
    cache_name = field.remote_field.cache_name
    by_instance: dict[Any, list] = {}
    for row in rows:
        by_instance.setdefault(field.get_local_related_value(row), []).append(row)
    nothing = _Nothing(field.model)
    for instance in instances:
        found = by_instance.get(field.get_foreign_related_value(instance), [])
        if not found and nothing.known(instance, name, cache_name):
            continue
        for row in found:
            field.set_cached_value(row, instance)
        manager = getattr(instance, name)
        _forget_prefetched(instance, cache_name)
        queryset = (
            manager._apply_rel_filters(template._chain())
            if template is not None
            else manager.get_queryset()
        )
        _keep_prefetched(instance, cache_name, queryset, found)


def attach_many_to_many(instances: list, name: str, pairs: list) -> None:
    """As attach_related, for a many-to-many field of the instances' own model (`name`, e.g. a
    placement's "parents"): `pairs` are (instance's pk, related row), from a kept read of the
    field's through table."""
    if not instances:
        return
    by_instance: dict[Any, list] = {}
    for pk, row in pairs:
        by_instance.setdefault(pk, []).append(row)
    nothing = _Nothing(getattr(type(instances[0]), name).rel.model)
    for instance in instances:
        if instance.pk not in by_instance and nothing.known(instance, name, name):
            continue
        manager = getattr(instance, name)
        _forget_prefetched(instance, manager.prefetch_cache_name)
        queryset = manager.get_queryset()
        _keep_prefetched(
            instance, manager.prefetch_cache_name, queryset, by_instance.get(instance.pk, [])
        )


class _Nothing:
    """For the instances read with a `has_<name>` column that is false (asked_for), which have
    no related rows: one empty queryset of the related model, shared, in place of a queryset
    filtered to each of them. `.all()` gives nothing and a query chained from it asks none;
    building each its own was a tenth of a millisecond an instance (the family page's twenty
    contacts, most without amendments)."""

    def __init__(self, model: Any):
        self.model = model
        self.queryset: QuerySet | None = None

    def known(self, instance: Any, name: str, cache_name: str) -> bool:
        """Whether the instance was read as having none; if so, it is given the empty
        queryset."""
        if getattr(instance, f"has_{name}", True) is not False:
            return False
        if self.queryset is None:
            self.queryset = self.model._default_manager.none()
        _forget_prefetched(instance, cache_name)
        _keep_prefetched(instance, cache_name, self.queryset, [])
        return True


def _forget_prefetched(instance: Any, cache_name: str) -> None:
    """Before the manager's queryset is asked for: else it would give the old rows."""
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache.pop(cache_name, None)


def _keep_prefetched(instance: Any, cache_name: str, queryset: QuerySet, rows: list) -> None:
    """As prefetch_related leaves a relation: its queryset, holding the rows, in the cache."""
    queryset._result_cache = rows
    queryset._prefetch_done = True
    instance._prefetched_objects_cache[cache_name] = queryset


def kept_many_to_many(model: Any, name: str) -> Callable[[list], list]:
    """A function giving instances of `model` their many-to-many field `name` (a placement's
    "parents"), as prefetch_related would and in the related model's own ordering, from one
    kept read of the field's through table (attach_many_to_many). Instances read with a
    `has_<name>` column that is false (e.g. `has_parents`, from `any_many_to_many`) are given
    none without being asked for, and no read is made when none has any."""

    def names() -> tuple[Any, str, str]:
        field = model._meta.get_field(name)
        return field, field.m2m_field_name(), field.m2m_reverse_field_name()

    def build(ids: list) -> QuerySet:
        field, source, target = names()
        ordering = [
            f"-{target}__{key[1:]}" if key.startswith("-") else f"{target}__{key}"
            for key in field.related_model._meta.ordering
            if isinstance(key, str)
        ]
        through = field.remote_field.through
        return (
            through.objects.filter(**{f"{source}__in": ids})
            .select_related(target)
            .order_by(*ordering, "pk")
        )

    read = Compiled(build, ids=IDS)

    def attach(instances: list) -> list:
        if instances:
            _, source, target = names()
            asked = asked_for(instances, name)
            rows = read(ids=asked) if asked else []
            pairs = [(getattr(row, f"{source}_id"), getattr(row, target)) for row in rows]
            attach_many_to_many(instances, name, pairs)
        return instances

    return attach


def asked_for(instances: list, name: str) -> list:
    """The keys of those of `instances` whose related rows `name` must be read: all but those
    read with a `has_<name>` column that is false (no such column: all)."""
    return [i.pk for i in instances if getattr(i, f"has_{name}", True)]


def any_many_to_many(model: Any, name: str) -> Exists:
    """Whether an instance of `model` has any row in its many-to-many field `name`: annotated
    as `has_<name>` on a read, it spares kept_many_to_many asking for those that have none."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    return Exists(through.objects.filter(**{field.m2m_field_name(): OuterRef("pk")}))


def unfiltered(queryset: QuerySet) -> bool:
    """Whether a queryset is its model's whole table as the manager gives it (no filter, no
    slice, no chosen database): a queryset method called on it may answer from a kept read of
    its own instead of building one."""
    query = queryset.query
    return queryset._db is None and not query.where and not query.is_sliced


def _fits(value: Any, kind: Any) -> bool:
    if kind == SHAPE:
        return isinstance(value, Hashable)
    if kind == IDS:
        # Distinct: `__in` drops a repeated id, which would leave the kept SQL a parameter short.
        return (
            type(value) is list
            and 0 < len(value) <= MAX_IDS
            and all(type(v) is int for v in value)
            and len(set(value)) == len(value)
        )
    if kind == USER:
        return getattr(value, "is_authenticated", False) and isinstance(value.pk, int)
    if kind == SCHOOL:
        return isinstance(getattr(value, "pk", None), int)
    return type(value) is kind


def _id_of(value: Any) -> Any:
    return value.pk if hasattr(value, "_meta") else value


def _names_user(field: Any) -> bool:
    """A foreign key to a user: a school's designated teacher or pastoral lead."""
    model = field.related_model if field.is_relation else None
    return model is not None and model._meta.label == settings.AUTH_USER_MODEL


def _shape_of(value: Any, kind: Any, values: dict) -> Hashable:
    """What about an object can change a read's SQL; plain values have no shape."""
    from portal import access

    if kind == USER:
        mine = tuple(
            sorted((school_id, role) for school_id, role, _ in access.memberships(value).roles())
        )
        perms = tuple(sorted(getattr(value, "_portal_stored_perms", {}).items()))
        return (
            value.is_superuser,
            value.is_staff,
            value.is_active,
            access.is_administrator(value),
            mine,
            perms,
            value.pk in _user_ids_named(values),
        )
    if kind == SHAPE:
        return value
    if kind == IDS:
        return len(value)
    if kind == SCHOOL:
        users = {v.pk for v in values.values() if getattr(v, "is_authenticated", False)}
        return (
            value.pk,
            tuple(
                "USER"
                if _names_user(f) and getattr(value, f.attname) in users
                else getattr(value, f.attname)
                for f in value._meta.concrete_fields
                if not f.primary_key
            ),
        )
    return None


def _user_ids_named(values: dict) -> set:
    """User ids a school names (designated teacher, pastoral lead): whether the user is one of
    them is part of the user's shape."""
    named = set()
    for v in values.values():
        if hasattr(v, "_meta") and not getattr(v, "is_authenticated", False):
            for f in v._meta.concrete_fields:
                if _names_user(f):
                    named.add(getattr(v, f.attname))
    return named


def _clone(obj: Any) -> Any:
    """A model instance's copy that shares nothing it could change. Not copy.copy(): pickling
    support looks into every attribute, which would load lazy ones (the user's two-factor
    device)."""
    obj = getattr(obj, "_wrapped", obj)
    clone = type(obj).__new__(type(obj))
    clone.__dict__ = dict(obj.__dict__)
    clone._state = copy.copy(obj._state)
    clone._state.fields_cache = dict(obj._state.fields_cache)
    return clone


def _stand_ins(values: dict, kinds: dict) -> dict:
    """Stand-in copies of the user and the school, and stand-in plain values."""
    from portal import access

    out: dict[str, Any] = {}
    user_name = next((n for n, k in kinds.items() if k == USER), None)
    school_name = next((n for n, k in kinds.items() if k == SCHOOL), None)
    user = values.get(user_name) if user_name else None
    school = values.get(school_name) if school_name else None
    serial = itertools.count(1)
    stand_user_id = _stand_in(int, serial) if user is not None else None
    if school is not None:
        copy_ = _clone(school)
        for f in school._meta.concrete_fields:
            if _names_user(f) and user is not None and getattr(school, f.attname) == user.pk:
                setattr(copy_, f.attname, stand_user_id)
                copy_._state.fields_cache.pop(f.name, None)
        out[school_name] = copy_
    if user is not None:
        real = access.memberships(user)
        copy_ = _clone(user)
        copy_.pk = stand_user_id
        # Its own permissions cache (the user's may sit on a lazy wrapper): a build asking
        # about a permission must not write its stand-in's answer into the real user's.
        copy_._portal_stored_perms = dict(getattr(user, "_portal_stored_perms", {}))
        mine = {}
        for school_id, m in real.items():
            m2 = _clone(m)
            m2.user_id = stand_user_id
            if school is not None and school_id == school.pk:
                m2._state.fields_cache["school"] = out[school_name]
            mine[school_id] = m2
        copy_._portal_memberships = access.Memberships(made=mine)
        out[user_name] = copy_
    for name, kind in kinds.items():
        if name not in out:
            if kind == SHAPE:
                out[name] = values[name]
            elif kind == IDS:
                out[name] = [_stand_in(int, serial) for _ in values[name]]
            else:
                out[name] = _stand_in(kind, serial)
    return out
