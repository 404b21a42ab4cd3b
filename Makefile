# One Makefile for people and CI. `make run` to use the portal, `make test` to check it.
.PHONY: run test lint fmt bench setup

setup:
	@scripts/bootstrap.sh

run: setup
	@scripts/run.sh

test: setup
	@scripts/test.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

fmt: setup
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench: setup
	@echo "The benchmark is not written yet (see the Scale issue)." >&2; exit 1
