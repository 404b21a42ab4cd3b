"""Writing the access log: the one helper every feature app calls."""

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router

from audit.models import AccessLog
from portal.security import client_ip


def _row(
    request,
    action: str,
    obj: models.Model,
    family,
    *,
    validate: bool = True,
    school=None,
    who: str = "",
) -> AccessLog:
    user = request.user if not who else None
    row = AccessLog(
        user=user,
        username=who or request.user.get_username(),
        school=school or getattr(request, "school", None),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        family_id=family.pk if isinstance(family, models.Model) else family,
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    if validate:
        row.full_clean(exclude=["user", "school", "content_type"])
    return row


def access_record(
    request, *, action: str, obj: models.Model, family: models.Model | int | None = None
) -> AccessLog:
    """Logs that the signed-in user viewed, printed or exported `obj` (of `family`, if any)."""
    row = _row(request, action, obj, family)
    row.save()
    return row


def access_record_many(
    request, *, action: str, objs, family: models.Model | int | None = None
) -> list[AccessLog]:
    """Logs several records seen at once (e.g. a family and the confidential contacts on its
    page) in one query. The rows differ only in which record they name, so the first row's
    checks (address, lengths) hold for all of them. The rows given back have no ids."""
    rows = [_row(request, action, obj, family, validate=i == 0) for i, obj in enumerate(objs)]
    for start in range(0, len(rows), _INSERT_BATCH):
        _insert(rows[start : start + _INSERT_BATCH])
    return rows


# The log's columns, in order, for one plain INSERT of many rows. bulk_create built the same
# statement through the ORM each time, which took it a millisecond a page (over twice the
# insert's own time); the rows are not given back their ids, which no caller reads.
_COLUMNS = [field for field in AccessLog._meta.concrete_fields if not field.primary_key]
_COLUMN_NAMES = [str(field.column) for field in _COLUMNS]
_INSERT_BATCH = 500  # rows a statement, within every database's limit on parameters


def _insert(rows: list[AccessLog]) -> None:
    connection = connections[router.db_for_write(AccessLog)]
    quote = connection.ops.quote_name
    one = f"({', '.join(['%s'] * len(_COLUMNS))})"
    # The table's and columns' names are the model's own, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(AccessLog._meta.db_table)} "  # nosec B608
        f"({', '.join(quote(column) for column in _COLUMN_NAMES)}) "
        f"VALUES {', '.join([one] * len(rows))}"
    )
    params = [
        field.get_db_prep_save(field.pre_save(row, True), connection)
        for row in rows
        for field in _COLUMNS
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def access_record_unsigned(
    request, *, action: str, obj: models.Model, family: models.Model | int, school, who: str
) -> AccessLog:
    """Logs a view with no account behind it (a parent opening their link): `who` says whose
    it was, in words, and the row names no user."""
    row = _row(request, action, obj, family, school=school, who=who)
    row.save()
    return row


def access_record_system(
    *, action: str, obj: models.Model, school, who: str, user=None, family=None
) -> AccessLog:
    """Logs an import or export with no web request behind it: a command run by the IT team, a
    scheduled pull from a school system, or a council's reporting tool with its API token
    (`who` names it in words; `user`, where one started it)."""
    row = AccessLog(
        user=user,
        username=who[:150],
        school=school,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        family_id=family.pk if isinstance(family, models.Model) else family,
    )
    row.full_clean(exclude=["user", "school", "content_type"])
    row.save()
    return row
