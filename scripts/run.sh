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
print()
print("  {:<22} {:<30} {}".format("Username", "Role", "School"))
for r in logins():
    print("  {username:<22} {role:<30} {school}".format(**r))
from families.models import ChildParent, ParentCarer
from family_voice.services import link_create
from portal.models import School
school = School.objects.order_by("pk").first()
restricted = ChildParent.objects.exclude(restriction="").values("parent")
parent = (
    ParentCarer.objects.filter(family__school_links__school=school)
    .exclude(pk__in=restricted).order_by("pk").first()
)
if parent is not None:
    made = link_create(school=school, parent=parent, purpose="compass", created_by=None)
    print()
    print(f"  A link for a parent (no account), as {parent.full_name} would get it:")
    print("  " + made.url.replace("localhost", "127.0.0.1"))
'
echo
echo "  Stop it with Ctrl+C."
echo
exec $py manage.py runserver 127.0.0.1:8000
