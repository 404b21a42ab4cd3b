"""Pull pupils and their parents and carers from a school's OneRoster REST source now."""

from django.core.management.base import BaseCommand, CommandError

from families import import_console
from families.importer import ImportResult
from school_systems import pulls
from school_systems.models import RosterImport, RosterSource


class Command(BaseCommand):
    help = (
        "Pull one school's roster from its OneRoster source (--school ID), or every source that "
        "is due (--due, for cron where no task worker runs the schedule). See "
        "docs/oneroster-api.md."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--school", type=int, help="The school's id.")
        which.add_argument("--due", action="store_true", help="Pull every source that is due.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; save nothing."
        )

    def handle(self, *args, school=None, due=False, dry_run=False, **options):
        who = "manage.py pull_oneroster"
        if due:
            if dry_run:
                raise CommandError("--due pulls for real; use --school ID --dry-run to check.")
            rows = pulls.pulls_due(who=who)
            if not rows:
                self.stdout.write("No OneRoster source is due.")
            for row in rows:
                self._report(row)
            if any(row.problem for row in rows):
                raise CommandError(f"{sum(bool(r.problem) for r in rows)} pull(s) had a problem.")
            return
        source = RosterSource.objects.select_related("school__authority").filter(school=school)
        found = source.first()
        if found is None:
            raise CommandError(f"School {school} has no OneRoster source: add one in admin.")
        if not found.active and not dry_run:
            raise CommandError(
                f"The OneRoster source of {found.school} is switched off: switch it on in admin, "
                "or use --dry-run to check it."
            )
        row = pulls.roster_pull(source=found, dry_run=dry_run, who=who)
        self._report(row)
        if row.problem:
            raise CommandError(row.problem)

    def _report(self, row: RosterImport) -> None:
        self.stdout.write(f"School: {row.school} ({row.school.authority})")
        if row.problem:
            self.stderr.write(f"  {row.problem}")
            return
        result = ImportResult.from_json(row.report)
        import_console.write_result(self, result)
        style = self.style.WARNING if result.errors else self.style.SUCCESS
        self.stdout.write(style(result.headline()))
