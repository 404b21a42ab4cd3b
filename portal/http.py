"""The request every view of the portal gets, for type annotations: `request: SchoolRequest`.

The login middleware has sent anyone not signed in to the login page before a staff view runs,
and portal.middleware.CurrentSchoolMiddleware has set `school`: the school the user is working
in now, or None for someone with no school (an administrator, a new account)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_htmx.middleware import HtmxDetails

    from portal.models import School


class SchoolRequest(HttpRequest):
    school: School | None
    user: User  # type: ignore[assignment]  # signed in: never AnonymousUser in a staff view
    htmx: HtmxDetails  # django-htmx's middleware: whether htmx sent the request, and how
