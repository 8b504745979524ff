"""The database role the app connects as: it adds and reads audit rows, never changes them.

Migrations run as the owner of the tables; the owner grants the app's role (`DATABASE_APP_ROLE`)
SELECT, INSERT, UPDATE and DELETE on the tables and only SELECT and INSERT on the audit tables
(the access log and every history table), so neither a bug nor an attacker in the app can change
or remove the trail. pghistory's context table (who and which URL, shared by one request's
events) is upserted per request: the role may also UPDATE it, but not DELETE or TRUNCATE it, and
a trigger lets an UPDATE only add keys to its metadata (or fill a key that was null), never change
who or which URL a past change names. The triggers on the audit tables refuse UPDATE, DELETE and
TRUNCATE for every role, the owner too; pgtrigger's per-session switch to skip triggers
(`pgtrigger.ignore`) works only for the tables' owner, so the app's role cannot turn off history
or the signed-note lock. Sequences are usable (nextval), never settable. Django's admin log and
django-axes' logs are add-only too (axes keeps UPDATE on `axes_accesslog` for the logout time, and
full rights on its lockout counters, which it updates and resets).
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


# pghistory's `_pgh_attach_context()` upserts one row per request with the request's metadata,
# merged as `pghistory.context()` blocks nest: keys are added, a kept key keeps its value.
CONTEXT_GUARD = """
CREATE OR REPLACE FUNCTION dangpt_context_keeps_metadata() RETURNS TRIGGER AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.created_at IS DISTINCT FROM OLD.created_at
        OR jsonb_typeof(OLD.metadata::jsonb) IS DISTINCT FROM 'object'
        OR jsonb_typeof(NEW.metadata::jsonb) IS DISTINCT FROM 'object'
        OR EXISTS (
            SELECT 1 FROM jsonb_each(OLD.metadata::jsonb) AS kept
            WHERE kept.value <> 'null'::jsonb
              AND NEW.metadata::jsonb -> kept.key IS DISTINCT FROM kept.value
        )
    THEN
        RAISE EXCEPTION 'a history context may gain keys, never change recorded ones'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS dangpt_context_keeps_metadata ON {table};
CREATE TRIGGER dangpt_context_keeps_metadata BEFORE UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION dangpt_context_keeps_metadata();
"""

# django-pgtrigger's own function (pgtrigger/compiler.py), with one change: only the tables' owner
# may skip triggers through the `pgtrigger.ignore` setting, which any session can set. Every
# migration that installs a trigger re-creates pgtrigger's version; the grant runs after migrate.
IGNORE_FUNCTION = """
CREATE OR REPLACE FUNCTION "public"._pgtrigger_should_ignore(trigger_name NAME)
RETURNS BOOLEAN AS $$
    DECLARE
        _pgtrigger_ignore TEXT[];
        _result BOOLEAN;
    BEGIN
        IF NOT pg_has_role(current_user, {owner}::name, 'MEMBER') THEN
            RETURN FALSE;
        END IF;
        BEGIN
            SELECT INTO _pgtrigger_ignore CURRENT_SETTING('pgtrigger.ignore');
            EXCEPTION WHEN OTHERS THEN
        END;
        IF _pgtrigger_ignore IS NOT NULL THEN
            SELECT trigger_name = ANY(_pgtrigger_ignore) INTO _result;
            RETURN _result;
        ELSE
            RETURN FALSE;
        END IF;
    END;
$$ LANGUAGE plpgsql;
"""

ADD_ONLY_LOGS = ("django_admin_log", "axes_accessfailurelog")


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
        cursor.execute("SELECT current_user = %s, current_user", [role])
        is_app_role, owner = cursor.fetchone()
        if is_app_role:
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
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
            f"REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA public FROM {name}",
            f"REVOKE UPDATE, DELETE ON {audit} FROM {name}",
            f"REVOKE DELETE ON {context} FROM {name}",
            f"REVOKE UPDATE, DELETE ON {', '.join(map(quote, ADD_ONLY_LOGS))} FROM {name}",
            f"REVOKE DELETE ON {quote('axes_accesslog')} FROM {name}",
        ):
            cursor.execute(statement)
        cursor.execute(CONTEXT_GUARD.format(table=context))
        owner_literal = "'" + owner.replace("'", "''") + "'"
        cursor.execute(IGNORE_FUNCTION.format(owner=owner_literal))
