# One Makefile for people and CI. `make run` to use the portal, `make test` to check it.
.PHONY: run test lint fmt types bench bench-messages bench-evenings bench-capacity cluster cluster-check setup assets lock messages

setup:
	@scripts/bootstrap.sh

run: setup
	@scripts/run.sh

test: setup
	@scripts/test.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# The type checker over the files listed in pyproject.toml [tool.mypy] (make test runs it too).
types: setup
	DEBUG=true DATABASE_URL="sqlite:////tmp/parent-compass-mypy.sqlite3" .venv/bin/mypy

fmt: setup
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# Two data sizes in one throwaway PostgreSQL; prints the table, writes bench/results.json.
bench: setup
	scripts/with-postgres.sh .venv/bin/python bench/run.py $(BENCH_ARGS)

# The outbox: 2,000 e-mails by one task worker to an SMTP server on loopback (target < 60 s), and
# a year group's good-news preview (< 2 s); writes bench/results-messages.json (docs/messages.md).
bench-messages: setup
	scripts/with-postgres.sh .venv/bin/python bench/messages.py $(BENCH_ARGS)

# The 18:00 rush: 300 parents book a parents' evening in its first minute, against gunicorn on
# loopback (no slot given twice, no 5xx, p95 <= 500 ms); writes bench/results-evenings.json.
bench-evenings: setup
	scripts/with-postgres.sh .venv/bin/python bench/evenings.py $(BENCH_ARGS)

# Capacity: saturation throughput of this code against commit f57c003 in the same run (target 2x),
# 100 staff at people's pace (p95 <= 400 ms); ~10 min, --quick ~3; bench/results-capacity.json.
bench-capacity: setup
	scripts/with-postgres.sh .venv/bin/python bench/capacity.py $(BENCH_ARGS)

# The country design on one machine (docs/cluster.md): a PostgreSQL primary and streaming replica,
# PgBouncer, two gunicorn servers behind HAProxy and two task workers, on loopback, until Ctrl-C.
cluster: setup
	.venv/bin/python scale/cluster.py $(CLUSTER_ARGS)

# The same cluster under load, then the drills (an app server, a task worker, the replica,
# PgBouncer and the primary stopped or killed); prints a table, writes bench/results-cluster.json.
# CLUSTER_ARGS=--short is the CI version (scripts/test.sh).
cluster-check: setup
	.venv/bin/python scale/drills.py $(CLUSTER_ARGS)

# The one stylesheet and the script bundles in static/dist/ (committed; see docs/development.md).
assets: setup
	.venv/bin/python scripts/build_assets.py

# Re-make requirements/*.lock from pyproject.toml (pinned, hashed); see docs/development.md "Dependencies".
lock:
	scripts/lock.sh $(LOCK_ARGS)

# The parent's pages in every language we offer: re-read the marked strings into locale/*/django.po
# and compile them (the .mo files are committed; see README, "Languages").
messages: setup
	DEBUG=true SECRET_KEY=make-messages .venv/bin/python manage.py makemessages --no-obsolete --add-location file $(foreach l,pl ar ur ro uk gd cy,-l $(l)) -i ".venv/*" -i "node_modules/*" -i "staticfiles/*" -i "tests/*"
	DEBUG=true SECRET_KEY=make-messages .venv/bin/python manage.py compilemessages -i ".venv" -i "node_modules"
