"""Django's flush, which may empty the audit tables of a test database and of no other.

The test runner flushes its database after each transactional test with one TRUNCATE of every
table; the audit tables' triggers refuse TRUNCATE, so a test database (Django's `test_` prefix)
lets it through for this command. Any other database keeps its trail: flush fails there.
"""

from django.core.management.commands import flush
from django.db import connections
from django.db.backends.base.creation import TEST_DATABASE_PREFIX

from dangpt.audit.database import truncate_allowed


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        if connections[database].settings_dict["NAME"].startswith(TEST_DATABASE_PREFIX):
            with truncate_allowed(database):
                return super().handle(**options)
        return super().handle(**options)
