"""A second database alias, `replica`, for the dashboard router's tests.

It is a test mirror of the default database (the same test database through a second
connection), as a streaming replica would be. It is added when this folder's tests are
collected, before any test database is set up; nothing routes to it unless a test sets
DASHBOARD_READ_DATABASE, as settings.py does only when REPLICA_DATABASE_URL is given.
"""

from django.conf import settings

if "replica" not in settings.DATABASES:
    settings.DATABASES["replica"] = {
        **settings.DATABASES["default"],
        "TEST": {"MIRROR": "default"},
    }
