"""The database role the app connects as: it adds and reads audit rows, never changes them.

Migrations run as the owner of the tables; the owner grants the app's role (`DATABASE_APP_ROLE`)
SELECT, INSERT, UPDATE and DELETE on the tables and only SELECT and INSERT on the audit tables
(the access log and every history table), so neither a bug nor an attacker in the app can change
or remove the trail. pghistory's context table (who and which URL, shared by one request's
events) is upserted per request: the role may also UPDATE it, but not DELETE or TRUNCATE it.
The triggers on the audit tables refuse UPDATE, DELETE and TRUNCATE for every role, the owner too.
"""

import contextlib
import re
from collections.abc import Iterator

import pghistory.models
import pgtrigger
from django.apps import apps
from django.db import connections

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def audit_models() -> list[type]:
    """The access log and every history (pghistory event) table."""
    from dangpt.models import AccessLog

    events = [
        model
        for model in apps.get_models()
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy
    ]
    return [AccessLog, *sorted(events, key=lambda m: m._meta.db_table)]


def _no_truncate_uris() -> list[str]:
    return [
        f"{model._meta.label}:{trigger.name}"
        for model in audit_models()
        for trigger in model._meta.triggers
        if str(trigger.operation) == str(pgtrigger.Truncate)
    ]


@contextlib.contextmanager
def truncate_allowed(using: str = "default") -> Iterator[None]:
    """Let TRUNCATE past the audit tables' triggers in this thread: for emptying a test database
    or seed_scale's synthetic data only."""
    with pgtrigger.ignore(*_no_truncate_uris(), databases=[using]):
        yield


def grant_app_role(role: str, *, using: str = "default", password: str = "") -> None:
    """Create the login role if it is missing (with the password, when given) and grant it what
    the app needs: everything on the app's tables but UPDATE, DELETE and TRUNCATE on audit ones."""
    if not ROLE_NAME.fullmatch(role):
        raise ValueError(f"not a plain lower-case role name: {role!r}")
    connection = connections[using]
    quote = connection.ops.quote_name
    name = quote(role)
    audit = ", ".join(quote(model._meta.db_table) for model in audit_models())
    context = quote(pghistory.models.Context._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user = %s", [role])
        if cursor.fetchone()[0]:
            raise ValueError("the app's role must not be the role that owns the tables")
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {name} LOGIN")
        if password:
            cursor.execute(f"ALTER ROLE {name} WITH LOGIN PASSWORD %s", [password])
        database = quote(connection.settings_dict["NAME"])
        for statement in (
            f"GRANT CONNECT ON DATABASE {database} TO {name}",
            f"GRANT USAGE ON SCHEMA public TO {name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
            f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {name}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {name}",
            f"REVOKE UPDATE, DELETE ON {audit} FROM {name}",
            f"REVOKE DELETE ON {context} FROM {name}",
        ):
            cursor.execute(statement)
