"""Kept reads as prepared statements on PostgreSQL (portal.compiled.prepared_sql): planned once
per connection, the same rows as the plain SQL, and a statement PostgreSQL will not prepare
runs as plain SQL without spoiling the transaction it is in."""

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Substr

from families.models import SchoolFamily
from portal import compiled
from portal.compiled import SCHOOL, USER, Compiled
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _visible(**extra):
    return Compiled(
        lambda user, school: (
            SchoolFamily.objects.visible_to(user, school)
            .select_related("family")
            .annotate(**extra)
            .order_by("family__name")
        ),
        user=USER,
        school=SCHOOL,
    )


def _names(read) -> set[str]:
    """The statements this read prepared (the memberships read it makes is another one's)."""
    return {name for kept in read._kept.values() for name in kept.statements.values() if name}


def _statements() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE name LIKE 'compiled%%'"
        )
        return {name: (generic, custom) for name, generic, custom in cursor.fetchall()}


@on_postgres
def test_a_kept_read_is_prepared_once_and_run_by_name(cast):
    make_family(cast, name="Adair", teacher=cast.teacher)
    make_family(cast, name="Bell")
    read = _visible()
    before = _statements()  # another test's read of the same SQL may have the statement
    rows = [read(user=cast.pastoral, school=cast.school) for _ in range(8)]
    fresh = list(
        SchoolFamily.objects.visible_to(cast.pastoral, cast.school)
        .select_related("family")
        .order_by("family__name")
    )
    assert all([r.pk for r in run] == [f.pk for f in fresh] for run in rows)
    assert [r.family.name for r in rows[-1]] == ["Adair", "Bell"]
    new = {name: runs for name, runs in _statements().items() if name in _names(read)}
    # One statement for this shape, run eight times: after the first few runs PostgreSQL
    # may plan it once for all (generic) instead of for each run (custom).
    assert len(new) == 1
    ((name, (generic, custom)),) = new.items()
    assert generic + custom - sum(before.get(name, (0, 0))) == 8
    # The statement is the kept SQL with its constants written in (the school's id, the
    # confidentiality levels), and a placeholder for each named value (the user's id).
    kept = read._kept[next(iter(read._kept))]
    prepared = compiled.STATEMENTS[name]
    assert prepared == kept._shared_sql("default")[0]
    assert prepared.count("%s") < kept.sql.count("%s")
    assert f'"school_id" = {cast.school.pk}' in prepared


@on_postgres
def test_a_new_connection_prepares_again(cast):
    make_family(cast, name="Adair", teacher=cast.teacher)
    read = _visible()
    read(user=cast.teacher, school=cast.school)
    prepared_on = connection._compiled_prepared[0]
    assert connection._compiled_prepared[1]
    # As after a restart or a dropped connection: the old one's statements are not the new
    # one's, so the read prepares on the new connection instead of naming a missing statement.
    connection._compiled_prepared = (object(), set())
    assert [r.family.name for r in read(user=cast.teacher, school=cast.school)] == ["Adair"]
    assert connection._compiled_prepared[0] is prepared_on
    # Here the connection is in fact the same and already has the statement: PostgreSQL says
    # so, and that is taken as prepared, not as a refusal.
    assert _names(read) <= connection._compiled_prepared[1]
    assert None not in next(iter(read._kept.values())).statements.values()


@on_postgres
def test_a_statement_postgres_will_not_prepare_runs_as_plain_sql(cast, caplog):
    make_family(cast, name="Adair", teacher=cast.teacher)
    # A named number is declared bigint, and substr() takes an integer: PostgreSQL will not
    # prepare it (as a plain literal, 3 is an integer), so the read runs as plain SQL.
    read = Compiled(
        lambda user, school, times: (
            SchoolFamily.objects.visible_to(user, school)
            .select_related("family")
            .annotate(note=Substr("family__name", 1, times))
            .order_by("family__name")
        ),
        user=USER,
        school=SCHOOL,
        times=int,
    )
    rows = read(user=cast.teacher, school=cast.school, times=3)
    assert [(r.family.name, r.note) for r in rows] == [("Adair", "Ada")]
    assert "would not prepare" in caplog.text
    assert not _names(read)
    assert None in next(iter(read._kept.values())).statements.values()
    # The transaction the test runs in is unharmed: the next query works.
    assert SchoolFamily.objects.filter(school=cast.school).count() == 1
    # And the refusal is remembered: it is not tried on every call.
    caplog.clear()
    assert [r.note for r in read(user=cast.teacher, school=cast.school, times=3)] == ["Ada"]
    assert "would not prepare" not in caplog.text


