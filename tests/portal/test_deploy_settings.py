"""Production settings: check --deploy is clean, and a missing secret fails loudly."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-production-secret-that-is-long-and-random-0123456789abcdef",
        ALLOWED_HOSTS="compass.example.org",
        DATABASE_URL="postgres://compass@db.example.org/compass",
        EMAIL_URL="smtp+tls://u:p@smtp.example.org:587",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_tasks_would_run_inside_requests():
    result = _manage(
        "check",
        "--deploy",
        DEBUG="false",
        SECRET_KEY="a-production-secret-that-is-long-and-random-0123456789abcdef",
        ALLOWED_HOSTS="compass.example.org",
        DATABASE_URL="postgres://compass@db.example.org/compass",
        EMAIL_URL="smtp+tls://u:p@smtp.example.org:587",
        TASKS_BACKEND="django.tasks.backends.immediate.ImmediateBackend",
    )
    assert "portal.W003" in result.stdout + result.stderr
    assert "a large CSV import would run in its upload request" in result.stdout + result.stderr


def test_missing_secret_key_in_production_fails_loudly():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_every_postgresql_connection_asks_for_the_planners_settings_pooled_or_not():
    """portal/settings.py: JIT off, and index reads priced as in memory, on the primary and on a
    replica read directly, behind PgBouncer too (which ignores the option; its connect_query
    says the same)."""
    show = (
        "import json; from django.conf import settings; "
        "print(json.dumps({k: v['OPTIONS'].get('options', '') for k, v in "
        "settings.DATABASES.items()}))"
    )
    for pooled in ("false", "true"):
        result = _manage(
            "shell",
            "-c",
            show,
            DEBUG="true",
            DATABASE_URL="postgres://compass@db.example.org/compass",
            REPLICA_DATABASE_URL="postgres://compass@replica.example.org/compass",
            DATABASE_POOLED=pooled,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        options = json.loads(result.stdout.strip().splitlines()[-1])
        assert set(options) == {"default", "replica"}
        assert all("-c jit=off" in given for given in options.values()), (pooled, options)
        assert all("-c random_page_cost=1.1" in given for given in options.values()), options


def test_the_price_of_an_index_read_can_be_the_servers_own_or_another():
    """DATABASE_RANDOM_PAGE_COST: empty leaves PostgreSQL's own setting; a number is asked for
    instead of 1.1; anything else stops the portal with a plain message."""
    show = (
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']"
        ".get('options', ''))"
    )
    url = "postgres://compass@db.example.org/compass"
    for value, expected in (("", None), ("2", "-c random_page_cost=2")):
        result = _manage(
            "shell", "-c", show, DEBUG="true", DATABASE_URL=url, DATABASE_RANDOM_PAGE_COST=value
        )
        assert result.returncode == 0, result.stdout + result.stderr
        options = result.stdout.strip().splitlines()[-1]
        assert "-c jit=off" in options
        if expected is None:
            assert "random_page_cost" not in options
        else:
            assert expected in options and "random_page_cost=1.1" not in options
    result = _manage("check", DEBUG="true", DATABASE_URL=url, DATABASE_RANDOM_PAGE_COST="fast")
    assert result.returncode != 0
    assert "DATABASE_RANDOM_PAGE_COST must be a number above 0" in result.stderr
