"""E-mail each member of staff a parent has written to, once their school's quiet hours are over
(run every few minutes from cron)."""

from django.core.management.base import BaseCommand, CommandError

from family_voice.notes import notes_tell_staff


class Command(BaseCommand):
    help = (
        "Tell staff of new notes from parents: one e-mail per note, to the member of staff it "
        "was written to, once the quiet hours it was written in are over. The e-mail names no "
        "child and holds nothing of what was written, only a link to the family page. Running "
        "it again sends nothing new; two running at once never send the same note twice."
    )

    def handle(self, *args, **options):
        told, failed = notes_tell_staff()
        self.stdout.write(f"Told staff of {told} note{'' if told == 1 else 's'}.")
        if failed:
            raise CommandError(
                f"{len(failed)} e-mail{'' if len(failed) == 1 else 's'} could not be sent "
                f"(notes {', '.join(map(str, failed))}); they are tried again next time."
            )
