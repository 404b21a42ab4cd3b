"""Send every message in the outbox that is due (for cron, where no task worker waits for held
messages), and optionally ask GOV.UK Notify how earlier ones ended."""

from django.core.management.base import BaseCommand

from reaching_out import services


class Command(BaseCommand):
    help = "Send the messages to parents and staff that are due now."

    def add_arguments(self, parser):
        parser.add_argument("--poll", action="store_true", help="Also ask Notify for statuses.")

    def handle(self, *args, **options):
        run = services.send_due()
        self.stdout.write(
            f"Sent {run.sent}, to try again {run.retrying}, failed {run.failed}, "
            f"taken back from a stopped worker {run.recovered}."
        )
        if options["poll"]:
            self.stdout.write(f"Delivery reports read from Notify: {services.poll_notify()}.")
