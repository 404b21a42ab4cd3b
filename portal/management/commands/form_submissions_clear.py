"""Remove spent one-time form tokens older than a few days (run nightly from cron)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.models import FormSubmission


class Command(BaseCommand):
    help = "Delete one-time form tokens (portal.FormSubmission) older than --days (default 7)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days: int, **options):
        cutoff = timezone.now() - timedelta(days=max(days, 1))
        deleted, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"Removed {deleted} form token(s) older than {days} day(s).")
