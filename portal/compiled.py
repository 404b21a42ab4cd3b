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
- the result is a list, never a queryset to chain further;
- the SQL is kept per database alias, so a dashboard read routed to a replica keeps its own.

With `VERIFY` on (the test suite turns it on), every call also builds the query with the real
values and checks that its SQL and parameters are what the kept SQL would send.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet

VERIFY = False

_serial = itertools.count(1)


def _stand_in(kind: type) -> Any:
    """A value of the type no real row would carry, unique within the process."""
    n = next(_serial)
    if kind is int:
        return -9_100_000_000_000 - n
    if kind is str:
        return f"\x1fstand-in-{n}\x1f"
    if kind is dt.date:
        return dt.date(1001, 1, 1) + dt.timedelta(days=n)
    if kind is dt.datetime:
        return dt.datetime(1001, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=n)
    raise TypeError(f"Compiled queries take int, str, date or datetime values, not {kind}.")


class _Kept:
    """One database alias's SQL: where each named value goes among the parameters."""

    def __init__(self, queryset: QuerySet, stand_ins: dict[str, Any], alias: str):
        compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        self.queryset = queryset
        self.compiler = compiler
        by_value = {(type(v), v): name for name, v in stand_ins.items()}
        self.slots: list[tuple[bool, Any]] = []  # (is a named value, the name or constant)
        found = set()
        for param in params:
            name = by_value.get((type(param), param))
            if name is None:
                self.slots.append((False, param))
            else:
                found.add(name)
                self.slots.append((True, name))
        self.complete = found == set(stand_ins)

    def params(self, values: dict[str, Any]) -> tuple:
        return tuple(values[slot] if named else slot for named, slot in self.slots)

    def run(self, values: dict[str, Any], alias: str) -> list:
        template = self.queryset
        sql, params = self.sql, self.params(values)
        kept = self.compiler
        query = type(template.query).__new__(type(template.query))
        query.__dict__ = template.query.__dict__.copy()

        def get_compiler(using=None, connection=None, elide_empty=True):
            compiler = type(kept)(query, connections[alias], alias, elide_empty)
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
        queryset.query = query
        queryset._db = alias
        queryset._result_cache = None
        queryset._prefetch_done = False
        queryset._fetch_all()
        return list(queryset._result_cache or [])


class Compiled:
    """A read built once per process and database alias, run with new values (see above)."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        self.build = build
        self.kinds = kinds
        self._kept: dict[str, _Kept] = {}
        self.model: Any = None

    def __call__(self, **values: Any) -> list:
        if set(values) != set(self.kinds) or any(
            type(values[name]) is not kind for name, kind in self.kinds.items()
        ):
            return list(self.build(**values))
        if self.model is None:
            self.model = self.build(**{n: _stand_in(k) for n, k in self.kinds.items()}).model
        alias = router.db_for_read(self.model)
        kept = self._kept.get(alias)
        if kept is None:
            stand_ins = {name: _stand_in(kind) for name, kind in self.kinds.items()}
            kept = self._kept[alias] = _Kept(self.build(**stand_ins), stand_ins, alias)
        if not kept.complete:
            return list(self.build(**values))
        if VERIFY:
            real = self.build(**values).query.get_compiler(using=alias).as_sql()
            assert real == (kept.sql, kept.params(values)), (real, kept.sql, kept.params(values))
        return kept.run(values, alias)
