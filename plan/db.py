"""Database helpers that several services and selectors share."""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def consistent_reads():
    """Reads that must see one state of the database (e.g. what adoption freezes). On
    PostgreSQL a read-only REPEATABLE READ transaction: it takes no locks and no writer waits
    for it. Inside an enclosing transaction (tests) that transaction's view is used."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield
