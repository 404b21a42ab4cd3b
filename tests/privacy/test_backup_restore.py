"""The documented backup routine: scripts/backup.sh (pg_dump -Fc) and scripts/restore.sh
(pg_restore) into a fresh database give back the same rows."""

import os
import subprocess  # nosec B404
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from families.models import Contact, Family, ParentCarer
from tests import factories

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are of PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _server() -> dict:
    """How the test database is reached: host (or socket folder), port, user, password."""
    s = connection.settings_dict
    host = s["HOST"] or s["OPTIONS"].get("host", "")
    return {"host": host, "port": s["PORT"], "user": s["USER"], "password": s["PASSWORD"]}


def _url(name: str) -> str:
    s = _server()
    auth = quote(s["user"] or "") + (f":{quote(s['password'])}" if s["password"] else "")
    socket = s["host"].startswith("/")
    where = "" if socket else s["host"] + (f":{s['port']}" if s["port"] else "")
    return f"postgresql://{auth}@{where}/{name}" + (f"?host={quote(s['host'])}" if socket else "")


def _counts(cursor, tables) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # nosec B608 - names from introspection
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def fresh_database():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_dump_restored_into_a_fresh_database_has_the_same_rows(tmp_path, cast, fresh_database):
    import psycopg2

    school_family = factories.SchoolFamilyFactory(school=cast.school, family__name="Family Birch")
    parent = factories.ParentCarerFactory(family=school_family.family, last_name="Birch-Ng")
    for n in range(3):
        factories.ContactFactory(
            school=cast.school, family=school_family.family, summary=f"Call number {n}"
        ).parents.add(parent)

    dump = tmp_path / "compass.dump"
    env = {**os.environ, "DATABASE_URL": _url(connection.settings_dict["NAME"])}
    subprocess.run([SCRIPTS / "backup.sh", dump], check=True, env=env)  # nosec B603
    assert dump.stat().st_size > 0
    env = {**os.environ, "TARGET_DATABASE_URL": _url(fresh_database)}
    subprocess.run([SCRIPTS / "restore.sh", dump], check=True, env=env)  # nosec B603

    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        before = _counts(cursor, tables)
    server = {k: v for k, v in _server().items() if v}
    restored = psycopg2.connect(dbname=fresh_database, **server)
    try:
        with restored.cursor() as cursor:
            after = _counts(cursor, tables)
            cursor.execute(
                f"SELECT summary FROM {Contact._meta.db_table} ORDER BY summary"  # nosec B608
            )
            summaries = [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT name FROM {Family._meta.db_table}")  # nosec B608
            families = [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT last_name FROM {ParentCarer._meta.db_table}")  # nosec B608
            parents = [row[0] for row in cursor.fetchall()]
    finally:
        restored.close()
    assert after == before
    assert before[Contact._meta.db_table] == 3
    assert summaries == ["Call number 0", "Call number 1", "Call number 2"]
    assert families == ["Family Birch"]
    assert parents == ["Birch-Ng"]
