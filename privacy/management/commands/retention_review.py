"""List what is past retention (counts per school and kind, no names); erase it on confirmation."""

import datetime
import getpass

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.models import School
from privacy.ageing import ageing_out, ageing_review, months_ahead
from privacy.retention import school_review
from privacy.services import retention_erase
from privacy.tasks import retention_review_all


class Command(BaseCommand):
    help = (
        "List the records past each school's retention periods, as counts per school and kind. "
        "With --erase --confirm, erase them (with their edit history) and log what was erased; "
        "families on legal hold are kept, and the access log and the contacts' edit history past "
        "their limits are aged out a month at a time (docs/partitions.md). With --notify, queue "
        "the review task that emails each headteacher instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", type=int, help="Only this school (its id).")
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, help="Work out retention for this day."
        )
        parser.add_argument("--erase", action="store_true", help="Erase what is listed.")
        parser.add_argument(
            "--confirm", action="store_true", help="Needed with --erase: erasure cannot be undone."
        )
        parser.add_argument(
            "--notify", action="store_true", help="Queue the review email to headteachers."
        )

    def handle(self, *args, school=None, as_of=None, erase=False, confirm=False, notify=False, **_):
        if notify:
            result = retention_review_all.enqueue()
            self.stdout.write(f"Queued the retention review for every school ({result.status}).")
            return
        if erase and not confirm:
            raise CommandError("Erasure cannot be undone: add --confirm to erase what is listed.")
        as_of = as_of or timezone.localdate()
        schools = School.objects.order_by("pk")
        if school is not None:
            schools = schools.filter(pk=school)
            if not schools.exists():
                raise CommandError(f"No school with id {school}.")
        total = 0
        for each in schools:
            review = school_review(each, as_of=as_of)
            total += review.total
            self.stdout.write(
                f"School {each.pk} ({each.name}): {len(review.routine_ids)} families due, "
                f"{len(review.held)} on legal hold (kept)"
            )
            for kind, count in review.counts:
                if count:
                    self.stdout.write(f"  {kind.label}: {count}")
        self.stdout.write(f"In all: {total} records past retention on {as_of:%Y-%m-%d}.")
        if school is None:
            aged = ageing_review(as_of=as_of)
            self._write_ageing(aged, done=False)
            total += sum(a.total for a in aged)
        if not erase:
            if total:
                self.stdout.write("Nothing erased. Run again with --erase --confirm to erase.")
            return
        chosen = schools.first() if school is not None else None
        run = retention_erase(as_of=as_of, started_by=_who(), school=chosen)
        self.stdout.write(
            self.style.SUCCESS(f"Erasure run {run.pk}: {run.erased} records erased and logged.")
        )
        if school is None:
            # The logs and histories are kept by month for every school at once.
            self._write_ageing(ageing_out(as_of=as_of), done=True)
            made = months_ahead()
            self.stdout.write(f"Months made ahead: {', '.join(made) if made else 'none needed'}.")

    def _write_ageing(self, aged, *, done: bool):
        for each in aged:
            verb = "aged out" if done else "past its limit"
            self.stdout.write(
                f"{each.ageing.label} (kept {each.ageing.limit}; months before "
                f"{each.cutoff:%Y-%m}): {each.total} {'row' if each.total == 1 else 'rows'} {verb}"
                + (f", {len(each.months)} whole months" if each.months else "")
                + (f", {each.kept} rows on legal hold kept" if each.kept else "")
            )
            if each.busy:
                self.stdout.write(f"  Busy, left for the next run: {', '.join(each.busy)}")


def _who() -> str:
    try:
        return f"manage.py ({getpass.getuser()})"
    except (KeyError, OSError):
        return "manage.py"
