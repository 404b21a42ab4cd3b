"""An import's report as the commands that import print it (import_families, and
school_systems' import_oneroster and pull_oneroster): the same lines, in the same order, so the
IT team reads every import alike."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from families.importer import ImportResult


def write_result(command: BaseCommand, result: ImportResult) -> None:
    """The counts, the details kept as staff changed them, then each problem (on stderr)."""
    for line in result.summary_lines():
        command.stdout.write(f"  {line}")
    for kept in result.kept:
        command.stdout.write(f"  {kept}")
    for error in result.errors:
        command.stderr.write(f"  {error}")


def write_headline(command: BaseCommand, result: ImportResult, *, dry_run: bool) -> None:
    """The one-line outcome; an import that saved nothing because of problems fails the
    command (a cron job or script then sees it)."""
    if result.errors and not result.saved and not dry_run:
        raise CommandError(result.headline())
    style = command.style.WARNING if result.errors else command.style.SUCCESS
    command.stdout.write(style(result.headline()))