def test_reads_are_not_prepared_where_the_connection_is_not_kept(settings):
    """Behind PgBouncer (a transaction may get another server connection) or with connections
    closed after each request (nothing to reuse), reads are plain SQL."""
    settings.DATABASE_POOLED = True
    assert not compiled.prepares("default")
    settings.DATABASE_POOLED = False
    settings.PREPARED_READS = False
    assert not compiled.prepares("default")
    settings.PREPARED_READS = True
    assert compiled.prepares("default") == (connection.vendor == "postgresql")
    saved = connection.settings_dict.get("CONN_MAX_AGE")
    connection.settings_dict["CONN_MAX_AGE"] = 0
    try:
        assert not compiled.prepares("default")
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = saved


def test_placeholders_become_numbered_parameters():
    sql = "SELECT 1 FROM t WHERE a = %s AND b LIKE 'x%%' AND c IN (%s, %s)"
    assert compiled._body(sql) == "SELECT 1 FROM t WHERE a = $1 AND b LIKE 'x%' AND c IN ($2, $3)"


def test_parameter_types_follow_what_the_driver_would_write():
    import datetime as dt
    import decimal

    from families.models import Tone

    assert compiled._pg_type(True) == "boolean"
    assert compiled._pg_type(7) == "bigint"
    assert compiled._pg_type(Tone.POSITIVE) == "unknown"  # a choice is its text
    assert compiled._pg_type("x") == "unknown"
    assert compiled._pg_type(None) == "unknown"
    assert compiled._pg_type(decimal.Decimal("1.5")) == "numeric"
    assert compiled._pg_type(dt.date(2026, 1, 2)) == "date"
    assert compiled._pg_type(dt.datetime(2026, 1, 2, tzinfo=dt.UTC)) == "timestamptz"
    # What is not declared here keeps the read plain: a list, a float, a number past bigint.
    assert compiled._pg_type([1, 2]) is None
    assert compiled._pg_type(1.5) is None
    assert compiled._pg_type(2**70) is None


@on_postgres
def test_a_read_kept_unprepared_is_planned_on_every_run(cast):
    make_family(cast, name="Adair", teacher=cast.teacher)
    read = Compiled(
        lambda user, school: SchoolFamily.objects.visible_to(user, school).order_by("pk"),
        prepare=False,
        user=USER,
        school=SCHOOL,
    )
    assert len(read(user=cast.teacher, school=cast.school)) == 1
    assert not _names(read)


@on_postgres
def test_a_failed_transaction_fails_the_read_as_any_read_would(cast):
    """Not a refusal to remember: once the transaction is usable again, the read prepares."""
    from django.db import DatabaseError, transaction

    make_family(cast, name="Adair", teacher=cast.teacher)
    read = _visible(note=Value("x"))
    read(user=cast.teacher, school=cast.school)  # kept, and prepared on this connection
    connection._compiled_prepared = (object(), set())  # as if on a new one: it prepares again
    with transaction.atomic():
        with connection.cursor() as cursor, pytest.raises(DatabaseError):
            cursor.execute("SELECT no_such_column FROM families_family")
        # Django's own error for a read in a broken transaction, not the driver's.
        with pytest.raises(DatabaseError):
            read(user=cast.teacher, school=cast.school)
        transaction.set_rollback(True)
    kept = next(iter(read._kept.values()))
    assert None not in kept.statements.values()
    assert [r.family.name for r in read(user=cast.teacher, school=cast.school)] == ["Adair"]
    assert _names(read)


def _drop_all_statements():
    """As a pooler's reset or a restarted session would: the statements are gone, though the
    portal's record of them says they are there."""
    with connection.connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_gone_from_the_connection_is_read_plain_then_prepared_again(cast):
    """Outside a transaction (as a page's reads are): the read still answers."""
    make_family(cast, name="Adair", teacher=cast.teacher)
    read = _visible()
    read(user=cast.teacher, school=cast.school)
    (name,) = _names(read)
    assert name in _statements()
    _drop_all_statements()
    assert [r.family.name for r in read(user=cast.teacher, school=cast.school)] == ["Adair"]
    assert name not in connection._compiled_prepared[1]
    read(user=cast.teacher, school=cast.school)
    assert name in _statements()  # prepared again, on the same connection


