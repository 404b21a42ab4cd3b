"""Import pupils, families and parents/carers from a school information system CSV export."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from families import import_console, importer
from portal.models import School


class Command(BaseCommand):
    help = (
        "Import pupils, families and parents/carers from a CSV export (one row per pupil–parent "
        "pair) into one school. See docs/importing.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file (UTF-8).")
        parser.add_argument("--school", type=int, required=True, help="The school's id.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; save nothing."
        )
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="If any row has a problem, import nothing.",
        )

    def handle(self, *args, file, school, dry_run=False, all_or_nothing=False, **options):
        try:
            target = School.objects.select_related("authority").get(pk=school)
        except School.DoesNotExist as exc:
            raise CommandError(f"There is no school with id {school}.") from exc
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        try:
            result = importer.families_import(
                content=importer.decode(path.read_bytes()),
                school=target,
                dry_run=dry_run,
                all_or_nothing=all_or_nothing,
            )
        except importer.ImportFileError as exc:
            raise CommandError(f"{exc} Nothing was saved.") from exc
        self.stdout.write(f"School: {target} ({target.authority})")
        import_console.write_result(self, result)
        import_console.write_headline(self, result, dry_run=dry_run)
