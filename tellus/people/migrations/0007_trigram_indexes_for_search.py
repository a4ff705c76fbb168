"""Trigram indexes for the console's "part of a name" and address searches, on PostgreSQL only.

`name_normalised LIKE '%sam%'` and `UPPER(address) LIKE '%KILN%'` cannot use a B-tree index: without these each such
search reads every source record (about 35 ms a name search in the 20,000-person town). pg_trgm is a trusted
extension (PostgreSQL 13 and later), so the database's owner may create it. Where it is not installed the migration
does nothing and searches still work, only slower. SQLite has no such index; it is skipped there."""

from django.db import DatabaseError, migrations, transaction

INDEXES = (
    "CREATE INDEX IF NOT EXISTS people_sourcerecord_name_trgm ON people_sourcerecord "
    "USING gin (name_normalised gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS people_sourcerecord_address_trgm ON people_sourcerecord "
    "USING gin (UPPER(address::text) gin_trgm_ops)",
)


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT installed_version FROM pg_available_extensions WHERE name = 'pg_trgm'")
        row = cursor.fetchone()
        if row is None:
            return  # contrib not installed on this server: searches scan instead
        if row[0] is None:
            try:
                with transaction.atomic():  # a savepoint: a role that may not create it leaves searches as they were
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except DatabaseError:
                return
        for sql in INDEXES:
            cursor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS people_sourcerecord_name_trgm")
        cursor.execute("DROP INDEX IF EXISTS people_sourcerecord_address_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0006_person_correspondence_and_representatives")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
