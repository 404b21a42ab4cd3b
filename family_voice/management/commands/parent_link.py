"""Print a new link for one parent or carer and one purpose (a whole URL), for support and tests."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from families.models import ParentCarer, SchoolFamily
from family_voice.models import Purpose
from family_voice.services import link_create
from meetings.models import Meeting
from portal.models import School


class Command(BaseCommand):
    help = (
        "Make a link for one parent or carer and one purpose and print it (the whole address). "
        "The same rules apply as on the family page: a parent with a recorded restriction gets "
        "no link that shows anything about a child."
    )

    def add_arguments(self, parser):
        parser.add_argument("--parent", type=int, required=True, help="The parent or carer's id.")
        parser.add_argument("--purpose", required=True, choices=Purpose.values)
        parser.add_argument("--meeting", type=int, help="The meeting (views and summary).")
        parser.add_argument(
            "--school", type=int, help="The school's id, if the family is at more than one."
        )

    def handle(self, *args, parent, purpose, meeting=None, school=None, **options):
        found = ParentCarer.objects.filter(pk=parent).first()
        if found is None:
            raise CommandError(f"No parent or carer has the id {parent}.")
        schools = SchoolFamily.objects.filter(family_id=found.family_id)
        if school is not None:
            schools = schools.filter(school_id=school)
        school_ids = list(schools.values_list("school_id", flat=True))
        if len(school_ids) != 1:
            raise CommandError(
                "This family is at no such school."
                if not school_ids
                else "This family is at more than one school: say which with --school."
            )
        chosen_meeting = None
        if meeting is not None:
            chosen_meeting = Meeting.objects.filter(pk=meeting).first()
            if chosen_meeting is None:
                raise CommandError(f"No meeting has the id {meeting}.")
        try:
            made = link_create(
                school=School.objects.get(pk=school_ids[0]),
                parent=found,
                purpose=purpose,
                meeting=chosen_meeting,
                created_by=None,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(made.url)
