"""What a page read from some tables: for the tests that a page reads a table only where it
has something to show from it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_and_reads(client, url: str, *tables) -> tuple[str, list[str]]:
    """The page's text, and the SQL of each read it made of the tables of `tables` (models, or
    a many-to-many field's `through`), in the order made."""
    names = [f'SELECT "{table._meta.db_table}"' for table in tables]
    with CaptureQueriesContext(connection) as captured:
        text = client.get(url).text
    return text, [q["sql"] for q in captured if q["sql"].startswith(tuple(names))]
