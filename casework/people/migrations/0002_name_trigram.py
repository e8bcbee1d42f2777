"""PostgreSQL only: a trigram index so that ``name LIKE '%…%'`` (person_search)
does not scan the whole table.

Needs the ``pg_trgm`` extension (shipped with PostgreSQL's contrib package).
Creating an extension needs the CREATE privilege on the database; when the
role lacks it, or the extension is not available, the migration leaves the
index out (search still works, by a scan) and says so: an administrator can
run the two statements below later.
"""

from django.db import migrations, transaction

CREATE_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
CREATE_INDEX = "CREATE INDEX IF NOT EXISTS people_person_name_trgm ON people_person USING gin (name gin_trgm_ops)"


def create_trigram_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            print("\n  people: pg_trgm not available; name search will scan the table.")
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute(CREATE_EXTENSION)
                cursor.execute(CREATE_INDEX)
        except Exception as exc:  # a privilege error must not stop the whole migrate
            print(f"\n  people: trigram index not created ({exc}); run as a superuser: {CREATE_EXTENSION}; {CREATE_INDEX}")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS people_person_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False)]
