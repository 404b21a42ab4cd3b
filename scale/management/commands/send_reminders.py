"""Queue today's reminder e-mails to staff, one task per school (run each morning from cron)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from portal.models import School
from scale.tasks import reminders_send_school


class Command(BaseCommand):
    help = (
        "Queue the reminder e-mails (follow-ups, agreed steps and meeting reviews that are due) "
        "for every school, or one, through the tasks backend (TASKS_BACKEND); with the database "
        "backend, `manage.py db_worker` sends them. Running it twice in a day sends nothing new."
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
        for school_id in ids:
            reminders_send_school.enqueue(school_id, date)
        self.stdout.write(f"Queued reminders for {len(ids)} school(s).")
