"""Smoke check of the run path: migrate, load demo data twice, sign in, open two pages."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from demo.schools import DEMO_PASSWORD  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)
call_command("load_demo", quiet_logins=True)
call_command("load_demo", quiet_logins=True)

client = Client(SERVER_NAME="localhost")
checks = []
response = client.get("/accounts/login/")
checks.append(("login page", response.status_code))
response = client.post(
    "/accounts/login/", {"username": "castlebrae.teacher", "password": DEMO_PASSWORD}
)
checks.append(("sign in redirects", response.status_code))
response = client.get("/")
checks.append(("home page signed in", response.status_code))

expected = {"login page": 200, "sign in redirects": 302, "home page signed in": 200}
failed = [(name, code) for name, code in checks if code != expected[name]]
for name, code in checks:
    print(f"  {name}: {code}")
if failed:
    sys.exit(f"Smoke check failed: {failed}")
print("Smoke check passed.")
