"""Queue today's reminder e-mails to staff, one task per school (run each morning from cron);
the outbox worker (reaching_out) sends them."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from portal.models import School
from reminders.tasks import reminders_send_school


class Command(BaseCommand):
    help = (
        "Queue the reminder e-mails (follow-ups, agreed steps and meeting reviews that are due) "
        "for every school, or one, through the tasks backend (TASKS_BACKEND); with the database "
        "backend, `manage.py db_worker` runs them. Each e-mail goes into the outbox and is sent "
        "by its worker, which retries while the mail server is away. Running it twice in a day "
        "queues nothing new. A school whose reminders could not be queued (run at once, with "
        "the default backend) is reported and the others are still tried; the command then "
        "exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", type=int, help="Only this school (its id).")
        parser.add_argument("--date", help="The day to remind for, YYYY-MM-DD (default: today).")

    def handle(self, *args, school=None, date=None, **options):
        if date:
            try:
                dt.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError("Give the date as YYYY-MM-DD.") from exc
        schools = School.objects.order_by("pk")
        if school is not None:
            schools = schools.filter(pk=school)
            if not schools.exists():
                raise CommandError(f"There is no school with id {school}.")
        ids = list(schools.values_list("pk", flat=True))
        failed = []
        for school_id in ids:
            try:
                result = reminders_send_school.enqueue(school_id, date)
            except Exception as exc:  # the queue itself is down: report it, try the next
                failed.append(school_id)
                self.stderr.write(f"School {school_id}: could not queue its reminders ({exc}).")
                continue
            if result.status == TaskResultStatus.FAILED:
                failed.append(school_id)
                self.stderr.write(f"School {school_id}: reminders not queued ({_reason(result)}).")
        self.stdout.write(f"Queued reminders for {len(ids)} school(s).")
        if failed:
            raise CommandError(
                f"Reminders failed for {len(failed)} of {len(ids)} school(s) (ids "
                f"{', '.join(map(str, failed))}); nothing of theirs is queued or marked as sent, "
                "so the next run tries them again."
            )


def _reason(result) -> str:
    """The last line of the task's error: its exception and message."""
    if not result.errors:
        return "unknown error"
    lines = result.errors[-1].traceback.strip().splitlines()
    return lines[-1] if lines else result.errors[-1].exception_class_path
