#!/usr/bin/env bash
# Runs the portal with demo data on SQLite (or DATABASE_URL), at http://127.0.0.1:8000/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
# The demo lets you try every role without an authenticator app; production always requires
# two-factor sign-in for pastoral, headteacher, authority and administrator roles.
export TWO_FACTOR_REQUIRED="${TWO_FACTOR_REQUIRED:-false}"
py=.venv/bin/python

$py manage.py migrate --no-input
$py manage.py load_demo --quiet-logins
$py manage.py shell -v 0 -c '
from demo.schools import DEMO_PASSWORD, logins
print()
print("  Parent Compass is running at  http://127.0.0.1:8000/")
print(f"  Demo password for every login: {DEMO_PASSWORD}")
print("  Two-factor sign-in is off for this demo (TWO_FACTOR_REQUIRED=true to try it).")
import os
if os.environ.get("EMAIL_URL", "consolemail://").startswith("consolemail:"):
    print("  Messages to parents and staff are printed in this window (EMAIL_URL=consolemail://);")
    print("  set EMAIL_URL to use a mail server. Printed letters are PDFs from the outbox.")
else:
    print("  Messages to parents and staff go to the mail server in EMAIL_URL.")
print()
print("  {:<22} {:<30} {}".format("Username", "Role", "School"))
for r in logins():
    print("  {username:<22} {role:<30} {school}".format(**r))
from django.core.exceptions import ValidationError
from django.utils import timezone
from families.models import ChildParent, ParentCarer
from family_voice.services import link_create
from meetings.models import Meeting
from portal.models import School
school = School.objects.order_by("pk").first()
restricted = ChildParent.objects.exclude(restriction="").values("parent")
parents = (
    ParentCarer.objects.filter(family__school_links__school=school)
    .exclude(pk__in=restricted).exclude(email="").order_by("pk")
)
def _meeting(parent, held):
    meetings = Meeting.objects.filter(school=school, invitations__parent=parent)
    if held:
        return meetings.filter(status__in=["held", "reviewed"]).order_by("-starts_at").first()
    return meetings.filter(status="planned", starts_at__gt=timezone.now()).order_by("starts_at").first()
shown = []
for purpose, words in (
    ("compass", "say how things are with the school"),
    ("preferences", "keep their contact details up to date"),
    ("views", "give their views before a meeting"),
    ("summary", "read the summary of a meeting"),
):
    for parent in parents[:200]:
        meeting = _meeting(parent, purpose == "summary") if purpose in ("views", "summary") else None
        if purpose in ("views", "summary") and meeting is None:
            continue
        try:
            made = link_create(school=school, parent=parent, purpose=purpose, meeting=meeting, created_by=None)
        except ValidationError:
            continue
        shown.append((words, parent, made.url.replace("localhost", "127.0.0.1")))
        break
from demo.evenings import booking_link
found = booking_link(school)
if found:
    parent, url = found
    words = "book appointments at the parents’ evening"
    shown.append((words, parent, url.replace("localhost", "127.0.0.1")))
if shown:
    print()
    print("  Links for parents (no account), as they would get them; a code to confirm it is")
    print("  them is printed here, in this window, as every e-mail is in this demo:")
    for words, parent, url in shown:
        print(f"  - {parent.full_name}, to {words}:")
        print("    " + url)
'
echo
echo "  Stop it with Ctrl+C."
echo
exec $py manage.py runserver 127.0.0.1:8000
