from django.core.management.base import BaseCommand

from evenings.messages import reminders_send


class Command(BaseCommand):
    help = "Queue reminders to parents with a parents' evening appointment tomorrow."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"{sent} reminder(s) queued.")
