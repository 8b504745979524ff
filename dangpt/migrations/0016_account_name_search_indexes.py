"""Trigram indexes on account names: the audit page finds a staff member or runner by name
(``icontains`` is ``UPPER(col) LIKE '%…%'``), which would otherwise read every account."""

from django.db import migrations

COLUMNS = ("first_name", "last_name")


class Migration(migrations.Migration):
    dependencies = [
        ("dangpt", "0015_access_kind_bulk_export"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("patients", "0005_search_and_range_indexes"),  # creates the pg_trgm extension
    ]

    operations = [
        migrations.RunSQL(
            sql=f'CREATE INDEX IF NOT EXISTS "auth_user_{column}_trgm" ON "auth_user" '
            f'USING gin (UPPER("{column}") gin_trgm_ops)',
            reverse_sql=f'DROP INDEX IF EXISTS "auth_user_{column}_trgm"',
        )
        for column in COLUMNS
    ]
