"""Import a council's published school calendar (.ics) into one school's calendar."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.calendar_import import CalendarFileError, calendar_import
from portal.models import School


class Command(BaseCommand):
    help = (
        "Read terms, holidays and in-service days from an .ics file into a school's calendar. "
        "Importing again updates what it added before; --dry-run only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .ics file, as downloaded from the council.")
        parser.add_argument("--school", type=int, required=True, help="The school's id.")
        parser.add_argument("--dry-run", action="store_true", help="Count, but change nothing.")

    def handle(self, *args, path: str, school: int, dry_run: bool, **options):
        found = School.objects.filter(pk=school).first()
        if found is None:
            raise CommandError(f"No school has the id {school}.")
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Could not open {path}: {error.strerror}.") from error
        try:
            result = calendar_import(school=found, data=data, dry_run=dry_run)
        except CalendarFileError as error:
            raise CommandError(str(error)) from error
        for line in result.skipped + result.notes:
            self.stdout.write(f"Left out: {line}")
        prefix = "Dry run, nothing changed. " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{found.name}: {result.summary()}"))
