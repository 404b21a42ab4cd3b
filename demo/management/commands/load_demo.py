"""Loads the demo authority, schools, staff and families. Safe to run again: it changes nothing."""

from django.core.management.base import BaseCommand

from demo import (
    compass,
    complaints,
    dashboard,
    evenings,
    families,
    meetings,
    messages,
    schools,
    trust,
)


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")

    def handle(self, *args, quiet_logins=False, **options):
        for step in _steps():
            step()
        if not quiet_logins:
            self.stdout.write(
                self.style.SUCCESS(f"Demo logins (password for all: {schools.DEMO_PASSWORD}):")
            )
            for row in schools.logins():
                self.stdout.write(f"  {row['username']:<22} {row['role']:<30} {row['school']}")


def _steps():
    """Each app's demo loader, in dependency order; each is idempotent on its own."""
    return [
        schools.load,
        families.load,
        compass.load,
        dashboard.load,
        meetings.load,
        complaints.load,
        trust.load,
        messages.load,
        evenings.load,
    ]
