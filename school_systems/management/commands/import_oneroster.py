"""Import pupils, families and parents/carers from a OneRoster 1.1 or 1.2 CSV bundle."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

import audit
from families import import_console
from portal.models import School
from school_systems import csv_bundle
from school_systems.bundle import BundleError
from school_systems.models import RosterImport
from school_systems.roster_import import bundle_import, record_import

WHO = "manage.py import_oneroster"


class Command(BaseCommand):
    help = (
        "Import pupils, families and parents/carers from a OneRoster 1.1 or 1.2 CSV bundle (a "
        "folder or a .zip) into one school. See docs/oneroster.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The bundle: a folder of CSV files, or a .zip of them.")
        parser.add_argument("--school", type=int, required=True, help="The school's id.")
        parser.add_argument(
            "--org",
            default="",
            help="The school's sourcedId in orgs.csv, where the bundle holds several schools "
            "and none has the portal school's name.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; save nothing."
        )
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="If any row has a problem, import nothing.",
        )

    def handle(self, *args, path, school, org="", dry_run=False, all_or_nothing=False, **options):
        try:
            target = School.objects.select_related("authority").get(pk=school)
        except School.DoesNotExist as exc:
            raise CommandError(f"There is no school with id {school}.") from exc
        name = Path(path).name or str(path)
        bundle = None
        try:
            bundle = csv_bundle.read_path(path)
            result = bundle_import(
                bundle, school=target, dry_run=dry_run, all_or_nothing=all_or_nothing, org=org
            )
        except BundleError as exc:
            self._record(target, name, bundle, dry_run, all_or_nothing, problem=str(exc))
            raise CommandError(f"{exc} Nothing was saved.") from exc
        self._record(target, name, bundle, dry_run, all_or_nothing, result=result)
        self.stdout.write(f"School: {target} ({target.authority})")
        self.stdout.write(f"Bundle: {name}, OneRoster {bundle.version}")
        import_console.write_result(self, result)
        import_console.write_headline(self, result, dry_run=dry_run)

    def _record(self, school, name, bundle, dry_run, all_or_nothing, *, result=None, problem=""):
        """Every run, refused ones too, is kept and goes in the access log."""
        row = record_import(
            school=school,
            source=RosterImport.Source.CSV,
            name=name,
            version=bundle.version if bundle else "",
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            result=result,
            problem=problem,
            who=WHO,
        )
        audit.record_system(action=audit.IMPORT, obj=row, school=school, who=WHO)
