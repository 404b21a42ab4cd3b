"""The access log: who viewed, printed or exported which record. Feature apps call
`audit.record(request, action=..., obj=..., family=...)`; this app depends on none of them."""

from audit.constants import EXPORT, IMPORT, PRINT, VIEW


def record(request, *, action, obj, family=None):
    """Logs one view, print or export of `obj` by the signed-in user (see audit.services)."""
    from audit.services import access_record

    return access_record(request, action=action, obj=obj, family=family)


def record_many(request, *, action, objs, family=None):
    """Logs several records shown together (one query); see audit.services."""
    from audit.services import access_record_many

    return access_record_many(request, action=action, objs=objs, family=family)


def record_unsigned(request, *, action, obj, family, school, who: str):
    """Logs a view with no account behind it, e.g. a parent opening their link (`who` names
    them in words); see audit.services."""
    from audit.services import access_record_unsigned

    return access_record_unsigned(
        request, action=action, obj=obj, family=family, school=school, who=who
    )


def record_system(*, action, obj, school, who: str, user=None, family=None):
    """Logs an import or export with no web request behind it (a command, a scheduled pull, a
    council's API token); see audit.services."""
    from audit.services import access_record_system

    return access_record_system(
        action=action, obj=obj, school=school, who=who, user=user, family=family
    )


__all__ = [
    "EXPORT",
    "IMPORT",
    "PRINT",
    "VIEW",
    "record",
    "record_many",
    "record_system",
    "record_unsigned",
]
