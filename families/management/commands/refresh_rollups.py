"""Queue a refresh of every school's monthly contact rollup (run nightly from cron)."""

from django.core.management.base import BaseCommand

from families.tasks import rollups_refresh_all


class Command(BaseCommand):
    help = (
        "Queue the monthly contact rollup refresh for every school through the tasks backend "
        "(TASKS_BACKEND); with the database backend, `manage.py db_worker` runs it."
    )

    def handle(self, *args, **options):
        result = rollups_refresh_all.enqueue()
        self.stdout.write(f"Queued ({result.status}).")