@on_postgres
def test_a_statement_gone_inside_a_transaction_fails_it_then_is_prepared_again(cast):
    from django.db import DatabaseError, transaction

    make_family(cast, name="Adair", teacher=cast.teacher)
    read = _visible()
    read(user=cast.teacher, school=cast.school)
    (name,) = _names(read)
    with transaction.atomic():
        _drop_all_statements()
        with pytest.raises(DatabaseError):
            read(user=cast.teacher, school=cast.school)
        transaction.set_rollback(True)
    assert [r.family.name for r in read(user=cast.teacher, school=cast.school)] == ["Adair"]
    assert name in _statements()


@on_postgres
def test_only_a_refusal_about_the_statement_is_remembered():
    assert compiled._prepare(connection, "PREPARE t_ok (bigint) AS SELECT $1 + 1") is True
    # A number declared bigint where a function takes an integer: refused for good.
    refused = "PREPARE t_refused (bigint) AS SELECT repeat('a', $1)"
    assert compiled._prepare(connection, refused) is False
    # A missing table (a deployment waiting for its migration) is not about the statement.
    assert compiled._prepare(connection, "PREPARE t_later AS SELECT * FROM no_such") is None
    # And none of it spoiled the transaction the test runs in.
    assert SchoolFamily.objects.count() == 0


@on_postgres
def test_a_connection_full_of_statements_lets_them_all_go_and_goes_on(cast, monkeypatch):
    make_family(cast, name="Adair", teacher=cast.teacher)
    reads = [_visible(**{f"n{n}": Value(n)}) for n in range(3)]
    for read in reads[:2]:
        read(user=cast.teacher, school=cast.school)
    old = _names(reads[0]) | _names(reads[1])
    assert len(old) == 2 and old <= set(_statements())
    monkeypatch.setattr(compiled, "MAX_PREPARED", len(connection._compiled_prepared[1]))
    # The third read finds the connection full: every statement is let go, then it prepares.
    rows = reads[2](user=cast.teacher, school=cast.school)
    assert [r.family.name for r in rows] == ["Adair"]
    there = set(_statements())
    assert _names(reads[2]) <= there
    assert not old & there
    assert connection._compiled_prepared[1] <= there
    assert not connection._compiled_stale


@on_postgres
def test_a_statement_in_use_shows_as_its_sql_after_the_table_of_statements_is_let_go(cast):
    from django.test.utils import CaptureQueriesContext

    make_family(cast, name="Adair", teacher=cast.teacher)
    read = _visible()
    read(user=cast.teacher, school=cast.school)
    # The table grows with every shape a long-lived process sees, and is let go past its size.
    compiled.STATEMENTS.clear()
    with CaptureQueriesContext(connection) as captured:
        read(user=cast.teacher, school=cast.school)
    (query,) = [q["sql"] for q in captured.captured_queries if "families_schoolfamily" in q["sql"]]
    assert query.startswith("SELECT") and "EXECUTE" not in query
    assert not [q for q in captured.captured_queries if q["sql"].startswith("EXECUTE")]


@on_postgres
def test_a_kept_read_is_planned_once_for_all_values_from_its_first_run(cast):
    # plan_cache_mode=force_generic_plan on connections that prepare (portal/settings.py):
    # left to itself PostgreSQL may plan a statement afresh on every run.
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
    make_family(cast, name="Adair", teacher=cast.teacher)
    read = _visible(marker=Value("planned once"))
    for user in (cast.teacher, cast.pastoral, cast.teacher):
        read(user=user, school=cast.school)
    runs = [_statements()[name] for name in _names(read)]
    assert runs and all(custom == 0 and generic >= 1 for generic, custom in runs)


@on_postgres
def test_the_family_summary_update_is_a_prepared_statement_too(cast):
    from django.test.utils import CaptureQueriesContext

    from families import services

    made = make_family(cast, name="Adair")
    services._SUMMARY_SQL.clear()
    with CaptureQueriesContext(connection) as log:
        for tone in ("positive", "concern"):
            services.contact_log(
                school=cast.school,
                family=made.family,
                staff=cast.pastoral,
                parents=[made.mum],
                summary="Rang about the trip.",
                tone=tone,
            )
    ((statement, _, _),) = services._SUMMARY_SQL.values()
    (name,) = [n for n in statement.statements.values() if n]
    assert name in _statements()
    # The log shows the statement's SQL (compiled.show_statements_as_sql), once per contact.
    updates = [q["sql"] for q in log.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 2 and all("families_schoolfamily" in sql for sql in updates)
    row = SchoolFamily.objects.get(pk=made.school_family.pk)
    assert (row.positive_count, row.concern_count, row.last_contact_tone) == (1, 1, "concern")
